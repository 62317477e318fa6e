"""Rules of papers: each candidate's order of items and options, shuffled reproducibly from the seed
recorded on the attempt (the same seed always gives the same order, so a resumed or re-checked exam shows
what the candidate saw)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

SHUFFLED_OPTIONS = frozenset({"single", "multiple"})


def _rng(seed: str, salt: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # an order, not a secret


def shuffle_plan(items: Sequence[dict[str, Any]], seed: str) -> list[tuple[int, list[int]]]:
    """For each item shown, in the order shown: (its position on the sealed form, the permutation of its
    options — shown option i is the form's option perm[i]; empty when the type keeps no options order).
    Items keep their type blocks in the form's order (single, multiple … as the form lists them); within
    a block they are shuffled."""
    blocks: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        blocks.setdefault(str(item["type"]), []).append(item)
    plan: list[tuple[int, list[int]]] = []
    for kind, block in blocks.items():
        order = list(block)
        _rng(seed, f"block:{kind}").shuffle(order)
        for item in order:
            options = item.get("options") or []
            perm = list(range(len(options)))
            if kind in SHUFFLED_OPTIONS and perm:
                _rng(seed, f"options:{item['position']}").shuffle(perm)
            plan.append((int(item["position"]), perm if kind in SHUFFLED_OPTIONS else []))
    return plan


LETTERS = "ABCDEFGHIJ"


def to_form_answer(shown: str, perm: list[int]) -> str:
    """A choice answered on the shown order ("BD") as letters of the form's order, sorted."""
    if not perm:
        return shown
    return "".join(sorted(LETTERS[perm[LETTERS.index(c)]] for c in shown if c in LETTERS[: len(perm)]))

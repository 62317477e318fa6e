"""Rules of papers for the computer-based theory exam (EVL-6): each candidate's order of items and
options, shuffled reproducibly from the seed recorded on the attempt (the same seed always gives the
same order, so a resumed or re-checked exam shows what the candidate saw).

Two ways of drawing the order, told apart by the seed itself so that every recorded seed keeps giving
the order its candidate saw:
- a seed written as `2.<hex>` (`new_seed()`, every attempt prepared or started since) draws the whole
  order from one SHAKE-256 stream of the seed: a Fisher–Yates shuffle per type block and per item's
  options, each step taking the next 32-bit word modulo the places left (the bias, below 100 / 2³²,
  is far under what an order of items could show). One hash per candidate: an exam start for
  thousands of candidates at once must not spend most of its time ordering items;
- any other seed (attempts recorded before) seeds Python's Mersenne Twister per block and per item from
  SHA-256 of the seed, as it always did."""

from __future__ import annotations

import hashlib
import random
import secrets
import struct
from collections.abc import Sequence
from typing import Any

SHUFFLED_OPTIONS = frozenset({"single", "multiple"})
STREAM_SEED = "2."


def new_seed() -> str:
    """A new attempt's seed: the stream way of drawing (module docstring)."""
    return STREAM_SEED + secrets.token_hex(16)


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
    if seed.startswith(STREAM_SEED):
        return _stream_plan(blocks, seed)
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


def _stream_plan(blocks: dict[str, list[dict[str, Any]]], seed: str) -> list[tuple[int, list[int]]]:
    """The stream way (module docstring): blocks in the form's order, each block's items shuffled, then
    each shown choice item's options, all from one SHAKE-256 stream of 32-bit words."""
    needed = sum(max(len(b) - 1, 0) for b in blocks.values()) + sum(
        max(len(item.get("options") or []) - 1, 0)
        for kind, block in blocks.items()
        if kind in SHUFFLED_OPTIONS
        for item in block
    )
    words = struct.unpack(f"<{needed}I", hashlib.shake_256(seed.encode()).digest(4 * needed))
    k = 0
    plan: list[tuple[int, list[int]]] = []
    for kind, block in blocks.items():
        order = list(block)
        for i in range(len(order) - 1, 0, -1):
            j = words[k] % (i + 1)
            k += 1
            order[i], order[j] = order[j], order[i]
        shuffled = kind in SHUFFLED_OPTIONS
        for item in order:
            perm: list[int] = []
            if shuffled:
                perm = list(range(len(item.get("options") or [])))
                for i in range(len(perm) - 1, 0, -1):
                    j = words[k] % (i + 1)
                    k += 1
                    perm[i], perm[j] = perm[j], perm[i]
            plan.append((int(item["position"]), perm))
    return plan


LETTERS = "ABCDEFGHIJ"


def to_form_answer(shown: str, perm: list[int]) -> str:
    """A choice answered on the shown order ("BD") as letters of the form's order, sorted."""
    if not perm:
        return shown
    return "".join(sorted(LETTERS[perm[LETTERS.index(c)]] for c in shown if c in LETTERS[: len(perm)]))

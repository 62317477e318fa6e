"""Reads of the computer-based theory exam: a sealed form's content, read and checked once per process
(a sealed form never changes: `paper_content` checks its SM3 digest the first time, later reads come
from memory, so starting and autosaving never decrypt a form again); the items in a candidate's order
without their answers; what the candidate's page and API show of her attempt."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import Any

from peiyu.core.errors import Conflict

from ..models import Attempt, Paper
from ..rules.cbt import LETTERS, OBJECTIVE, SUBJECTIVE, normalise_text, tenths
from ..rules.papers import shuffle_plan
from .papers import paper_content

ACTIVE = (Attempt.Status.IN_PROGRESS, Attempt.Status.SUSPENDED)
FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED, Attempt.Status.VOIDED)

_lock = threading.Lock()
_contents: dict[int, dict[str, Any]] = {}
_keys: dict[int, PaperKey] = {}
_fragments: dict[int, dict[int, tuple[str, list[str]]]] = {}
# per form: each item's options as JSON in each order a candidate was shown (at most 4! = 24 per item)
_options_shown: dict[int, dict[tuple[int, tuple[int, ...]], str]] = {}


@dataclass(frozen=True)
class PaperKey:
    """What scoring needs of a form: its objective items (position as stored in answers, type, key —
    for fill-in the set of accepted answers normalised —, points in tenths), its subjective items (position, points) and its total in tenths."""

    paper_id: int
    objective: tuple[tuple[str, str, Any, int], ...]
    subjective: tuple[tuple[int, int], ...]
    total: int


def sealed_content(paper: Paper, *, now: dt.datetime) -> dict[str, Any]:
    """The content of a sealed form (selectors.papers.paper_content: refused before its opening time
    and when it no longer matches its digest), cached per process after the first good read."""
    if paper.opens_at is None or now < paper.opens_at:
        raise Conflict("未到开考时间，试卷不能启封", code="paper_not_open_yet")
    cached = _contents.get(paper.pk)
    if cached is not None:
        return cached
    data = paper_content(paper, now=now)
    with _lock:
        _contents[paper.pk] = data
    return data


def content_by_id(paper_id: int, *, now: dt.datetime) -> dict[str, Any]:
    """The cached content of a form an attempt already uses (read and checked at its start)."""
    cached = _contents.get(paper_id)
    if cached is not None:
        return cached
    return sealed_content(Paper.objects.get(pk=paper_id), now=now)


def content_cached(paper_id: int) -> bool:
    """Whether this process has read and checked the form already."""
    return paper_id in _contents


def items_by_position(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    index = content.get("_by_position")
    if index is None:
        index = {str(item["position"]): item for item in content["items"]}
        content["_by_position"] = index  # the cached dict is ours: no answer ever leaves through it
    return index


def paper_key(paper_id: int, *, now: dt.datetime) -> PaperKey:
    key = _keys.get(paper_id)
    if key is not None:
        return key
    content = content_by_id(paper_id, now=now)
    objective = []
    subjective = []
    total = 0
    for item in content["items"]:
        points = tenths(item["points"])
        total += points
        kind = str(item["type"])
        if kind == "fill":  # the accepted answers normalised once (rules.cbt.normalise_text)
            answer = item.get("answer")
            accepted = answer if isinstance(answer, list) else [answer]
            objective.append(
                (str(item["position"]), kind, frozenset(normalise_text(str(a)) for a in accepted), points)
            )
        elif kind in OBJECTIVE:
            objective.append((str(item["position"]), kind, item.get("answer"), points))
        elif kind in SUBJECTIVE:
            subjective.append((int(item["position"]), points))
    key = PaperKey(paper_id, tuple(objective), tuple(subjective), total)
    with _lock:
        _keys[paper_id] = key
    return key


def forget_cached_papers() -> None:
    """Tests and the benchmark start from an empty cache."""
    with _lock:
        _contents.clear()
        _keys.clear()
        _fragments.clear()
        _options_shown.clear()


def candidate_items(content: dict[str, Any], seed: str) -> list[dict[str, Any]]:
    """The form's items in the candidate's order (rules.papers.shuffle_plan from her seed), numbered
    as shown, each choice's options in her order carrying the form's letter as their value — never
    the answer, the reference answer or the criteria."""
    index = items_by_position(content)
    shown = []
    for number, (position, perm) in enumerate(shuffle_plan(content["items"], seed), start=1):
        item = index[str(position)]
        options = item.get("options") or []
        order = perm or list(range(len(options)))
        shown.append(
            {
                "number": number,
                "position": position,
                "type": item["type"],
                "points": str(item["points"]),
                "stem": item["stem"],
                "options": [
                    {"label": LETTERS[i], "value": LETTERS[j], "text": options[j]}
                    for i, j in enumerate(order)
                ]
                if item["type"] in ("single", "multiple")
                else [],
            }
        )
    return shown


def _paper_fragments(paper_id: int, content: dict[str, Any]) -> dict[int, tuple[str, list[str]]]:
    """Per position: the JSON of what an item shows besides its number and options (position, type,
    points, stem) and each option's text as JSON — made once per form and process, so a start only
    joins strings in the candidate's order."""
    made = _fragments.get(paper_id)
    if made is not None:
        return made
    made = {}
    for item in content["items"]:
        head = json.dumps(
            {"position": int(item["position"]), "type": item["type"], "points": str(item["points"]),
             "stem": item["stem"]}, ensure_ascii=False,
        )[1:-1]  # fmt: skip
        texts = [json.dumps(text, ensure_ascii=False) for text in item.get("options") or []]
        made[int(item["position"])] = (head, texts if item["type"] in ("single", "multiple") else [])
    with _lock:
        _fragments[paper_id] = made
    return made


def candidate_items_json(paper_id: int, content: dict[str, Any], seed: str) -> str:
    """`candidate_items` without responses, as the JSON list the API sends (the ItemOut shape, with
    `"response": null`): the same order and option letters, built from per-form fragments."""
    fragments = _paper_fragments(paper_id, content)
    shown = _options_shown.setdefault(paper_id, {})  # (position, order) → its options' JSON, per form
    parts = []
    for number, (position, perm) in enumerate(shuffle_plan(content["items"], seed), start=1):
        head, texts = fragments[position]
        key = (position, tuple(perm))
        options = shown.get(key)
        if options is None:
            order = perm or list(range(len(texts)))
            options = shown[key] = ",".join(
                f'{{"label":"{LETTERS[i]}","value":"{LETTERS[j]}","text":{texts[j]}}}' for i, j in enumerate(order)
            ) if texts else ""  # fmt: skip
        parts.append(f'{{"number":{number},{head},"options":[{options}],"response":null}}')
    return "[" + ",".join(parts) + "]"


def attempt_for_page(attempt: Attempt, *, now: dt.datetime) -> dict[str, Any]:
    """What the candidate's page and the API show: her items with her saved responses, the server's
    deadline and the seconds left, the revision her next save must name."""
    content = content_by_id(attempt.paper_id, now=now)
    items = candidate_items(content, attempt.shuffle_seed)
    answers = attempt.answers or {}
    for item in items:
        response = answers.get(str(item["position"]))
        item["response"] = response
        for option in item["options"]:
            option["chosen"] = bool(response) and option["value"] in str(response)
    left = 0
    if attempt.deadline_at is not None and attempt.status in ACTIVE:
        left = max(0, int((attempt.deadline_at - now).total_seconds()))
    return {
        "attempt": attempt,
        "items": items,
        "answered": sum(1 for item in items if item["response"] not in (None, "")),
        "revision": attempt.revision,
        "seconds_left": left,
        "total_points": content.get("total_points", ""),
    }

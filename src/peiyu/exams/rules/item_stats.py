"""Item statistics of classical test theory, computed after each session and shown to the bank's
reviewers (issue 13 point 3). Pure: plain numbers in, numbers and flags out.

- **Facility** (难度系数/通过率) p: the mean score ratio on the item — for an objective item the
  proportion answering correctly, for a marked item the mean of score ÷ points.
- **Discrimination** (区分度) r: the point-biserial correlation — Pearson's r between the item's score
  ratio and the candidate's total on the REST of the paper (the corrected item-total correlation, so an
  item does not correlate with itself). For a right/wrong item this is exactly the point-biserial
  coefficient; for a marked item it is the same Pearson r on its ratio. None when either side does not
  vary (everyone right, or everyone with the same rest score).
- Over several sessions the indices are the response-weighted means of the sessions' values.

The thresholds below are psychometric convention (e.g. Ebel's guideline that items with r < 0.2 should
be revised or discarded; facility outside 0.1–0.95 leaves too few candidates on one side to tell
anything), not policy of RULES.md: they flag an item for the reviewers to look at, they refuse nothing."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FACILITY_MIN = 0.10  # fewer than one candidate in ten gets it right: too hard, or a wrong key
FACILITY_MAX = 0.95  # almost everyone gets it right: tells nothing apart
DISCRIMINATION_MIN = 0.20  # Ebel's lower bound for a usable item
MIN_RESPONSES = 10  # below this the indices are too unstable to flag an item


def objective_correct(item_type: str, response: Any, answer: Any) -> bool:
    """Whether a response to an objective item matches the sealed answer (letters in the form's order;
    a fill-in response against any accepted answer, ignoring case and surrounding spaces)."""
    if response is None or response == "" or response == []:
        return False
    if item_type == "fill":
        given = response[0] if isinstance(response, list) and len(response) == 1 else response
        accepted = answer if isinstance(answer, list) else [answer]
        if isinstance(given, list):
            return False
        return str(given).strip().casefold() in {str(a).strip().casefold() for a in accepted}
    if item_type == "multiple":
        return "".join(sorted(str(response).upper())) == "".join(sorted(str(answer).upper()))
    return str(response).strip().upper() == str(answer).strip().upper()


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def indices(ratios: Sequence[float], rest_totals: Sequence[float]) -> tuple[float | None, float | None]:
    """(facility, discrimination) of one item in one session from each candidate's score ratio on it and
    their total on the rest of the paper."""
    if not ratios:
        return None, None
    return sum(ratios) / len(ratios), _pearson(ratios, rest_totals)


def combine(per_session: Mapping[str, Mapping[str, Any]]) -> tuple[int, float | None, float | None]:
    """(responses, facility, discrimination) over sessions: the response-weighted means."""
    n = sum(int(s.get("n") or 0) for s in per_session.values())
    if n == 0:
        return 0, None, None

    def mean(key: str) -> float | None:
        rows = [
            (int(s["n"]), float(s[key]))
            for s in per_session.values()
            if s.get(key) is not None and s.get("n")
        ]
        weight = sum(w for w, _v in rows)
        return sum(w * v for w, v in rows) / weight if weight else None

    return n, mean("facility"), mean("discrimination")


def flag(responses: int, facility: float | None, discrimination: float | None) -> tuple[bool, str]:
    """Whether the item is doubtful and why, in Chinese (empty reason when it is not)."""
    if responses < MIN_RESPONSES:
        return False, ""
    reasons = []
    if facility is not None and facility < FACILITY_MIN:
        reasons.append(f"通过率{facility:.2f}低于{FACILITY_MIN:.2f}（过难或答案有误）")
    if facility is not None and facility > FACILITY_MAX:
        reasons.append(f"通过率{facility:.2f}高于{FACILITY_MAX:.2f}（过易）")
    if discrimination is not None and discrimination < DISCRIMINATION_MIN:
        reasons.append(f"区分度{discrimination:.2f}低于{DISCRIMINATION_MIN:.2f}")
    return bool(reasons), "；".join(reasons)


def rest_totals(totals: Iterable[float], scores: Iterable[float]) -> list[float]:
    return [t - s for t, s in zip(totals, scores, strict=True)]

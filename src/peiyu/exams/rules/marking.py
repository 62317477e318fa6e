"""Rules of subjective marking (EVL-6): each short answer is marked by two examiners of the session's
marking panel, blind to each other; when their marks differ by more than `marking_margin_points` (a
parameter of the profile — platform practice, not a number of the seeds) a third examiner marks it.

The final mark of an answer:
- two marks within the margin: their mean;
- with a third mark: the mean of the third mark and whichever of the first two is nearer to it (on a
  tie, the higher of the two) — the third examiner arbitrates, the mark furthest from hers is dropped.
Means are rounded half up to one decimal (forms carry one decimal)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from peiyu.core.checks import Check

TENTH = Decimal("0.1")


def needs_third(first: Decimal, second: Decimal, margin: Decimal) -> bool:
    return abs(first - second) > margin


def margin_check(first: Decimal, second: Decimal, margin: Decimal) -> Check:
    apart = abs(first - second)
    ok = apart <= margin
    return Check(
        "EVL-6",
        ok,
        f"两评分差{apart}分，未超过{margin}分，取平均分"
        if ok
        else f"两评分差{apart}分，超过{margin}分，须第三位考评员评分",
        {"first": str(first), "second": str(second), "margin": str(margin)},
        source="001 第二十条",
    )


def final_mark(marks: Sequence[Decimal], margin: Decimal) -> Decimal | None:
    """The final mark from the marks in round order (1, 2[, 3]); None while it is not yet final."""
    if len(marks) < 2:
        return None
    first, second = marks[0], marks[1]
    if not needs_third(first, second, margin):
        return ((first + second) / 2).quantize(TENTH, rounding=ROUND_HALF_UP)
    if len(marks) < 3:
        return None
    third = marks[2]
    nearer = min((first, second), key=lambda m: (abs(m - third), -m))
    return ((nearer + third) / 2).quantize(TENTH, rounding=ROUND_HALF_UP)


def mark_check(score: Decimal, points: Decimal) -> Check:
    ok = Decimal(0) <= score <= points and score == score.quantize(TENTH)
    return Check(
        "EVL-6",
        ok,
        "评分在本题分值内" if ok else f"评分须在0至{points}分之间，最多一位小数",
        {"score": str(score), "points": str(points)},
    )

"""Rules of the computer-based theory exam (EVL-6 "智能化上机考试"; seed 001 Art. 20) and of its incidents
(EVL-11; seed 000 Art. 11(6)): pure functions over plain values.

- The server keeps the time: an attempt's deadline is the earlier of its start plus the session's
  minutes and the sitting's end (`deadline_for`).
- The candidates of a sitting are spread over the session's sealed forms by seat (`form_index`: seat 1
  takes the first form, seat 2 the second …, so neighbours never share a form when there are two).
- An answer is checked against the item it answers (`clean_response`) before it is stored; choices are
  stored as the form's option letters (the page sends the form letter of each shown option), so
  scoring needs no shuffle plan.
- Objective scoring (`score_item`): single choice and true/false exact; multiple choice only the exact
  set scores — a partial answer (fewer letters than the key, even all correct) and an answer with a wrong
  letter both score 0 (全部选对得分，少选、多选、错选均不得分), the rule of the national vocational theory
  exams; fill-in scores when the answer, normalised (full-width to half-width by NFKC, every kind of
  space removed, letters case-folded), equals one of the accepted answers normalised the same way.
- A severe incident (discipline breach, impersonation, leak) must be reported (EVL-11)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from peiyu.core.checks import Check

CHOICE_TYPES = frozenset({"single", "multiple"})
OBJECTIVE = frozenset({"single", "multiple", "true_false", "fill"})
SUBJECTIVE = frozenset({"short"})
LETTERS = "ABCDEFGHIJ"
TEXT_MAX = 2000  # characters of a fill-in or short answer
SEVERE_REASONS = frozenset({"cheating", "impersonation", "leak"})
_SPACES = re.compile(r"\s+")


def deadline_for(started_at: dt.datetime, minutes: int, sitting_ends_at: dt.datetime) -> dt.datetime:
    """The moment the attempt is submitted automatically: start + the session's minutes, but never
    after the sitting ends (a late starter does not get extra time)."""
    return min(started_at + dt.timedelta(minutes=minutes), sitting_ends_at)


def form_index(seat: str, fallback: int, forms: int) -> int:
    """Which of `forms` sealed forms a candidate sits: by the digits of her seat number (seat parity
    for two forms), by `fallback` (the registration's number) when the seat has none."""
    if forms <= 0:
        raise ValueError("no forms")
    digits = "".join(ch for ch in seat if ch.isdigit())
    n = int(digits) if digits else fallback
    return (n - 1) % forms if n > 0 else 0


@lru_cache(maxsize=65536)
def normalise_text(value: str) -> str:
    """A fill-in answer as compared: NFKC (full-width letters, digits and punctuation to half-width),
    no spaces of any width, case-folded."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).replace("\u3000", "").casefold()


def clean_response(item: Mapping[str, Any], value: Any) -> str | None:
    """The response to store for `item` (one entry of a sealed form), None to clear it, or ValueError
    with a Chinese message when it cannot be an answer to that item."""
    kind = str(item["type"])
    if value is None or value == "" or value == []:
        return None
    if kind in CHOICE_TYPES:
        allowed = LETTERS[: len(item.get("options") or [])]
        letters = value if isinstance(value, str) else "".join(str(v) for v in value)
        letters = letters.strip().upper()
        if not letters or any(c not in allowed for c in letters):
            raise ValueError("所选选项不在本题选项中")
        if kind == "single" and len(letters) != 1:
            raise ValueError("单项选择题只能选一项")
        return "".join(sorted(set(letters)))
    if kind == "true_false":
        text = str(value).strip().upper()
        if text not in ("T", "F"):
            raise ValueError("判断题只能选“正确”或“错误”")
        return text
    if not isinstance(value, str):
        raise ValueError("请填写文字答案")
    if "\x00" in value or len(value) > TEXT_MAX:
        raise ValueError(f"答案不能超过{TEXT_MAX}个字符，且不能含有不可见的控制字符")
    return value if value.strip() else None


def score_item(kind: str, key: Any, response: Any) -> bool:
    """Whether an objective response earns the item's points (the policy in the module docstring)."""
    if response is None:
        return False
    if kind == "fill":
        accepted = key if isinstance(key, list) else [key]
        given = normalise_text(str(response))
        return any(given == normalise_text(str(a)) for a in accepted)
    if kind == "multiple":
        return "".join(sorted(str(response))) == "".join(sorted(str(key)))
    return str(response) == str(key)


def tenths(points: Any) -> int:
    """Points as whole tenths (forms carry one decimal), so sums are exact integers."""
    return int((Decimal(str(points)) * 10).to_integral_value())


def is_severe(reason: str) -> bool:
    return reason in SEVERE_REASONS


def report_check(reason: str, recipients: list[str]) -> Check:
    """EVL-11: a severe incident is reported to the local HRSS bureau, the industry authority that
    recommended the institution (if any) and, for DTE, the coordination group."""
    severe = is_severe(reason)
    return Check(
        "EVL-11",
        True,
        ("违纪、替考或泄密事件须报告：" + "、".join(recipients))
        if severe
        else "一般考务事件，记录在案，无须报告",
        {"reason": reason, "severe": severe, "recipients": recipients},
        source="000 第十一条（六）",
    )

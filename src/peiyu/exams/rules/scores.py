"""The result of a candidate (EVL-7; seed 001 Art. 21, seed 003 §4(4)): on the 100-point scale a candidate
passes only with theory and practical (professional ability, for DTE) each at least `pass_score`; where
the comprehensive review is required (skill level 二级 and above) it must be passed too. A candidate
exempt from theory by an Art. 23 route (EVL-8) is judged without it and shown as exempt."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from peiyu.core.checks import Check

SOURCE_EVL7 = "001 第二十一条"


def check_result(
    *,
    theory: Decimal | None,
    practical: Decimal | None,
    review: Decimal | None,
    pass_score: int,
    review_required: bool,
    theory_exempt: bool = False,
) -> Check:
    """ok: passed. A missing score of a required part fails with the part named (absent or not scored)."""
    parts: list[tuple[str, Decimal | None]] = []
    if not theory_exempt:
        parts.append(("理论知识考试", theory))
    parts.append(("技能操作（专业能力）考核", practical))
    if review_required:
        parts.append(("综合评审", review))
    missing = [name for name, score in parts if score is None]
    low = [f"{name}{score}分" for name, score in parts if score is not None and score < pass_score]
    ok = not missing and not low
    if ok:
        message = f"各科成绩均达到{pass_score}分，合格" + ("（免考理论知识）" if theory_exempt else "")
    elif missing:
        message = "、".join(missing) + "无成绩，不合格"
    else:
        message = "、".join(low) + f"，低于{pass_score}分，不合格"
    return Check(
        "EVL-7",
        ok,
        message,
        {
            "theory": None if theory is None else str(theory),
            "practical": None if practical is None else str(practical),
            "review": None if review is None else str(review),
            "pass_score": pass_score,
            "review_required": review_required,
            "theory_exempt": theory_exempt,
        },
        source=SOURCE_EVL7,
        blocking=True,
    )


def review_required_for(level: str, *, from_level: str | None, ladder: list[str]) -> bool:
    """The comprehensive review applies from `comprehensive_review_from_level` (二级) up. `ladder`: the
    programme's levels from lowest to highest (五级 … 一级); no parameter, no review."""
    if not from_level or level not in ladder or from_level not in ladder:
        return False
    return ladder.index(level) >= ladder.index(from_level)


# --- practical assessment and comprehensive review (EVL-6, EVL-7) -------------------------------------------

SOURCE_EVL6 = "001 第二十条"
ONE_DECIMAL = Decimal("0.1")
FULL_MARKS = Decimal(100)


def criteria_score(
    marks: dict[str, Decimal], criteria: list[dict[str, object]]
) -> tuple[Decimal, dict[str, str]]:
    """One examiner's score of one candidate from her marks per criterion: the sum of the marks scaled to
    the 100-point scale (× 100 / the criteria's total points), one decimal, half up; with the field
    errors in Chinese (a mark missing, not a number, negative, or above the criterion's points)."""
    errors: dict[str, str] = {}
    total_points = Decimal(0)
    got = Decimal(0)
    for c in criteria:
        key, label, points = str(c["key"]), str(c["criterion"]), Decimal(str(c["points"]))
        total_points += points
        mark = marks.get(key)
        if mark is None:
            errors[key] = f"请填写“{label}”的得分"
        elif mark < 0 or mark > points:
            errors[key] = f"“{label}”的得分应在 0 至 {points} 分之间"
        elif mark != mark.quantize(ONE_DECIMAL):
            errors[key] = f"“{label}”的得分最多保留一位小数"
        else:
            got += mark
    if errors or total_points <= 0:
        return Decimal(0), errors
    return (got * FULL_MARKS / total_points).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP), errors


def panel_score(scores: list[Decimal]) -> Decimal | None:
    """The candidate's practical (or review) score: the mean of the panel examiners' scores, one decimal,
    half up (None without scores)."""
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def check_panel_complete(*, members: int, candidates: int, entries: int, minimum: int) -> Check:
    """EVL-6: the leader confirms only when every member (at least `examiner_panel_min`) has scored every
    candidate."""
    expected = members * candidates
    ok = members >= minimum and candidates > 0 and entries >= expected
    if ok:
        message = f"考评组 {members} 名考评员已对 {candidates} 名考生全部评分，组长确认"
    elif members < minimum:
        message = f"考评组仅 {members} 名考评员，少于 {minimum} 名"
    elif candidates == 0:
        message = "本批次没有须评分的考生"
    else:
        message = f"尚有 {expected - entries} 份评分未完成（应评 {expected} 份，已评 {entries} 份）"
    return Check(
        "EVL-6",
        ok,
        message,
        {"members": members, "candidates": candidates, "entries": entries, "expected": expected},
        source=SOURCE_EVL6,
        blocking=True,
    )

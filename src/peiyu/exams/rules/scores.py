"""The result of a candidate (EVL-7; seed 001 Art. 21, seed 003 §4(4)): on the 100-point scale a candidate
passes only with theory and practical (professional ability, for DTE) each at least `pass_score`; where
the comprehensive review is required (skill level 二级 and above) it must be passed too. A candidate
exempt from theory by an Art. 23 route (EVL-8) is judged without it and shown as exempt."""

from __future__ import annotations

from decimal import Decimal

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

"""Rules of question banks (EVL-2; seed 001 Art. 17(2))."""

from __future__ import annotations

from peiyu.core.checks import Check

SOURCE_EVL2 = "001 第十七条（二）"


def check_bank_minimum(
    theory_items: int, practical_sets: int, *, min_theory: int, min_practical: int
) -> Check:
    """A session may be scheduled only on a bank with at least `bank_min_theory_items` approved theory
    items and `bank_min_practical_sets` approved practical sets (the refusal shows the counts)."""
    ok = theory_items >= min_theory and practical_sets >= min_practical
    if ok:
        message = f"题库已审定理论试题{theory_items}道（不少于{min_theory}道）、实操试题{practical_sets}套（不少于{min_practical}套）"
    else:
        short = []
        if theory_items < min_theory:
            short.append(f"理论试题{theory_items}道，少于{min_theory}道")
        if practical_sets < min_practical:
            short.append(f"实操试题{practical_sets}套，少于{min_practical}套")
        message = "题库已审定" + "、".join(short) + "，不能安排考核"
    return Check(
        "EVL-2",
        ok,
        message,
        {
            "theory_items": theory_items,
            "practical_sets": practical_sets,
            "bank_min_theory_items": min_theory,
            "bank_min_practical_sets": min_practical,
        },
        source=SOURCE_EVL2,
        blocking=True,
    )

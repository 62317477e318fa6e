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


SOURCE_PURCHASE = "001 第十七条（二）"


def check_bank_source(source: str, *, provider_name: str, qualification: str, contract: str) -> Check:
    """A bank bought from a provider names the provider, its qualification and the contract (001 Art.
    17(2): 题库 may be developed, bought from a qualified unit, or the national or provincial bank used)."""
    if source != "purchased":
        return Check(
            "EVL-2", True, "题库为自行开发或使用国家、省级题库", {"source": source}, source=SOURCE_PURCHASE
        )
    missing = [
        label
        for label, value in (
            ("提供单位", provider_name),
            ("提供单位资质", qualification),
            ("购买合同编号", contract),
        )
        if not value
    ]
    message = (
        f"购买的题库须载明{'、'.join(missing)}" if missing else f"题库购自具备资质的单位“{provider_name}”"
    )
    return Check("EVL-2", not missing, message, {"source": source, "missing": missing},
                 source=SOURCE_PURCHASE, blocking=True)  # fmt: skip


def check_responsibles(responsibles: dict[str, str], duties: dict[str, str]) -> Check:
    """The named persons responsible for writing, transfer, use, grading and archiving (EVL-2, 000 Art.
    11(2))."""
    missing = [str(label) for key, label in duties.items() if not (responsibles.get(key) or "").strip()]
    message = f"请指定{'、'.join(missing)}责任人" if missing else "命题、传递、使用、阅卷、归档责任人已指定"
    return Check("EVL-2", not missing, message, {"missing": missing}, source=SOURCE_EVL2, blocking=True)

"""Rules of the annual evaluation plan (EVL-4; seed 001 Art. 18): published at the start of the year with
its times, places, occupations, levels, application conditions and fees; only for the occupations and
levels the institution is listed (filed) for as an evaluation institution (DIR-1); its public text free
of prohibited claims (TRN-9, checked by training's claims rules, imported, never copied)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from peiyu.core.checks import Check
from peiyu.training.rules.claims import check_public_texts

SOURCE_EVL4 = "001 第十八条"
SOURCE_DIR1 = "000 第五条；001 第十四条"

PUBLIC_TEXT_LABELS = {
    "title": "计划标题",
    "notes": "年度工作方案",
    "times": "评价时间",
    "place": "评价地点",
    "conditions": "报名条件",
}


@dataclass(frozen=True)
class EntryLine:
    """One line of the plan as the rules see it."""

    position: int
    occupation_code: str
    occupation_name: str
    level: str
    times: str
    place: str
    conditions: str
    fee: Decimal | None


def check_plan_complete(year: int, entries: Iterable[EntryLine]) -> Check:
    """EVL-4: at least one line, and every line states its time, place, application conditions and fee."""
    rows = list(entries)
    gaps: list[str] = []
    for e in rows:
        missing = [
            label
            for label, value in (
                ("评价时间", e.times),
                ("评价地点", e.place),
                ("报名条件", e.conditions),
                ("收费标准", e.fee),
            )
            if value in (None, "")
        ]
        if missing:
            gaps.append(f"第{e.position}行（{e.occupation_name}{e.level}）缺少{'、'.join(missing)}")
    if not rows:
        message, ok = f"{year}年度计划没有评价职业（工种）和等级", False
    elif gaps:
        message, ok = "；".join(gaps), False
    else:
        message, ok = f"{year}年度计划共{len(rows)}项，时间、地点、报名条件和收费齐全", True
    return Check("EVL-4", ok, message, {"year": year, "entries": len(rows), "gaps": gaps}, SOURCE_EVL4, True)


def check_plan_listed(entries: Iterable[EntryLine], listed: Mapping[str, Iterable[str]]) -> Check:
    """DIR-1: every line's occupation and level is covered by an active evaluation entry of the
    institution (`listed`: occupation code → levels)."""
    covered = {code: set(levels) for code, levels in listed.items()}
    outside = [
        f"{e.occupation_name}{e.level}"
        for e in entries
        if e.level not in covered.get(e.occupation_code, set())
    ]
    ok = not outside
    message = (
        "各项职业（工种）和等级均在本机构的评价机构目录范围内"
        if ok
        else "、".join(outside) + "不在本机构有效的评价机构目录（备案）范围内"
    )
    return Check("DIR-1", ok, message, {"outside": outside}, SOURCE_DIR1, True)


def check_plan_year(year: int, current_year: int) -> Check:
    """EVL-4: the plan is the current or the coming year's."""
    ok = current_year <= year <= current_year + 1
    message = f"{year}年度计划" if ok else f"只能公布{current_year}年或{current_year + 1}年的年度计划"
    return Check("EVL-4", ok, message, {"year": year, "current_year": current_year}, SOURCE_EVL4, True)


def check_plan_claims(title: str, notes: str, entries: Iterable[EntryLine]) -> Check:
    """TRN-9 on every public text of the plan: its title and programme, and each line's times, place and
    conditions (labelled by line)."""
    fields: dict[str, str] = {"title": title, "notes": notes}
    labels = {"title": PUBLIC_TEXT_LABELS["title"], "notes": PUBLIC_TEXT_LABELS["notes"]}
    for e in entries:
        for name in ("times", "place", "conditions"):
            key = f"{name}_{e.position}"
            fields[key] = str(getattr(e, name))
            labels[key] = f"第{e.position}行{PUBLIC_TEXT_LABELS[name]}"
    return check_public_texts(fields, labels=labels)

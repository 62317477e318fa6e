"""Checks on a training class (TRN-2, TRN-3, TRN-9, SUP-7). Pure: codes, dates and texts in, a Check
out, each citing its rule id and source."""

from __future__ import annotations

import datetime as dt

from peiyu.core.checks import Check

from .plans import ListingFacts, listing_authorises, suspension_source


def region_within(
    class_region: str, institution_region: str, *, prefix: str, names: dict[str, str] | None = None
) -> Check:
    """TRN-9 (000 第十七条): an institution trains in its own region; a class elsewhere is cross-region
    training (跨区域培训), refused. `prefix` is the institution region's code prefix (GB/T 2260, as
    `peiyu.core.policy.region_prefix` reads it)."""
    names = names or {}
    source = "000 第十七条；003 六（二）"
    facts = {"class_region": class_region, "institution_region": institution_region}
    if not institution_region:
        return Check("TRN-9", False, "培训机构未登记所在地区，不能开班", facts, source, True)
    if not (class_region or "").startswith(prefix):
        where = names.get(class_region, class_region)
        home = names.get(institution_region, institution_region)
        return Check(
            "TRN-9",
            False,
            f"培训地区“{where}”不在本机构所在地区“{home}”范围内，不得跨区域培训",
            facts,
            source,
            True,
        )
    return Check("TRN-9", True, "培训地区在本机构所在地区范围内", facts, source, True)


def dates_within_plan(
    starts_on: dt.date, ends_on: dt.date, plan_starts_on: dt.date, plan_ends_on: dt.date
) -> dict[str, list[str]]:
    """Field errors when the class's dates leave the filed plan's dates (TRN-2: the plan covers them)."""
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = ["结业日期不能早于开班日期"]
    if not (plan_starts_on <= starts_on <= plan_ends_on):
        errors["starts_on"] = [f"开班日期应在培训计划期间（{plan_starts_on}至{plan_ends_on}）内"]
    if not (plan_starts_on <= ends_on <= plan_ends_on):
        errors.setdefault("ends_on", []).append(
            f"结业日期应在培训计划期间（{plan_starts_on}至{plan_ends_on}）内"
        )
    return errors


def listing_open(listing: ListingFacts, *, level: str, starts_on: dt.date, today: dt.date) -> Check:
    """The institution's catalog entry still authorises the class (TRN-2, as when the plan was filed);
    a suspended entry opens no class (SUP-7)."""
    if listing.status == "suspended":
        return Check(
            "SUP-7",
            False,
            f"目录条目 {listing.number} 已暂停，暂停期间不得发布招生或开班",
            {"listing": listing.number, "status": listing.status},
            suspension_source(listing),
            True,
        )
    return listing_authorises(listing, level=level, starts_on=starts_on, today=today)


def announcement_complete(*, announcement: str, exam_conditions: str) -> Check:
    """TRN-3 (003 四（二）；000 第十条（四）): the class is announced publicly, and the announcement states
    the exam application conditions."""
    source = "003 四（二）；000 第十条（四）"
    missing = []
    if not (announcement or "").strip():
        missing.append("招生简章")
    if not (exam_conditions or "").strip():
        missing.append("考核申报条件")
    facts = {"missing": missing}
    if missing:
        msg = "应写明考核申报条件" if missing == ["考核申报条件"] else f"应填写{'、'.join(missing)}"
        return Check("TRN-3", False, msg, facts, source, True)
    return Check("TRN-3", True, "招生简章已写明考核申报条件", facts, source, True)

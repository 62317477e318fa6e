"""Checks made when a training plan is filed (TRN-1, TRN-2, TRN-4, TRN-10, TRN-12, with SUP-7 and DIR-1 for
the catalog entry). Pure: they take facts and the profile's values, never the database. Each returns a
Check citing its rule id and source: a refusal because the entry is suspended cites SUP-7, because it has
expired (or is not valid on the day) DIR-1 — the rule that refuses, not the filing rule (TRN-2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peiyu.core.checks import Check

LISTED_STATUSES_THAT_AUTHORISE = ("active",)
# where suspension (SUP-7) and the validity period (DIR-1) come from, by programme; others: both documents
SUSPENSION_SOURCES = {"dte": "000 第二十条", "skill": "001 第三十一条"}
VALIDITY_SOURCES = {"dte": "000 第五条", "skill": "001 第十四条"}
TITLE_LEVELS_AT_LEAST_INTERMEDIATE = ("intermediate", "senior")


@dataclass(frozen=True)
class ListingFacts:
    """What the catalog says about the institution's entry for the plan's occupation (TRN-2)."""

    number: str
    status: str
    status_label: str
    kind: str
    levels: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    programme: str = ""


def suspension_source(listing: ListingFacts) -> str:
    return SUSPENSION_SOURCES.get(listing.programme, "001 第三十一条；000 第二十条")


def validity_source(listing: ListingFacts) -> str:
    return VALIDITY_SOURCES.get(listing.programme, "000 第五条；001 第十四条")


def filed_before_start(starts_on: dt.date, today: dt.date) -> Check:
    """TRN-2 (003 四（一）): the plan and scheme are filed before the training starts."""
    facts = {"starts_on": starts_on.isoformat(), "filed_on": today.isoformat()}
    if starts_on < today:
        return Check(
            "TRN-2",
            False,
            f"培训计划应在培训开始前备案：计划开始日期 {starts_on} 已过，请调整日期后备案",
            facts,
            "003 四（一）",
            True,
        )
    return Check("TRN-2", True, "培训开始前备案", facts, "003 四（一）")


def listing_authorises(
    listing: ListingFacts | None, *, level: str, starts_on: dt.date, today: dt.date
) -> Check:
    """TRN-2 (with DIR-1): a plan is filed only for an occupation and level the institution is listed for
    as a training institution, with the entry active today and valid when the training starts."""
    source = "003 四（一）；000 第十四条"
    if listing is None:
        return Check(
            "TRN-2", False, "本机构未列入该职业（工种）的培训机构目录，不能备案培训计划", {}, source, True
        )
    facts = {
        "listing": listing.number,
        "status": listing.status,
        "levels": list(listing.levels),
        "level": level,
        "valid_from": listing.valid_from.isoformat(),
        "valid_until": listing.valid_until.isoformat(),
        "starts_on": starts_on.isoformat(),
    }
    if listing.kind != "training":
        return Check("TRN-2", False, f"目录条目 {listing.number} 不是培训机构条目", facts, source, True)
    if listing.status == "suspended":  # SUP-7: a suspended entry opens nothing while it lasts
        return Check(
            "SUP-7",
            False,
            f"目录条目 {listing.number} 已暂停，暂停期间不能备案培训计划",
            facts,
            suspension_source(listing),
            True,
        )
    if listing.status == "expired" or (
        listing.status in LISTED_STATUSES_THAT_AUTHORISE
        and not listing.valid_from <= today <= listing.valid_until
    ):  # DIR-1: an entry is valid for its period only
        return Check(
            "DIR-1",
            False,
            f"目录条目 {listing.number} 今日不在有效期内（{listing.valid_from}至{listing.valid_until}），"
            "不能备案培训计划",
            facts,
            validity_source(listing),
            True,
        )
    if listing.status not in LISTED_STATUSES_THAT_AUTHORISE:
        return Check(
            "TRN-2",
            False,
            f"目录条目 {listing.number} 当前状态为“{listing.status_label}”，不能备案培训计划",
            facts,
            source,
            True,
        )
    if level not in listing.levels:
        return Check(
            "TRN-2",
            False,
            f"目录条目 {listing.number} 的等级为“{'、'.join(listing.levels)}”，不含“{level}”",
            facts,
            source,
            True,
        )
    if starts_on > listing.valid_until:
        return Check(
            "DIR-1",
            False,
            f"培训开始日期 {starts_on} 晚于目录条目有效期（至{listing.valid_until}）",
            facts,
            validity_source(listing),
            True,
        )
    return Check("TRN-2", True, f"目录条目 {listing.number} 有效，等级含“{level}”", facts, source, True)


def online_share(hours_online: int, total: int, max_ratio: Decimal | None, *, profile: str) -> Check:
    """TRN-4: online hours at most the profile's `online_hours_max_ratio` of the total (where it sets one)."""
    source = "002 五"
    share = Decimal(hours_online) / Decimal(total) if total else Decimal(0)
    facts = {
        "hours_online": hours_online,
        "hours_total": total,
        "share": str(share.quantize(Decimal("0.0001"))),
        "max_ratio": None if max_ratio is None else str(max_ratio),
        "profile": profile,
    }
    if max_ratio is None:
        return Check("TRN-4", True, "政策配置未设定线上学时占比上限", facts, source, True)
    limit = (Decimal(total) * Decimal(max_ratio)).quantize(Decimal("0.01"))
    facts["max_online_hours"] = str(limit)
    percent = (Decimal(max_ratio) * 100).normalize()
    if share > Decimal(max_ratio):
        return Check(
            "TRN-4",
            False,
            f"线上学时 {hours_online} 占总学时 {total} 的 {share:.1%}，超过 {percent:f}% 的上限"
            f"（最多 {limit:f} 学时）",
            facts,
            source,
            True,
        )
    return Check("TRN-4", True, f"线上学时占比 {share:.1%}，未超过 {percent:f}% 的上限", facts, source, True)


def teacher_titles(teachers: list[tuple[str, str]]) -> Check:
    """TRN-1: teachers generally (一般) hold an intermediate or higher level or title: a teacher below it
    is reported for the officials to see, it does not refuse the plan; a plan without teachers is."""
    source = "000 第十条（一）"
    below = [name for name, level in teachers if level not in TITLE_LEVELS_AT_LEAST_INTERMEDIATE]
    facts = {"teachers": len(teachers), "below_intermediate": below}
    if not teachers:
        return Check("TRN-1", False, "培训计划未配备师资", facts, source, True)
    if below:
        return Check(
            "TRN-1",
            False,
            f"以下师资未达到中级及以上职称或等级：{'、'.join(below)}（培训师资一般应具备）",
            facts,
            source,
            False,
        )
    return Check("TRN-1", True, f"{len(teachers)} 名师资均具备中级及以上职称或等级", facts, source)


def fees_published(*, fee: Decimal, makeup_fee: Decimal, exam_fee: Decimal, refund_terms: str) -> Check:
    """TRN-10: the fee, the make-up study and re-exam fees (补学、补考费用) and the refund process (退费流程)
    are published. The fees are numbers the form always holds (0 is a fee); the refund process is text."""
    source = "000 第十二条"
    missing = ["退费流程"] if not (refund_terms or "").strip() else []
    facts = {
        "fee": str(fee),
        "makeup_fee": str(makeup_fee),
        "exam_fee": str(exam_fee),
        "missing": missing,
    }
    if missing:
        return Check("TRN-10", False, f"应公布{'、'.join(missing)}", facts, source, True)
    return Check("TRN-10", True, "收费标准、补学补考费用和退费流程已载明", facts, source, True)


def exam_plan_agreed(*, programme: str, evaluation_institution: str | None, exam_plan: str) -> Check:
    """TRN-2: for the DTE programme the exam plan is agreed with an evaluation institution (003 四（一）)."""
    source = "003 四（一）"
    facts = {"programme": programme, "evaluation_institution": evaluation_institution}
    if programme != "dte":
        return Check("TRN-2", True, "该项目不要求商定评价机构", facts, source, True)
    if not evaluation_institution or not (exam_plan or "").strip():
        return Check("TRN-2", False, "应与评价机构商定专业技术等级考核计划和方案后备案", facts, source, True)
    return Check("TRN-2", True, f"已与评价机构“{evaluation_institution}”商定考核计划", facts, source, True)


def commitment_made(*, cert_type: str, commitment: bool) -> Check:
    """TRN-12: certificate-type and industry-led projects are declared with a commitment (含承诺)."""
    source = "002 三"
    facts = {"cert_type": cert_type, "commitment": commitment}
    if cert_type in ("certificate", "industry") and not commitment:
        return Check("TRN-12", False, "培训计划申报须作出承诺", facts, source, True)
    return Check("TRN-12", True, "承诺已作出" if commitment else "该类项目不要求承诺", facts, source, True)


def industry_supervisor(*, cert_type: str, authority_kind: str | None) -> Check:
    """TRN-12: an industry-led project names the industry authority that supervises it."""
    source = "002 三"
    facts = {"cert_type": cert_type, "authority_kind": authority_kind}
    if cert_type == "industry" and authority_kind != "industry_authority":
        return Check(
            "TRN-12",
            False,
            "行业急需紧缺技能人才培训项目应指定负责过程监管的行业主管部门",
            facts,
            source,
            True,
        )
    return Check("TRN-12", True, "过程监管部门明确", facts, source, True)

"""Exam sessions (考核批次, EVL-5; seed 001 Art. 19): created in draft by an evaluation institution under its
evaluation entry for the occupation and level. Creation is refused for an institution whose entry is
suspended (SUP-7), that is not listed (filed) for the occupation and level or whose entry has expired or
will have by the exam (DIR-1), at a site not accepted or not its own (EVL-9), or — where the profile sets a
minimum — on a bank below it (EVL-2). The checks are stored as a Decision with the profile version; a
refusal too, on the institution (stored, committed, then raised). The deadlines of rules.sessions are
computed once with core.calendar and stored. The steps that follow are services.sessions_steps'."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.calendar import add_working_days
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_date, clean_money, clean_text, collect, raise_collected
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import Policy, policy_for
from peiyu.institutions.selectors.evaluation_listings import evaluation_listing_of

from ..flows import SESSION_FLOW
from ..models import EvaluationSession, ExamSite, QuestionBank
from ..rules import sessions as rs
from ..rules.banks import check_bank_minimum
from ..rules.scores import review_required_for
from ..rules.sites import check_site_usable
from ..selectors import sessions as sel
from ..selectors.banks import approved_counts

S = EvaluationSession.Status
SUBJECT = sel.SUBJECT
_MOMENT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})")


def manage_session(actor: Any, session: EvaluationSession) -> None:
    if actor is not None:  # the tick acts as the system
        require(actor, "exam.manage", org_id=session.institution_id)


def session_policy(programme: str, region_code: str, on: dt.date) -> Policy:
    return policy_for(programme, region_code, on=on)


# --- input ---------------------------------------------------------------------------------------------------


def clean_moment(
    value: Any, errors: dict[str, list[str]], field: str = "theory_starts_at", label: str = "理论考试开始时间"
) -> dt.datetime | None:
    """A moment typed as 2026-04-01 09:00 (or the form's 2026-04-01T09:00), in Beijing time."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    found = _MOMENT.fullmatch(str(value or "").strip())
    if found is None:
        errors.setdefault(field, []).append(f"请填写{label}（年-月-日 时:分）")
        return None
    try:
        y, mo, d, h, mi = (int(g) for g in found.groups())
        return timezone.make_aware(dt.datetime(y, mo, d, h, mi))
    except ValueError:
        errors.setdefault(field, []).append(f"请填写有效的{label}")
        return None


def _int(
    data: dict[str, Any], name: str, label: str, low: int, high: int, errors: dict[str, list[str]]
) -> int:
    try:
        value = int(str(data.get(name, "")).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors.setdefault(name, []).append(f"{label}应为{low}至{high}之间的整数")
    return value


def _clean(org: Org, data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "title": collect(
            errors, "title", clean_text, data.get("title"), max_length=200, required=True, label="批次名称"
        ),
        "direction": collect(errors, "direction", clean_text, data.get("direction"), max_length=100),
        "announcement": collect(
            errors, "announcement", clean_text, data.get("announcement"), max_length=20000, multiline=True
        ),
        "fee": collect(errors, "fee", clean_money, data.get("fee"), label="考核费"),
        "level": collect(
            errors, "level", clean_text, data.get("level"), max_length=16, required=True, label="等级"
        ),
        "capacity": _int(data, "capacity", "计划人数", 1, 100000, errors),
        "theory_minutes": _int(data, "theory_minutes", "理论考试时长", 30, 300, errors),
        "forms": _int(data, "forms", "平行试卷套数", 1, 10, errors),
    }
    for name, label, required in (
        ("registration_opens_on", "报名开始日期", True),
        ("registration_closes_on", "报名截止日期", True),
        ("practical_on", "实操考核日期", False),
        ("review_on", "综合评审日期", False),
    ):
        out[name] = collect(errors, name, clean_date, data.get(name), label=label, required=required)
    out["theory_starts_at"] = clean_moment(data.get("theory_starts_at"), errors)
    listing = None
    if str(data.get("listing") or "").isdigit():
        listing = evaluation_listing_of(org.pk, int(data["listing"]))
    if listing is None:
        errors.setdefault("listing", []).append("请选择本机构的评价机构目录条目")
    site = None
    if str(data.get("site") or "").isdigit():
        site = ExamSite.objects.filter(pk=int(data["site"])).first()
    if site is None:
        errors.setdefault("site", []).append("请选择考核站点")
    bank = None
    if str(data.get("bank") or "").isdigit():
        bank = QuestionBank.objects.filter(pk=int(data["bank"]), institution=org).first()
        if bank is None:
            errors.setdefault("bank", []).append("请选择本机构的题库")
    if not errors and out["theory_starts_at"] is not None:
        exam_on = timezone.localdate(out["theory_starts_at"])
        for k, v in rs.check_schedule(
            opens_on=out["registration_opens_on"],
            closes_on=out["registration_closes_on"],
            exam_on=exam_on,
            today=today,
        ).items():
            errors.setdefault(k, []).extend(v)
        for name, label in (("practical_on", "实操考核日期"), ("review_on", "综合评审日期")):
            if out[name] is not None and out[name] < exam_on:
                errors.setdefault(name, []).append(f"{label}不能早于理论考试日期")
    if (
        bank is not None
        and listing is not None
        and (bank.occupation_code != listing.occupation_code or bank.level != out["level"])
    ):
        errors.setdefault("bank", []).append("题库的职业（工种）或等级与本批次不符")
    raise_collected(errors, "考核批次信息填写有误")
    out.update(listing=listing, site=site, bank=bank)
    return out


# --- the checks of a session's creation ---------------------------------------------------------------------


def last_exam_day(session: EvaluationSession) -> dt.date:
    days = [timezone.localdate(session.theory_starts_at), session.practical_on, session.review_on]
    return max(d for d in days if d is not None)


def entry_checks(
    listing: Any, *, occupation_code: str, level: str, exam_on: dt.date, today: dt.date
) -> list[Check]:
    facts = sel.entry_facts(listing) if listing is not None else None
    return [
        rs.check_entry_not_suspended(facts),
        rs.check_entry_covers(
            facts, occupation_code=occupation_code, level=level, exam_on=exam_on, today=today
        ),
    ]


def create_checks(org: Org, data: dict[str, Any], policy: Policy, today: dt.date) -> list[Check]:
    """SUP-7, DIR-1, EVL-9 and — where the profile sets a minimum — EVL-2."""
    listing, site, bank = data["listing"], data["site"], data["bank"]
    exam_on = timezone.localdate(data["theory_starts_at"])
    checks = entry_checks(
        listing, occupation_code=listing.occupation_code, level=data["level"], exam_on=exam_on, today=today
    )
    checks.append(
        check_site_usable(
            site_status=site.status,
            site_institution_id=site.institution_id,
            institution_id=org.pk,
            site_name=site.name,
        )
    )
    min_theory, min_practical = policy.get("bank_min_theory_items"), policy.get("bank_min_practical_sets")
    if min_theory is not None or min_practical is not None:
        theory, practical = approved_counts(bank.pk) if bank is not None else (0, 0)
        checks.append(
            check_bank_minimum(
                theory, practical, min_theory=int(min_theory or 0), min_practical=int(min_practical or 0)
            )
        )
    return checks


def session_create(*, actor: Any, institution: Org, data: dict[str, Any]) -> EvaluationSession:
    """A new session in draft. Refused (400, the failed rule ids) with the refusal stored as a Decision
    on the institution."""
    require(actor, "exam.manage", org_id=institution.pk)
    today = timezone.localdate()
    clean = _clean(institution, data, today)
    listing = clean["listing"]
    policy = session_policy(listing.programme, institution.region_id or "", today)
    checks = create_checks(institution, clean, policy, today)
    if any(not c.ok for c in checks):
        with transaction.atomic():
            refusal = Decision.record(
                sel.CREATE_SUBJECT,
                institution.pk,
                kind="exam_session_create",
                outcome="refused",
                checks=checks,
                policy=policy,
            )
            audit_record(
                actor,
                "evaluation_session.create_refused",
                institution,
                after={"decision": refusal.pk, "rules": refusal.rules, "listing": listing.number},
            )
        refuse_failed(
            checks, code="session_refused", lead="不能安排该考核批次：", details={"decision": refusal.pk}
        )
    ladder = list(policy.get("levels") or [])
    exam_on = timezone.localdate(clean["theory_starts_at"])
    with transaction.atomic():
        session = EvaluationSession(
            number=reference_number("KH", EvaluationSession),
            institution=institution,
            listing=listing,
            region_code=institution.region_id or "",
            programme=listing.programme,
            occupation_code=listing.occupation_code,
            occupation_name=listing.occupation_name,
            level=clean["level"],
            direction=clean["direction"] or "",
            title=clean["title"],
            site=clean["site"],
            bank=clean["bank"],
            blueprint=clean["bank"].blueprint if clean["bank"] else None,
            capacity=clean["capacity"],
            fee=clean["fee"],
            announcement=clean["announcement"] or "",
            registration_opens_on=clean["registration_opens_on"],
            registration_closes_on=clean["registration_closes_on"],
            theory_starts_at=clean["theory_starts_at"],
            theory_minutes=clean["theory_minutes"],
            practical_on=clean["practical_on"],
            review_on=clean["review_on"],
            review_required=review_required_for(
                clean["level"], from_level=policy.get("comprehensive_review_from_level"), ladder=ladder
            ),
            forms=clean["forms"],
            created_by=actor,
            announce_by=add_working_days(clean["registration_opens_on"], -rs.ANNOUNCE_LEAD_WORKING_DAYS),
            review_due_on=add_working_days(clean["registration_closes_on"], rs.REVIEW_WORKING_DAYS),
            grading_due_on=add_working_days(
                max(d for d in (exam_on, clean["practical_on"], clean["review_on"]) if d),
                rs.GRADING_WORKING_DAYS,
            ),
        )
        session.save()
        decision = Decision.record(
            SUBJECT, session.pk, kind="session_create", outcome="created", checks=checks, policy=policy
        )
        session.decision = decision
        session.save(update_fields=["decision"])
        SESSION_FLOW.created(session, actor=actor, after={"number": session.number, "decision": decision.pk})
    return session

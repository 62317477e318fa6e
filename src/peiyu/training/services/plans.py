"""Teachers and training plans (TRN-1, TRN-2, TRN-4, TRN-9, TRN-10, TRN-12).

A plan is drafted by its training institution, then filed (备案) with the province and the city of its
training region: filing runs the checks and stores them as a Decision with the policy version in force.
A blocking failure refuses the filing and the refusal is kept on the plan; a TRN-1 warning is filed
with the plan for the officials to see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Region
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.catalogs.selectors import occupation_by_code
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import (
    REASON_MAX,
    clean_dates,
    clean_money,
    clean_reason,
    clean_texts,
    collect,
    person_name,
)
from peiyu.core.crypto import blind_index
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.identifiers import validate_id_number
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import policy_for
from peiyu.institutions.selectors.training_listings import training_listing_for

from ..flows import PLAN_FLOW
from ..models import CertType, Teacher, TitleLevel, TrainingPlan
from ..rules import plans as pr
from ..rules.claims import check_public_texts

ID_PURPOSE = "person_id_number"  # one blind index for a person's ID number, teacher or trainee
PUBLIC_TEXT_FIELDS = ("title", "description", "schedule", "refund_terms", "makeup_terms")


def _institution(actor, institution: Org) -> Org:
    require(actor, "training.manage", org_id=institution.pk)
    if institution.kind != Org.Kind.INSTITUTION:
        raise InvalidInput("只有培训机构可以管理师资和培训计划", code="not_an_institution")
    return institution


# --- teachers ---------------------------------------------------------------------------------------------


def teacher_add(*, actor, institution: Org, data: dict[str, Any]) -> Teacher:
    """Register a teacher of the institution (TRN-1): the ID number is encrypted, once per institution."""
    _institution(actor, institution)
    errors: dict[str, list[str]] = {}
    name = collect(errors, "name", person_name, data.get("name")) or ""
    id_number = ""
    try:
        id_number = validate_id_number(data.get("id_number") or "")
    except InvalidInput as exc:
        errors.update(exc.fields)
    level = data.get("title_level") or ""
    if level not in TitleLevel.values:
        errors["title_level"] = ["请选择职称或等级层次"]
    if errors:
        raise InvalidInput("师资信息有误", fields=errors)
    index = blind_index(id_number, ID_PURPOSE)
    with transaction.atomic():
        if Teacher.objects.filter(institution=institution, id_index=index).exists():
            raise Conflict(
                "该身份证号码的师资已登记", code="teacher_exists", fields={"id_number": ["已登记"]}
            )
        teacher = Teacher.objects.create(
            institution=institution,
            name=name,
            id_number=id_number,
            id_index=index,
            title=(data.get("title") or "").strip()[:100],
            title_level=level,
            dual_qualified=bool(data.get("dual_qualified")),
            specialties=(data.get("specialties") or "").strip()[:200],
        )
        audit_record(actor, "teacher.added", teacher, after={"name": name, "title_level": level})
    return teacher


# --- plans ---------------------------------------------------------------------------------------------------

_INT_FIELDS = {
    "hours_theory": "理论学时",
    "hours_practice": "实操学时",
    "hours_online": "线上学时",
    "hours_offline": "线下学时",
}
_MONEY_FIELDS = {"fee": "培训费", "makeup_fee": "补学费用", "exam_fee": "补考费用"}
_TEXT_FIELDS = {
    "title": 200,
    "direction": 100,
    "description": 20000,
    "refund_terms": 5000,
    "makeup_terms": 5000,
    "schedule": 20000,
    "exam_plan": 20000,
}


def _clean_plan(institution: Org, data: dict[str, Any]) -> dict[str, Any]:
    """The plan's fields from a form or API body, every problem named per field in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    out.update(clean_texts(data, _TEXT_FIELDS, errors))
    if not out["title"]:
        errors["title"] = ["请填写计划名称"]
    code = (data.get("occupation_code") or "").strip()
    occupation = occupation_by_code(code)
    if occupation is None:
        errors["occupation_code"] = ["请选择职业（工种）"]
    else:
        out["occupation_code"], out["occupation_name"] = occupation.code, occupation.name
        out["programme"] = data.get("programme") or occupation.programme
    out["level"] = (data.get("level") or "").strip()
    if not out["level"]:
        errors["level"] = ["请选择等级"]
    for name, label in _INT_FIELDS.items():
        raw = data.get(name, 0)
        try:
            value = int(raw or 0)
        except (TypeError, ValueError):
            errors[name] = [f"{label}应为整数"]
            continue
        if value < 0 or value > 10000:
            errors[name] = [f"{label}应在0至10000之间"]
        out[name] = value
    if not errors.keys() & _INT_FIELDS.keys():
        split_a = out["hours_theory"] + out["hours_practice"]
        split_b = out["hours_online"] + out["hours_offline"]
        if split_a == 0:
            errors["hours_theory"] = ["总学时不能为0"]
        elif split_a != split_b:
            errors["hours_online"] = [f"线上与线下学时之和（{split_b}）应等于理论与实操学时之和（{split_a}）"]
    for name, label in _MONEY_FIELDS.items():
        money = collect(errors, name, clean_money, data.get(name), label=label)
        if money is not None:
            out[name] = money
    out.update(clean_dates(data, {"starts_on": "计划开始日期", "ends_on": "计划结束日期"}, errors))
    if "starts_on" in out and "ends_on" in out and out["ends_on"] < out["starts_on"]:
        errors["ends_on"] = ["结束日期不能早于开始日期"]
    cert_type = data.get("cert_type") or CertType.CERTIFICATE
    if cert_type not in CertType.values:
        errors["cert_type"] = ["请选择证书类型"]
    out["cert_type"] = cert_type
    region = (data.get("region") or institution.region_id or "").strip()
    if not Region.objects.filter(code=region).exists():
        errors["region"] = ["请选择培训地区"]
    out["region_id"] = region
    out["evaluation_institution_id"] = _org_id(data, "evaluation_institution", Org.Kind.INSTITUTION, errors)
    out["supervising_authority_id"] = _org_id(
        data, "supervising_authority", Org.Kind.INDUSTRY_AUTHORITY, errors
    )
    out["commitment"] = bool(data.get("commitment"))
    if errors:
        raise InvalidInput("培训计划填写有误", fields=errors)
    return out


def _org_id(data: dict[str, Any], name: str, kind: str, errors: dict[str, list[str]]) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        return Org.objects.only("pk").get(pk=int(raw), kind=kind).pk  # type: ignore[arg-type]  # raw is set
    except (Org.DoesNotExist, TypeError, ValueError):
        errors[name] = ["所选单位不存在"]
        return None


def plan_create(*, actor, institution: Org, data: dict[str, Any]) -> TrainingPlan:
    _institution(actor, institution)
    fields = _clean_plan(institution, data)
    listing = training_listing_for(institution.pk, fields["programme"], fields["occupation_code"])
    if listing is None:
        raise RuleViolation(
            "本机构未列入该职业（工种）的培训机构目录，不能制定培训计划",
            rule="TRN-2",
            code="not_listed",
            fields={"occupation_code": ["未列入培训机构目录"]},
        )
    teachers = _teachers(institution, data.get("teachers"))
    with transaction.atomic():
        plan = TrainingPlan.objects.create(
            number=reference_number("TP", TrainingPlan),
            institution=institution,
            listing=listing,
            created_by=actor,
            **fields,
        )
        plan.teachers.set(teachers)
        PLAN_FLOW.created(plan, actor=actor, after=_snapshot(plan))
    return plan


def _teachers(institution: Org, ids) -> list[Teacher]:
    try:
        wanted = {int(i) for i in (ids or [])}
    except (TypeError, ValueError):
        raise InvalidInput("师资选择有误", fields={"teachers": ["师资选择有误"]}) from None
    found = list(Teacher.objects.filter(institution=institution, active=True, pk__in=wanted))
    if len(found) != len(wanted):
        raise InvalidInput("所选师资不属于本机构", fields={"teachers": ["所选师资不属于本机构或已不在册"]})
    return found


def plan_update(*, actor, plan: TrainingPlan, data: dict[str, Any]) -> TrainingPlan:
    _institution(actor, plan.institution)
    fields = _clean_plan(plan.institution, data)
    teachers = _teachers(plan.institution, data.get("teachers")) if "teachers" in data else None
    with transaction.atomic():
        locked = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != TrainingPlan.Status.DRAFT:
            raise Conflict("只有草稿状态的培训计划可以修改", code="plan_not_draft")
        listing = training_listing_for(locked.institution_id, fields["programme"], fields["occupation_code"])
        if listing is None:
            raise RuleViolation("本机构未列入该职业（工种）的培训机构目录", rule="TRN-2", code="not_listed")
        before = _snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.listing = listing
        locked.save()
        if teachers is not None:
            locked.teachers.set(teachers)
        audit_record(actor, "training_plan.updated", locked, before=before, after=_snapshot(locked))
    return locked


def listing_facts(listing: Any) -> pr.ListingFacts:
    """The listing as the plan and class rules read it."""
    return pr.ListingFacts(
        number=listing.number,
        status=listing.status,
        status_label=listing.get_status_display(),
        kind=listing.kind,
        levels=tuple(listing.levels or ()),
        valid_from=listing.valid_from,
        valid_until=listing.valid_until,
        programme=listing.programme,
    )


def plan_checks(plan: TrainingPlan, today: dt.date) -> tuple[list, Any]:
    """Every check filing runs, and the policy in force for the plan's programme and region."""
    policy = policy_for(plan.programme, plan.region_id, on=today)
    facts = listing_facts(plan.listing)
    ratio = policy.get("online_hours_max_ratio")
    teachers = [(t.name, t.title_level) for t in plan.teachers.all()]
    checks = [
        pr.filed_before_start(plan.starts_on, today),
        pr.listing_authorises(facts, level=plan.level, starts_on=plan.starts_on, today=today),
        pr.online_share(
            plan.hours_online,
            plan.total_hours,
            None if ratio is None else Decimal(str(ratio)),
            profile=policy.name,
        ),
        pr.teacher_titles(teachers),
        pr.fees_published(
            fee=plan.fee, makeup_fee=plan.makeup_fee, exam_fee=plan.exam_fee, refund_terms=plan.refund_terms
        ),
        pr.exam_plan_agreed(
            programme=plan.programme,
            evaluation_institution=plan.evaluation_institution.name if plan.evaluation_institution else None,
            exam_plan=plan.exam_plan,
        ),
        pr.commitment_made(cert_type=plan.cert_type, commitment=plan.commitment),
        pr.industry_supervisor(
            cert_type=plan.cert_type,
            authority_kind=plan.supervising_authority.kind if plan.supervising_authority else None,
        ),
        check_public_texts({name: getattr(plan, name) for name in PUBLIC_TEXT_FIELDS}),
    ]
    return checks, policy


def plan_file(*, actor, plan: TrainingPlan) -> TrainingPlan:
    """File the plan with the province and the city (TRN-2). Blocking failures refuse it; the refusal
    is kept on the plan (its last decision) so the institution sees every reason with its rule id."""
    _institution(actor, plan.institution)
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            TrainingPlan.objects.select_for_update(of=("self",))
            .select_related("listing", "evaluation_institution", "supervising_authority")
            .get(pk=plan.pk)
        )
        if locked.status != TrainingPlan.Status.DRAFT:
            raise Conflict("该培训计划已备案或已撤回", code="plan_not_draft")
        checks, policy = plan_checks(locked, today)
        refused = [c for c in checks if not c.ok and c.blocking]
        decision = Decision.record(
            "training.trainingplan",
            locked.pk,
            kind="plan_filing",
            outcome="refused" if refused else "filed",
            checks=checks,
            policy=policy,
        )
        facts = {"decision": decision.pk, "outcome": decision.outcome, "rules": decision.rules}
        if refused:
            locked.decision = decision
            locked.save(update_fields=["decision", "updated_at"])
            audit_record(actor, PLAN_FLOW.audit_action("refused"), locked, after=facts)
        else:
            PLAN_FLOW.transition(
                locked,
                TrainingPlan.Status.FILED,
                actor=actor,
                changes={"decision": decision, "filed_at": timezone.now()},
                locked=True,
                audit_extra=facts,
            )
    if refused:
        refuse_failed(refused, code="plan_refused", details={"decision": decision.pk})
    return locked


def plan_withdraw(*, actor, plan: TrainingPlan, reason: str) -> TrainingPlan:
    _institution(actor, plan.institution)
    reason = clean_reason(reason, label="撤回原因", max_length=REASON_MAX)
    with transaction.atomic():
        locked = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == TrainingPlan.Status.WITHDRAWN:
            raise Conflict("该培训计划已撤回", code="plan_withdrawn")
        if locked.classes.exclude(status__in=["draft", "cancelled"]).exists():
            raise Conflict("该计划下已有招生或在训的班级，不能撤回", code="plan_has_classes")
        PLAN_FLOW.transition(locked, TrainingPlan.Status.WITHDRAWN, actor=actor, reason=reason, locked=True)
    return locked


def _snapshot(plan: TrainingPlan) -> dict[str, Any]:
    return {
        "occupation_code": plan.occupation_code,
        "level": plan.level,
        "region": plan.region_id,
        "hours": [plan.hours_theory, plan.hours_practice, plan.hours_online, plan.hours_offline],
        "fee": str(plan.fee),
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "status": plan.status,
    }

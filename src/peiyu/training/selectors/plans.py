"""Reads behind the plan and teacher pages and API: the scoped plan list with its filters, the choices
of the plan form, the plan's decisions and history, and the live online-share preview (TRN-4), which
runs the very rule function filing runs with the policy in force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from peiyu.accounts.models import Org, Region
from peiyu.accounts.scoping import scope_for
from peiyu.audit.selectors import actor_names, audit_events_of, shown_actor
from peiyu.catalogs.selectors import occupation_by_code, occupations_by_codes
from peiyu.core.errors import DomainError
from peiyu.core.identifiers import mask_id_number
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for, region_prefix
from peiyu.core.schemas import check_out
from peiyu.institutions.selectors.training_listings import training_listings_of

from ..models import CertType, Teacher, TitleLevel, TrainingPlan
from ..rules import plans as pr
from .scope import plans_visible_to, teachers_visible_to

PLAN_SUBJECT = "training.trainingplan"
PROGRAMME_LABELS = {
    "dte": "数字技术工程师培育项目",
    "skill": "职业技能等级认定",
    "subsidised": "补贴性职业技能培训",
}
HISTORY_LABELS = {
    "training_plan.created": "创建草稿",
    "training_plan.updated": "修改草稿",
    "training_plan.filed": "备案",
    "training_plan.refused": "备案未通过",
    "training_plan.withdrawn": "撤回",
}


def managed_institution(actor) -> Org | None:
    """The training institution whose plans and teachers the actor manages (their own organisation)."""
    org = getattr(actor, "primary_org", None)
    if org is None or org.kind != Org.Kind.INSTITUTION:
        return None
    return org if org.pk in scope_for(actor, "training.manage").org_ids else None


def _in_region(field: str, prefix: str) -> Q:
    """Codes under a GB/T 2260 prefix, as a range (a foreign key takes no `startswith`)."""
    return Q(**{f"{field}__gte": prefix.ljust(6, "0"), f"{field}__lte": prefix.ljust(6, "9")})


def plans_filtered(
    actor, *, status: str = "", occupation: str = "", cert_type: str = "", region: str = "", q: str = ""
) -> QuerySet[TrainingPlan]:
    """The actor's visible plans narrowed by the list filters; unknown filter values narrow nothing
    rather than failing (a stale bookmark still opens)."""
    qs = plans_visible_to(actor)
    if status in TrainingPlan.Status.values:
        qs = qs.filter(status=status)
    if cert_type in CertType.values:
        qs = qs.filter(cert_type=cert_type)
    occupation = (occupation or "").strip()[:50]
    if occupation:
        qs = qs.filter(Q(occupation_code=occupation) | Q(occupation_name__contains=occupation))
    region = (region or "").strip()
    if region.isdigit() and len(region) == 6:
        qs = qs.filter(_in_region("region_id", region_prefix(region)))
    text = (q or "").strip()[:100]
    if text:
        qs = qs.filter(Q(title__contains=text) | Q(number__icontains=text))
    return qs.order_by("-created_at", "-id")


def plan_filter_options(actor) -> dict[str, list[tuple[str, str]]]:
    """The occupations and regions present among the actor's visible plans, for the filter selects."""
    visible = plans_visible_to(actor).order_by()
    occupations = sorted(set(visible.values_list("occupation_code", "occupation_name")))
    region_codes = set(visible.values_list("region_id", flat=True))
    regions = [(r.code, r.name) for r in Region.objects.filter(code__in=region_codes).order_by("code")]
    return {"occupations": occupations, "regions": regions}


def plan_form_choices(institution: Org, plan: TrainingPlan | None = None) -> dict[str, Any]:
    """What the plan form offers: the institution's training listings (programme, occupation, levels),
    the occupations and regions it may plan for, authorities, evaluation institutions, its teachers."""
    listings = list(training_listings_of(institution.pk))
    codes = {li.occupation_code for li in listings}
    occupations = occupations_by_codes(codes)
    levels: list[str] = []
    for li in listings:
        levels += [lv for lv in li.levels or [] if lv not in levels]
    programmes = list(dict.fromkeys(li.programme for li in listings)) or list(PROGRAMME_LABELS)
    region_prefix = (institution.region_id or "")[:4]
    regions = (
        Region.objects.filter(code__startswith=region_prefix) if region_prefix else Region.objects.none()
    )
    keep_region = plan.region_id if plan else None
    province = (institution.region_id or "")[:2]
    evaluators = Org.objects.filter(kind=Org.Kind.INSTITUTION, is_active=True).exclude(pk=institution.pk)
    if province:
        evaluators = evaluators.filter(_in_region("region_id", province))
    keep_eval = plan.evaluation_institution_id if plan else None
    if keep_eval:
        evaluators = evaluators | Org.objects.filter(pk=keep_eval)
    if keep_region:
        regions = regions | Region.objects.filter(code=keep_region)
    if plan and plan.level and plan.level not in levels:
        levels.append(plan.level)
    return {
        "listings": listings,
        "programmes": [(p, PROGRAMME_LABELS.get(p, p)) for p in programmes],
        "occupations": list(occupations.order_by("code").values_list("code", "name")),
        "levels": levels,
        "cert_types": CertType.choices,
        "authorities": list(
            Org.objects.filter(kind=Org.Kind.INDUSTRY_AUTHORITY, is_active=True)
            .order_by("name")
            .values_list("pk", "name")
        ),
        "regions": list(regions.distinct().order_by("code").values_list("code", "name")),
        "evaluators": list(evaluators.distinct().order_by("name").values_list("pk", "name")),
        "teachers": list(Teacher.objects.filter(institution=institution, active=True).order_by("name")),
    }


def programme_of(data: dict[str, Any]) -> str:
    """The programme a form means: chosen explicitly, else the occupation's own."""
    chosen = (data.get("programme") or "").strip()
    if chosen:
        return chosen
    code = (data.get("occupation_code") or "").strip()
    occupation = occupation_by_code(code)
    return occupation.programme if occupation else ""


def _pct(value: Decimal) -> str:
    text = f"{(value * 100).quantize(Decimal('0.1')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _whose_cap(region_code: str) -> str:
    if not region_code:
        return "全国"
    if region_code.endswith("0000"):
        return "本省"
    return "本市" if region_code.endswith("00") else "本地"


def online_share_preview(
    *, programme: str, region_code: str, hours_online: int, hours_offline: int, on: dt.date | None = None
) -> dict[str, Any]:
    """TRN-4 as filing will judge it: `rules.plans.online_share` with the policy in force for the
    programme and region, worded for the form ("线上学时占比 41%，超过本省上限 40%（TRN-4）")."""
    total = hours_online + hours_offline
    if total <= 0:
        return {"state": "empty", "message": "填写线上、线下学时后显示线上学时占比（TRN-4）", "check": None}
    try:
        policy = policy_for(programme, region_code or None, on=on or timezone.localdate())
    except DomainError as exc:
        return {
            "state": "unknown",
            "message": f"{exc.message}，暂不能判断线上学时占比（TRN-4）",
            "check": None,
        }
    ratio = policy.get("online_hours_max_ratio")
    check = pr.online_share(
        hours_online, total, None if ratio is None else Decimal(str(ratio)), profile=policy.name
    )
    share = _pct(Decimal(check.facts["share"]))
    if check.facts["max_ratio"] is None:
        message = f"线上学时占比 {share}%；{check.message}（{check.rule}）"
        state = "ok"
    else:
        cap = f"{_whose_cap(policy.region_code)}上限 {_pct(Decimal(check.facts['max_ratio']))}%"
        verb = "未超过" if check.ok else "超过"
        message = f"线上学时占比 {share}%，{verb}{cap}（{check.rule}）"
        state = "ok" if check.ok else "fail"
    return {
        "state": state,
        "message": message,
        "check": check,
        "policy": f"{policy.name}@v{policy.version}",
    }


def plan_decisions(plan: TrainingPlan) -> list[Decision]:
    """Every filing decision of the plan, newest first (a refusal stays visible after a later filing)."""
    return list(Decision.objects.filter(subject_type=PLAN_SUBJECT, subject_id=str(plan.pk)))


def check_rows(decision: Decision | None) -> list[dict[str, Any]]:
    """The checks of a decision with their verdict: pass, warn (a non-blocking failure) or fail, as the
    API shows them (core.schemas.check_out)."""
    return [check_out(c) for c in decision.checks or []] if decision is not None else []


def plan_history(plan: TrainingPlan) -> list[dict[str, Any]]:
    """The plan's status history from its audit trail (created, edited, filed or refused, withdrawn)."""
    events = list(audit_events_of(PLAN_SUBJECT, plan.pk))
    names = actor_names(events)
    return [
        {
            "at": e.at,
            "action": e.action,
            "label": HISTORY_LABELS.get(e.action, e.action),
            "actor": shown_actor(e, names),
            "reason": e.reason,
            "status": (e.after or {}).get("status") or (e.after or {}).get("outcome") or "",
        }
        for e in events
    ]


def teacher_rows(teachers) -> list[dict[str, Any]]:
    """Teachers as shown: the ID number masked, and whether TRN-1 reports them (below 中级)."""
    return [
        {
            "teacher": t,
            "id_masked": mask_id_number(t.id_number),
            "below_intermediate": t.title_level not in pr.TITLE_LEVELS_AT_LEAST_INTERMEDIATE,
            "level_label": TitleLevel(t.title_level).label if t.title_level in TitleLevel.values else "",
        }
        for t in teachers
    ]


def teachers_filtered(actor, *, q: str = "") -> QuerySet[Teacher]:
    qs = teachers_visible_to(actor)
    text = (q or "").strip()[:64]
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(title__contains=text) | Q(institution__name__contains=text))
    return qs.order_by("institution__name", "name", "pk")

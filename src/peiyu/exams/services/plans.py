"""The annual evaluation plan (年度评价计划, EVL-4; seed 001 Art. 18): an evaluation institution drafts its
plan for a year — lines of occupation and level (only those of its active evaluation entries, DIR-1),
times, places, application conditions, fees and the sessions planned — and publishes it; publishing
checks the year, the lines' completeness (EVL-4), the entries again (DIR-1) and every public text for
prohibited claims (TRN-9, training's claims rules) and stores the checks as a Decision (a refusal too,
committed, then raised). A published plan is public on the portal and visible to the bureaus of the
region; it can be withdrawn with a reason (and a new plan for the year drafted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import clean_money, clean_reason, clean_text, collect, raise_collected
from peiyu.core.errors import Conflict, InvalidTransition
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for

from ..flows import PLAN_FLOW
from ..models import EvaluationPlan, PlanEntry
from ..rules import plans as rp
from ..selectors import plans as sel
from ..selectors.sessions import evaluation_entries, listed_levels

P = EvaluationPlan.Status
MAX_LINES = 200
_LINE_TEXTS = {"times": ("评价时间", 200), "place": ("评价地点", 200), "conditions": ("报名条件", 5000)}


def _manage(actor: Any, institution_id: int) -> None:
    require(actor, "exam.manage", org_id=institution_id)


def _clean(org: Org, data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The plan's fields and lines; a line's occupation must be one of the institution's active
    evaluation entries (DIR-1). Field errors per line as `entries.<n>.<field>`."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "title": collect(
            errors, "title", clean_text, data.get("title"), max_length=200, required=True, label="计划标题"
        ),
        "notes": collect(errors, "notes", clean_text, data.get("notes"), max_length=20000, multiline=True),
    }
    try:
        out["year"] = int(str(data.get("year", "")).strip())
    except ValueError:
        out["year"] = 0
    if not 2000 <= out["year"] <= 2100:
        errors["year"] = ["请填写年度（如2026）"]
    listed = listed_levels(org.pk, on=today)
    names = {e.occupation_code: e.occupation_name for e in evaluation_entries(org.pk)}
    lines: list[dict[str, Any]] = []
    raw_lines = [r for r in (data.get("entries") or []) if any(str(v or "").strip() for v in r.values())]
    if len(raw_lines) > MAX_LINES:
        errors["entries"] = [f"计划条目不能超过{MAX_LINES}项"]
    for n, raw in enumerate(raw_lines[:MAX_LINES], start=1):
        key = f"entries.{n}"
        code, level = str(raw.get("occupation_code") or ""), str(raw.get("level") or "")
        if "|" in str(raw.get("occupation") or ""):
            code, level = str(raw["occupation"]).split("|", 1)
        if level not in listed.get(code, []):
            errors[f"{key}.occupation"] = ["只能选择本机构有效的评价机构目录中的职业（工种）和等级"]
        line: dict[str, Any] = {
            "occupation_code": code,
            "occupation_name": names.get(code, code),
            "level": level,
            "position": n,
        }
        for name, (label, cap) in _LINE_TEXTS.items():
            value = collect(
                errors,
                f"{key}.{name}",
                clean_text,
                raw.get(name),
                max_length=cap,
                multiline=True,
                label=label,
            )
            line[name] = value or ""
        fee = raw.get("fee")
        line["fee"] = (
            None if fee in (None, "") else collect(errors, f"{key}.fee", clean_money, fee, label="收费标准")
        )
        try:
            line["sessions_planned"] = int(str(raw.get("sessions_planned") or 1))
        except ValueError:
            line["sessions_planned"] = 0
        if not 1 <= line["sessions_planned"] <= 100:
            errors[f"{key}.sessions_planned"] = ["计划批次应为1至100之间的整数"]
        lines.append(line)
    raise_collected(errors, "年度评价计划填写有误")
    return out, lines


def _write_lines(plan: EvaluationPlan, lines: list[dict[str, Any]]) -> None:
    plan.entries.all().delete()
    PlanEntry.objects.bulk_create(PlanEntry(plan=plan, **line) for line in lines)


def plan_create(*, actor: Any, institution: Org, data: dict[str, Any]) -> EvaluationPlan:
    _manage(actor, institution.pk)
    fields, lines = _clean(institution, data)
    with transaction.atomic():
        if (
            EvaluationPlan.objects.filter(institution=institution, year=fields["year"])
            .exclude(status=P.WITHDRAWN)
            .exists()
        ):
            raise Conflict(
                f"{fields['year']}年度计划已存在，请修改原计划或先撤回",
                code="plan_exists",
                fields={"year": ["该年度计划已存在"]},
            )
        plan = EvaluationPlan.objects.create(
            institution=institution, region_code=institution.region_id or "", created_by=actor, **fields
        )
        _write_lines(plan, lines)
        PLAN_FLOW.created(plan, actor=actor, after={"year": plan.year, "entries": len(lines)})
    return plan


def plan_update(*, actor: Any, plan: EvaluationPlan, data: dict[str, Any]) -> EvaluationPlan:
    """Edit a draft plan (its lines replaced by those given)."""
    _manage(actor, plan.institution_id)
    fields, lines = _clean(plan.institution, data)
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != P.DRAFT:
            raise InvalidTransition("只能修改编制中的年度计划")
        if (
            fields["year"] != locked.year
            and EvaluationPlan.objects.filter(institution_id=locked.institution_id, year=fields["year"])
            .exclude(status=P.WITHDRAWN)
            .exists()
        ):
            raise Conflict("该年度计划已存在", code="plan_exists", fields={"year": ["该年度计划已存在"]})
        before = {"title": locked.title, "year": locked.year, "entries": locked.entries.count()}
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save(update_fields=[*fields, "updated_at"])
        _write_lines(locked, lines)
        audit_record(
            actor,
            "evaluation_plan.updated",
            locked,
            before=before,
            after={"title": locked.title, "year": locked.year, "entries": len(lines)},
        )
    return locked


def _policy(plan: EvaluationPlan) -> Policy | None:
    """The profile of the institution's evaluation entries (the first programme it is listed for)."""
    entries = evaluation_entries(plan.institution_id)
    if not entries:
        return None
    return policy_for(entries[0].programme, plan.region_code, on=timezone.localdate())


def plan_publish(*, actor: Any, plan: EvaluationPlan) -> EvaluationPlan:
    _manage(actor, plan.institution_id)
    today = timezone.localdate()
    refused = None
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        if not PLAN_FLOW.action("publish").open_from(locked.status, PLAN_FLOW):
            raise InvalidTransition(f"年度计划当前状态为“{locked.get_status_display()}”，不能公布")
        lines = [
            rp.EntryLine(
                e.position,
                e.occupation_code,
                e.occupation_name,
                e.level,
                e.times,
                e.place,
                e.conditions,
                e.fee,
            )
            for e in sel.plan_entries(locked)
        ]
        checks = [
            rp.check_plan_year(locked.year, today.year),
            rp.check_plan_complete(locked.year, lines),
            rp.check_plan_listed(lines, listed_levels(locked.institution_id, on=today)),
            rp.check_plan_claims(locked.title, locked.notes, lines),
        ]
        ok = all(c.ok for c in checks)
        decision = Decision.record(
            sel.SUBJECT,
            locked.pk,
            kind="plan_publish",
            outcome="done" if ok else "refused",
            checks=checks,
            policy=_policy(locked),
        )
        if ok:
            PLAN_FLOW.transition(
                locked,
                P.PUBLISHED,
                actor=actor,
                locked=True,
                changes={"published_at": timezone.now(), "decision": decision},
            )
        else:
            audit_record(
                actor,
                "evaluation_plan.publish_refused",
                locked,
                after={"decision": decision.pk, "rules": decision.rules},
            )
            refused = (checks, decision)
    if refused is not None:
        refuse_failed(
            refused[0], code="plan_refused", lead="年度计划不能公布：", details={"decision": refused[1].pk}
        )
    plan.refresh_from_db(fields=["status", "decision", "published_at"])
    return locked


def plan_withdraw(*, actor: Any, plan: EvaluationPlan, reason: str) -> EvaluationPlan:
    _manage(actor, plan.institution_id)
    text = clean_reason(reason, label="撤回原因")
    row = PLAN_FLOW.transition(
        plan, P.WITHDRAWN, actor=actor, reason=text, changes={"withdrawn_reason": text}
    )
    assert isinstance(row, EvaluationPlan)
    return row


PLAN_ACTIONS: dict[str, Callable[..., EvaluationPlan]] = {
    "publish": lambda actor, p, data: plan_publish(actor=actor, plan=p),
    "withdraw": lambda actor, p, data: plan_withdraw(actor=actor, plan=p, reason=data.get("reason", "")),
}


def plan_act(*, actor: Any, plan: EvaluationPlan, action: str, data: dict[str, Any]) -> EvaluationPlan:
    return dispatch(PLAN_ACTIONS, action, actor, plan, data)

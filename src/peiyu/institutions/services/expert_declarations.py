"""An expert's declared relations to units (主动回避, SEL-8, 000 Art. 7(3)): the expert keeps them current
on their own page (the pool's officials may record one for them), each declaration and withdrawal
audited. A draw reads the relations in force at the time it runs (services.experts.pool); one declared
while the expert sits on an open panel that reviews the unit takes them off it, with the next
candidate of the recorded order in their place (services.panels.recuse_from_open_panels)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_date, clean_reason, clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.identifiers import validate_uscc

from ..models import Expert, ExpertRelation
from ..rules import panels as rules
from ..selectors.experts import is_expert, is_pool_official
from .experts import org_by_uscc
from .panels import recuse_from_open_panels

K = ExpertRelation.Kind


def require_declarer(actor, expert: Expert) -> None:
    """The expert themselves, or an official of the expert's pool; to anyone else it does not exist."""
    if not (is_expert(actor, expert) or is_pool_official(actor, expert.pool_owner_id)):
        raise NotFound()


def _relation_snapshot(r: ExpertRelation) -> dict:
    return {
        "relation": r.pk,
        "kind": r.kind,
        "org": r.org_id,
        "uscc": r.uscc,
        "unit_name": r.unit_name,
        "ended_on": r.ended_on.isoformat() if r.ended_on else None,
        "note": r.note,
    }


def _unit(
    org: Org | None, uscc: str, unit_name: str, errors: dict[str, list[str]]
) -> tuple[Org | None, str, str]:
    """The unit of a declaration: a unit on the platform, or a credit code (with the unit on the platform
    when it is there), or the exact name of a unit on the platform. A name alone that the platform does
    not know cannot be matched against an applicant, so a credit code is asked for."""
    if org is not None:
        return org, org.uscc or "", org.name
    code = (uscc or "").strip()
    if code:
        try:
            code = validate_uscc(code, field="uscc")
        except InvalidInput as exc:
            errors["uscc"] = [exc.message]
            return None, code, unit_name
        found = org_by_uscc(code)
        return found, code, unit_name or (found.name if found else "")
    if unit_name:
        same = list(Org.objects.filter(name=unit_name)[:2])
        if len(same) == 1:
            return same[0], same[0].uscc or "", same[0].name
        errors["uscc"] = [f"平台上没有名称为“{unit_name}”的单位，请填写该单位的统一社会信用代码"]
    else:
        errors["uscc"] = ["请填写单位的统一社会信用代码（或平台上已登记单位的完整名称）"]
    return None, "", unit_name


def expert_declare_conflict(
    *,
    actor,
    expert: Expert,
    kind: str = K.OTHER,
    org: Org | None = None,
    uscc: str | None = None,
    unit_name: str = "",
    ended_on: object = None,
    note: str = "",
) -> ExpertRelation:
    """The expert (or the pool's official for them) declares a unit they must not review: a former
    employer, a part-time post, a relative working there, a holding, a cooperation, or another interest
    (SEL-8 recusal). In force from now for every draw; the expert leaves any open panel reviewing the
    unit (replaced from the recorded order)."""
    require_declarer(actor, expert)
    errors: dict[str, list[str]] = {}
    if kind not in K.values:
        errors["kind"] = ["请选择与该单位的关系"]
    name = collect(errors, "unit_name", clean_text, unit_name, max_length=200, label="单位名称") or ""
    note = collect(errors, "note", clean_text, note, max_length=200, label="说明") or ""
    ended = collect(errors, "ended_on", clean_date, ended_on, required=False, label="关系结束日期")
    if isinstance(ended, dt.date) and ended > timezone.localdate():
        errors["ended_on"] = ["关系结束日期不能晚于今天；仍存续的关系请留空"]
    found, code, name = _unit(org, uscc or "", name, errors)
    if errors:
        raise InvalidInput("回避申报信息有误", fields=errors, rule=rules.RULE)
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        current = ExpertRelation.objects.filter(expert=locked, withdrawn_at__isnull=True)
        same = current.filter(org=found).first() if found is not None else None
        same = same or (current.filter(uscc=code).first() if code else None)
        if same is not None:
            raise Conflict(
                f"已申报与“{same.unit_name or same.uscc}”的关系（{same.get_kind_display()}），如需更改请先撤回原申报",
                code="relation_exists",
                fields={"uscc": ["已申报过该单位"]},
            )
        relation = ExpertRelation.objects.create(
            expert=locked,
            kind=kind,
            org=found,
            uscc=code,
            unit_name=name,
            ended_on=ended if isinstance(ended, dt.date) else None,
            note=note,
            declared_by=actor,
        )
        audit_record(
            actor,
            "expert.relation_declared",
            locked,
            after=_relation_snapshot(relation),
            reason=f"申报回避（{rules.RULE}）",
            region_code=locked.pool_owner.region_id or None,
        )
        recuse_from_open_panels(actor, locked)
    return relation


def expert_relation_withdraw(*, actor, relation: ExpertRelation, reason: str) -> ExpertRelation:
    """The relation no longer holds: it stops counting from the next draw (and replacement); it stays
    on record with who withdrew it, when and why."""
    require_declarer(actor, relation.expert)
    reason = clean_reason(reason, label="撤回原因", max_length=200)
    with transaction.atomic():
        locked = (
            ExpertRelation.objects.select_for_update()
            .select_related("expert__pool_owner")
            .get(pk=relation.pk)
        )
        if locked.withdrawn_at is not None:
            raise Conflict("该回避申报已撤回", code="relation_withdrawn")
        locked.withdrawn_at, locked.withdrawn_by, locked.withdraw_reason = timezone.now(), actor, reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        audit_record(
            actor,
            "expert.relation_withdrawn",
            locked.expert,
            before=_relation_snapshot(locked),
            after={"relation": locked.pk, "withdrawn": True},
            reason=reason,
            region_code=locked.expert.pool_owner.region_id or None,
        )
    return locked

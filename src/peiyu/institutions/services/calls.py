"""Calls (申报通知, SEL-6/7/9/10): drafted in the product by the body the profile names (`call_issuers`),
edited while a draft, published once complete, closed when the deadline has passed (the tick) or by
the issuer; or loaded from the shipped data files (`institutions/data/calls/*.yaml`, e.g. the Liaoning
batch-2 call exactly as seed 004 writes it), which arrive published.

Quotas, exclusions, the founding cutoff and the notice's working days are pre-filled from the profile
in force for the call's programme and region; a call may change only those the profile's
`call_editable` lists (rules.calls.check_prefilled). The call keeps the profile version it was drafted
under. Every change goes through CALL_FLOW (audit `call.created`, `call.published`, `call.closed`) or is
audited as `call.updated`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Region
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_reason, raise_collected
from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied
from peiyu.core.models import Decision, PolicyProfile
from peiyu.core.policy import Policy, policy_for, policy_named

from ..flows import CALL_FLOW
from ..models import Call, Kind
from ..rules import calls as rules
from ..rules.calls import PREFILL_LABELS, item_values, prefilled_fields, shown_value
from ..selectors.calls import code_names_of
from .call_input import clean_call

CALL_DIR = Path(__file__).resolve().parent.parent / "data" / "calls"
K = Call.Status
EMPTY: tuple[object, ...] = (None, [], {})


def call_policy(call: Call) -> Policy:
    return policy_named(call.policy_name, on=call.opens_on)


def _policy(programme: str, region_code: str | None, on: dt.date, name: str | None = None) -> Policy:
    if name:
        policy = policy_named(name, on=on)
        if policy.programme != programme:
            raise InvalidInput("项目与政策配置不一致", fields={"programme": ["项目与政策配置不一致"]})
        return policy
    return policy_for(programme, region_code, on=on)


def call_issuer_checks(org: Org | None, policy: Policy, region_code: str | None) -> list[Check]:
    """Who may publish under this profile (`call_issuers`) and where (the profile's region)."""
    issuers = list(policy["call_issuers"])
    rule = policy.rule("call_issuers")
    labels = "、".join(str(Org.Kind(k).label) if k in Org.Kind.values else k for k in issuers)
    kind = org.kind if org is not None else ""
    return [
        rules.check_issuer(
            org_kind=kind,
            org_label=str(Org.Kind(kind).label) if kind in Org.Kind.values else "",
            issuers=issuers,
            issuer_labels=labels,
            rule=rule,
        ),
        rules.check_region_scope(
            region_code=region_code or "",
            profile_region=policy.region_code,
            profile_title=_title(policy),
            rule=rule,
        ),
    ]


def _title(policy: Policy) -> str:
    return (
        PolicyProfile.objects.filter(name=policy.name).values_list("title", flat=True).first() or policy.name
    )


def prefilled_checks(fields: dict[str, Any], policy: Policy) -> list[Check]:
    """Each item pre-filled from the profile either keeps its value or is one the profile lets a call
    change (`call_editable`)."""
    editable = list(policy.get("call_editable") or [])
    ours, theirs = item_values(fields), item_values(prefilled_fields(policy))
    names = {**code_names_of(fields), **code_names_of(prefilled_fields(policy))}
    return [
        rules.check_prefilled(
            item=item,
            label=label,
            value=ours.get(item),
            profile_value=theirs.get(item),
            editable=editable,
            rule=policy.rule(item),
            shown=shown_value(theirs.get(item), names),
        )
        for item, label in PREFILL_LABELS.items()
        if ours.get(item) not in EMPTY or theirs.get(item) not in EMPTY
    ]


def publish_checks(call: Call, policy: Policy, today: dt.date) -> list[Check]:
    """What publishing needs: a complete call within the profile's bounds, its deadline still ahead."""
    rule = policy.rule("call_issuers")
    routes = policy.get("review_routes") or {}
    days = call.publicity_working_days or policy.get("publicity_working_days")
    return [
        rules.check_content(
            title=call.title,
            kinds=call.kinds,
            occupation_codes=call.occupation_codes,
            levels=call.levels,
            rule=rule,
        ),
        rules.check_dates(opens_on=call.opens_on, deadline=call.deadline, today=today, rule="SEL-6"),
        rules.check_routes(
            kinds=call.kinds,
            routed=list(routes),
            kind_labels={k: str(Kind(k).label) for k in Kind.values},
            rule=policy.rule("review_routes"),
        ),
        rules.check_publicity_days(days=days, rule=policy.rule("publicity_working_days")),
        *prefilled_checks(_fields_of(call), policy),
    ]


def _fields_of(call: Call) -> dict[str, Any]:
    return {name: getattr(call, name) for name in ("quota_table", "excluded_occupations")} | {
        "founded_on_or_before": call.founded_on_or_before,
        "publicity_working_days": call.publicity_working_days,
    }


def _first_day(data: dict[str, Any]) -> dt.date:
    """The call's first day, to find the profile in force; refused on its field when it is no date."""
    errors: dict[str, list[str]] = {}
    opens_on = clean_call(data, None, errors, dates_only=True)["opens_on"]
    if opens_on is None:
        raise InvalidInput(
            "申报通知有误", fields={"opens_on": errors.get("opens_on") or ["请填写开始受理日期"]}
        )
    return opens_on


def _region(region_code: str | None) -> Region | None:
    if not region_code:
        return None
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise InvalidInput("地区不存在", fields={"region_code": ["请选择申报地区范围"]})
    return region


def _new_code(policy: Policy, opens_on: dt.date) -> str:
    base = f"{policy.name}-{opens_on:%Y%m%d}"
    code, n = base, 1
    while Call.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _issuer_org(actor, region_code: str | None) -> Org:
    """The actor holds call.manage over the region (403 without, 404 outside) and belongs to a body."""
    require(actor, "call.manage", region_code=region_code or "")
    org = getattr(actor, "primary_org", None)
    if org is None:
        raise PermissionDenied("只有所属单位明确的工作人员可以发布申报通知", code="no_org")
    return org


def call_create(
    *, actor, region_code: str | None, code: str = "", published: bool = False, **data: Any
) -> Call:
    """A draft call of the actor's body for a region of its jurisdiction, under the profile in force for
    its programme and region (or the profile `policy_name` names); `published=True` publishes it at once."""
    org = _issuer_org(actor, region_code)
    errors: dict[str, list[str]] = {}
    programme = str(data.get("programme") or "")
    if not programme:
        raise InvalidInput("请选择项目", fields={"programme": ["请选择项目"]})
    policy = _policy(programme, region_code, _first_day(data), data.get("policy_name"))
    refuse_failed(call_issuer_checks(org, policy, region_code), code="call_refused")
    region = _region(region_code)
    fields = clean_call({**data, "programme": programme}, policy, errors)
    raise_collected(errors, "申报通知有误")
    code = str(code or "").strip()
    if code and Call.objects.filter(code=code).exists():
        raise InvalidInput("编号已存在", fields={"code": ["编号已存在，请换一个"]})
    checks = prefilled_checks(fields, policy)
    refuse_failed(checks, code="call_refused", details={"policy": policy.label})
    with transaction.atomic():
        call = Call.objects.create(
            code=code or _new_code(policy, fields["opens_on"]),
            issuer=org,
            region=region,
            policy_name=policy.name,
            policy_version=policy.version,
            created_by=actor,
            **fields,
        )
        CALL_FLOW.created(call, actor=actor, after={"code": call.code, "policy": policy.label})
        Decision.record(
            "institutions.call", call.pk, kind="call_draft", outcome="drafted", checks=checks, policy=policy
        )
    if published:
        call = call_publish(actor=actor, call=call)
    return call


def call_update(*, actor, call: Call, **changes: Any) -> Call:
    """Change a draft (any field but its programme, region and issuer); a published or closed call is
    not edited."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        org = _issuer_org(actor, locked.region_id)
        refuse_failed(call_issuer_checks(org, call_policy(locked), locked.region_id), code="call_refused")
        if locked.status != K.DRAFT:
            raise Conflict(f"申报通知{locked.get_status_display()}，只有草稿可以修改", code="call_not_draft")
        current = call_values(locked)
        data = {**current, **{k: v for k, v in changes.items() if k in current}}
        errors: dict[str, list[str]] = {}
        policy = policy_named(locked.policy_name, on=_first_day(data))
        fields = clean_call(data, policy, errors)
        raise_collected(errors, "申报通知有误")
        checks = prefilled_checks(fields, policy)
        refuse_failed(checks, code="call_refused", details={"policy": policy.label})
        before = {k: current[k] for k in fields if current.get(k) != data.get(k)}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.policy_version = policy.version
        locked.save(update_fields=[*fields, "policy_version", "updated_at"])
        Decision.record(
            "institutions.call", locked.pk, kind="call_draft", outcome="drafted", checks=checks, policy=policy
        )
        audit_record(
            actor,
            "call.updated",
            locked,
            before=_jsonable(before),
            after=_jsonable({k: data.get(k) for k in before}),
        )
    return locked


def call_publish(*, actor, call: Call) -> Call:
    """Publish a complete draft: the checks are stored as a decision with the profile version, and a
    refusal names every failed rule."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        org = _issuer_org(actor, locked.region_id)
        policy = call_policy(locked)
        checks = call_issuer_checks(org, policy, locked.region_id) + publish_checks(locked, policy, today)
        failed = [c for c in checks if not c.ok]
        decision = Decision.record(
            "institutions.call",
            locked.pk,
            kind="call_publish",
            outcome="refused" if failed else "published",
            checks=checks,
            policy=policy,
        )
        if not failed:
            CALL_FLOW.transition(
                locked,
                K.PUBLISHED,
                actor=actor,
                changes={"published_at": timezone.now(), "policy_version": policy.version},
                locked=True,
            )
    refuse_failed(failed, code="call_refused", details={"decision": decision.pk, "policy": policy.label})
    return locked


def call_close(*, actor, call: Call, reason: str = "") -> Call:
    """The issuer stops accepting applications before the deadline (with a reason)."""
    reason = clean_reason(reason, label="截止原因", max_length=500)
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        org = _issuer_org(actor, locked.region_id)
        refuse_failed(call_issuer_checks(org, call_policy(locked), locked.region_id), code="call_refused")
        CALL_FLOW.transition(locked, K.CLOSED, actor=actor, reason=reason, locked=True)
    return locked


def calls_close_due(today: dt.date) -> int:
    """Tick: every published call whose deadline has passed is closed (idempotent: a closed call is
    no longer published)."""
    closed = 0
    for pk in Call.objects.filter(status=K.PUBLISHED, deadline__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Call.objects.select_for_update().get(pk=pk)
            if locked.status != K.PUBLISHED or locked.deadline >= today:
                continue
            CALL_FLOW.transition(
                locked, K.CLOSED, actor=None, reason=f"{locked.deadline:%Y-%m-%d} 申报截止", locked=True
            )
            closed += 1
    return closed


def call_values(call: Call) -> dict[str, Any]:
    """A call's fields as input (what an edit starts from)."""
    return {
        "title": call.title,
        "programme": call.programme,
        "kinds": list(call.kinds),
        "occupation_codes": list(call.occupation_codes),
        "levels": list(call.levels),
        "opens_on": call.opens_on,
        "deadline": call.deadline,
        "step_deadlines": dict(call.step_deadlines or {}),
        "quota_table": dict(call.quota_table or {}),
        "excluded_occupations": dict(call.excluded_occupations or {}),
        "founded_on_or_before": call.founded_on_or_before,
        "publicity_working_days": call.publicity_working_days,
        "body": call.body,
        "source": call.source,
    }


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


def calls_load(directory: Path = CALL_DIR) -> list[Call]:
    """Load the shipped calls, published; a call already present is left as it is."""
    created = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if Call.objects.filter(code=data["code"]).exists():
            continue
        issuer_spec = data.pop("issuer")
        region_code = data.pop("region", None)
        issuer = (
            Org.objects.filter(kind=issuer_spec["kind"], region_id=issuer_spec.get("region"))
            .order_by("pk")
            .first()
        )
        if issuer is None:
            continue  # the issuing body is not set up on this installation yet
        data.pop("published", None)
        code = data.pop("code")
        errors: dict[str, list[str]] = {}
        policy = _policy(data["programme"], region_code, _first_day(data), data.get("policy_name"))
        fields = clean_call(data, policy, errors)
        raise_collected(errors, f"{path.name} 有误")
        refuse_failed(prefilled_checks(fields, policy), code="call_refused")
        with transaction.atomic():
            call = Call.objects.create(
                code=code,
                issuer=issuer,
                region=_region(region_code),
                policy_name=policy.name,
                policy_version=policy.version,
                status=K.PUBLISHED,
                published_at=timezone.now(),
                **fields,
            )
            CALL_FLOW.created(call, actor=None, reason=f"文件载入 {path.name}", after={"file": path.name})
        created.append(call)
    return created

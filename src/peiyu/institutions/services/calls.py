"""Calls (申报通知, SEL-6): created by the body that selects, or loaded from the shipped data files
(`institutions/data/calls/*.yaml`, e.g. the Liaoning batch-2 call exactly as seed 004 writes it).
Quotas, exclusions and the founding cutoff default to the profile's values when a call leaves them out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from peiyu.accounts.models import Org, Region
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.catalogs.selectors import subject_codes_known
from peiyu.core.cleaning import clean_date, collect
from peiyu.core.errors import InvalidInput, PermissionDenied
from peiyu.core.policy import Policy, policy_named

from ..models import Call, Kind

CALL_DIR = Path(__file__).resolve().parent.parent / "data" / "calls"
QUOTA_PARAMS = ("quota_training", "quota_evaluation", "quota_social_org_per_trade")
CALL_CAPABILITIES = ("application.decide", "application.review_province", "application.file")


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    return collect(errors, field, clean_date, value, required=False)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    programme = data.get("programme")
    try:
        policy = policy_named(
            str(data.get("policy_name")), on=_date(data.get("opens_on"), "opens_on", {}) or dt.date.today()
        )
    except Exception:
        errors["policy_name"] = ["政策配置不存在"]
        raise InvalidInput("申报通知有误", fields=errors) from None
    if policy.programme != programme:
        errors["programme"] = ["项目与政策配置不一致"]
    kinds = list(data.get("kinds") or [])
    if not kinds or any(k not in Kind.values for k in kinds):
        errors["kinds"] = ["请选择机构类别：培训机构、评价机构"]
    codes = [str(c) for c in data.get("occupation_codes") or []]
    known = subject_codes_known(programme, codes)
    if not codes or set(codes) - known:
        errors["occupation_codes"] = [
            "职业（工种）编码不存在：" + "、".join(sorted(set(codes) - known))
            if codes
            else "请选择职业（工种）"
        ]
    levels = list(data.get("levels") or policy.get("levels") or [])
    allowed = policy.get("levels") or []
    if not levels or any(lv not in allowed for lv in levels):
        errors["levels"] = ["等级须在 " + "、".join(allowed) + " 中选择"]
    opens_on = _date(data.get("opens_on"), "opens_on", errors)
    deadline = _date(data.get("deadline"), "deadline", errors)
    if opens_on and deadline and deadline < opens_on:
        errors["deadline"] = ["截止日期不能早于开始日期"]
    if not opens_on:
        errors.setdefault("opens_on", ["请填写开始受理日期"])
    if not deadline:
        errors.setdefault("deadline", ["请填写截止日期"])
    quota_table = data.get("quota_table")
    if quota_table is None:
        quota_table = {q: policy[q] for q in QUOTA_PARAMS if q in policy}
    excluded = data.get("excluded_occupations")
    if excluded is None:
        excluded = (
            {"evaluation": policy["evaluation_excluded_occupations"]}
            if "evaluation_excluded_occupations" in policy
            else {}
        )
    cutoff = (
        _date(data.get("founded_on_or_before"), "founded_on_or_before", errors)
        if "founded_on_or_before" in data
        else policy.get("founded_on_or_before")
    )
    if errors:
        raise InvalidInput("申报通知有误", fields=errors)
    return {
        "title": str(data.get("title") or "").strip(),
        "programme": programme,
        "policy_name": policy.name,
        "kinds": kinds,
        "occupation_codes": codes,
        "levels": [lv for lv in allowed if lv in levels],
        "opens_on": opens_on,
        "deadline": deadline,
        "quota_table": {str(k): v for k, v in (quota_table or {}).items()},
        "excluded_occupations": {str(k): [str(c) for c in v] for k, v in (excluded or {}).items()},
        "founded_on_or_before": cutoff,
        "step_deadlines": {
            str(k): (v.isoformat() if isinstance(v, dt.date) else str(v))
            for k, v in (data.get("step_deadlines") or {}).items()
        },
        "publicity_working_days": data.get("publicity_working_days"),
        "body": str(data.get("body") or ""),
        "source": str(data.get("source") or ""),
        "published": bool(data.get("published", False)),
    }


@transaction.atomic
def call_create(*, actor, code: str, region_code: str | None, **data: Any) -> Call:
    """An official of the selecting body publishes a call for its jurisdiction."""
    org = getattr(actor, "primary_org", None)
    if not any(_granted(actor, c, region_code) for c in CALL_CAPABILITIES) or org is None:
        require(actor, "application.decide", region_code=region_code or "")
    if org is None:
        raise PermissionDenied("只有所属单位明确的工作人员可以发布申报通知", code="no_org")
    if not code or Call.objects.filter(code=code).exists():
        raise InvalidInput("编号为空或已存在", fields={"code": ["编号为空或已存在"]})
    clean = _clean(data)
    if not clean["title"]:
        raise InvalidInput("请填写标题", fields={"title": ["请填写标题"]})
    call = Call.objects.create(
        code=code,
        issuer=org,
        region=Region.objects.filter(pk=region_code).first() if region_code else None,
        **clean,
    )
    audit_record(actor, "call.created", call, after={"code": code, "policy": call.policy_name})
    return call


def _granted(actor, capability: str, region_code: str | None) -> bool:
    from peiyu.accounts.scoping import scope_for

    scope = scope_for(actor, capability)
    return scope.granted and scope.covers_region(region_code or "")


def calls_load(directory: Path = CALL_DIR) -> list[Call]:
    """Load the shipped calls; a call already present is left as it is (its issuer may have edited it)."""
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
        with transaction.atomic():
            code = data.pop("code")
            call = Call.objects.create(
                code=code,
                issuer=issuer,
                region=Region.objects.filter(pk=region_code).first() if region_code else None,
                **_clean(data),
            )
            audit_record(None, "call.loaded", call, after={"file": path.name})
        created.append(call)
    return created


def call_policy(call: Call) -> Policy:
    return policy_named(call.policy_name, on=call.opens_on)

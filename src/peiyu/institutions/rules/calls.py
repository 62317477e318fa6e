"""Checks of a call for applications (申报通知, SEL-6/7/9/10), pure: who may publish it under its profile
(`call_issuers`), which of the items pre-filled from the profile it may change (`call_editable`), whether
it is complete enough to publish, and whether it accepts applications today. Each returns a Check with
the rule id the profile gives the parameter, so a refusal names the rule it applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from peiyu.core.checks import Check
from peiyu.core.policy_schema import PARAMETERS

if TYPE_CHECKING:
    from peiyu.core.policy import Policy

PREFILLED_ITEMS = (
    "quota_training",
    "quota_evaluation",
    "quota_social_org_per_trade",
    "evaluation_excluded_occupations",
    "founded_on_or_before",
    "publicity_working_days",
)
"""The items of a call taken from its profile: the parameter names `call_editable` may list."""
QUOTA_PARAMS = tuple(i for i in PREFILLED_ITEMS if i.startswith("quota_"))
PREFILL_LABELS = {item: PARAMETERS[item].label for item in PREFILLED_ITEMS}
"""Item → its label (the profile parameter's, a msgid)."""


def prefilled_fields(policy: Policy) -> dict[str, Any]:
    """The call's fields as the profile fills them."""
    excluded = policy.get("evaluation_excluded_occupations")
    cutoff = policy.get("founded_on_or_before")
    return {
        "quota_table": {q: dict(policy[q]) for q in QUOTA_PARAMS if q in policy},
        "excluded_occupations": {"evaluation": list(excluded)} if excluded else {},
        "founded_on_or_before": cutoff,
        "publicity_working_days": policy.get("publicity_working_days"),
    }


def item_values(fields: dict[str, Any]) -> dict[str, Any]:
    """The pre-filled items of a call's fields, by the parameter name `call_editable` uses."""
    quotas = fields.get("quota_table") or {}
    cutoff = fields.get("founded_on_or_before")
    return {
        **{q: quotas.get(q) for q in QUOTA_PARAMS},
        "evaluation_excluded_occupations": sorted(
            (fields.get("excluded_occupations") or {}).get("evaluation", [])
        ),
        "founded_on_or_before": cutoff.isoformat() if isinstance(cutoff, dt.date) else cutoff,
        "publicity_working_days": fields.get("publicity_working_days"),
    }


def shown_value(value: Any, names: Mapping[str, str] | None = None) -> str:
    """An item's value in words for a message: '默认 2，沈阳市 5' / '2018-12-31' / '（未设定）'; `names`
    gives the names of region and occupation codes."""
    names = names or {}
    if value in (None, [], {}):
        return "（未设定）"
    if isinstance(value, dict):
        parts = [f"默认 {value.get('default')}"]
        parts += [
            f"{names.get(code, code)} {n}" for code, n in sorted((value.get("overrides") or {}).items())
        ]
        return "，".join(parts)
    if isinstance(value, list):
        return "、".join(names.get(v, v) for v in value)
    return str(value)


def check_issuer(
    *, org_kind: str, org_label: str, issuers: Sequence[str], issuer_labels: str, rule: str
) -> Check:
    """The actor's organisation is of a kind the profile names as the publisher of its calls."""
    ok = org_kind in issuers
    msg = (
        f"{org_label}可发布本项目的申报通知"
        if ok
        else f"按政策配置，本项目的申报通知由{issuer_labels}发布，{org_label or '本单位'}不能发布"
    )
    return Check(rule, ok, msg, {"org_kind": org_kind, "issuers": list(issuers)}, blocking=True)


def _prefix(code: str) -> str:
    """GB/T 2260: a province xx0000 covers 'xx', a city xxxx00 'xxxx', a district itself."""
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code


def check_region_scope(*, region_code: str, profile_region: str, profile_title: str, rule: str) -> Check:
    """The call's region lies inside the region of the profile it is made under (a national profile
    covers every region)."""
    ok = not profile_region or (bool(region_code) and region_code.startswith(_prefix(profile_region)))
    msg = (
        "申报地区范围在政策配置的适用地区内" if ok else f"申报地区范围超出政策配置“{profile_title}”的适用地区"
    )
    return Check(rule, ok, msg, {"region": region_code, "profile_region": profile_region}, blocking=True)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.get("default") == b.get("default") and dict(a.get("overrides") or {}) == dict(
            b.get("overrides") or {}
        )
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return sorted(a) == sorted(b)
    return a == b


def check_prefilled(
    *, item: str, label: str, value: Any, profile_value: Any, editable: Sequence[str], rule: str, shown: str
) -> Check:
    """An item pre-filled from the profile keeps the profile's value unless `call_editable` lists it.
    `shown` is the profile's value in words, for the message."""
    changed = not _same(value, profile_value)
    ok = not changed or item in editable
    if not changed:
        msg = f"{label}：与政策配置一致"
    elif ok:
        msg = f"{label}：已按政策配置的授权调整"
    else:
        msg = f"{label}：不可在申报通知中调整，应为政策配置的 {shown}"
    facts = {"item": item, "value": value, "profile_value": profile_value, "editable": list(editable)}
    return Check(rule, ok, msg, facts, blocking=True)


def check_dates(*, opens_on: dt.date, deadline: dt.date, today: dt.date, rule: str) -> Check:
    """To publish: the period is in order and its deadline has not passed (SEL-6)."""
    facts = {"opens_on": opens_on.isoformat(), "deadline": deadline.isoformat(), "today": today.isoformat()}
    if deadline < opens_on:
        return Check(rule, False, "截止日期早于开始受理日期", facts, blocking=True)
    if deadline < today:
        return Check(rule, False, f"截止日期 {deadline:%Y-%m-%d} 已过，不能发布", facts, blocking=True)
    return Check(rule, True, f"受理期 {opens_on:%Y-%m-%d} 至 {deadline:%Y-%m-%d}", facts, blocking=True)


def check_content(
    *, title: str, kinds: Sequence[str], occupation_codes: Sequence[str], levels: Sequence[str], rule: str
) -> Check:
    """To publish: the call names its title, kinds of institution, occupations and levels."""
    missing = [
        name
        for name, value in (
            ("标题", title),
            ("机构类别", kinds),
            ("职业（工种）", occupation_codes),
            ("等级", levels),
        )
        if not value
    ]
    ok = not missing
    msg = "申报范围完整" if ok else "申报通知未写明：" + "、".join(missing)
    return Check(rule, ok, msg, {"missing": missing}, blocking=True)


def check_routes(
    *, kinds: Sequence[str], routed: Sequence[str], kind_labels: Mapping[str, str], rule: str
) -> Check:
    """To publish: the profile has a review route for every kind of institution the call accepts."""
    missing = [k for k in kinds if k not in routed]
    ok = not missing
    msg = (
        "政策配置包含各类机构的评审路线"
        if ok
        else "政策配置没有" + "、".join(kind_labels.get(k, k) for k in missing) + "的评审路线"
    )
    return Check(rule, ok, msg, {"kinds": list(kinds), "routed": list(routed)}, blocking=True)


def check_publicity_days(*, days: int | None, rule: str) -> Check:
    """To publish: the number of working days of the public notice is known (the call's or the profile's)."""
    ok = days is not None and days > 0
    msg = f"公示期 {days} 个工作日" if ok else "请填写公示期（工作日），政策配置未规定"
    return Check(rule, ok, msg, {"publicity_working_days": days}, blocking=True)


def check_call_accepts(
    *, status: str, status_label: str, opens_on: dt.date, deadline: dt.date, today: dt.date, source: str = ""
) -> Check:
    """An application is made only to a published call within its period (SEL-6)."""
    facts = {
        "status": status,
        "opens_on": opens_on.isoformat(),
        "deadline": deadline.isoformat(),
        "today": today.isoformat(),
    }
    if status == "draft":
        msg = "申报通知尚未发布，不能申报"
    elif status != "published":
        msg = f"申报通知{status_label}（截止日期 {deadline:%Y-%m-%d}），不再受理申报"
    elif today < opens_on:
        msg = f"申报通知尚未开始受理（{opens_on:%Y-%m-%d} 起）"
    elif today > deadline:
        msg = f"已过申报截止日期 {deadline:%Y-%m-%d}"
    else:
        return Check("SEL-6", True, f"在申报期内（截止 {deadline:%Y-%m-%d}）", facts, source, blocking=True)
    return Check("SEL-6", False, msg, facts, source, blocking=True)

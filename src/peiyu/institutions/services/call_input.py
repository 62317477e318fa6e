"""A call's input, cleaned the same way from the page form, the API and the shipped files: Chinese field
messages per field (collected, never raised one by one), and the items the profile pre-fills
(quotas, excluded occupations, founding cutoff, notice days) taken from the profile where the input
leaves them out."""

from __future__ import annotations

import re
from typing import Any

from peiyu.accounts.models import Region
from peiyu.catalogs.selectors import programme_labels, subject_codes_known
from peiyu.core.cleaning import clean_date, clean_text, collect
from peiyu.core.policy import Policy

from ..models import Kind
from ..rules.calls import prefilled_fields

TITLE_MAX, SOURCE_MAX, BODY_MAX = 200, 300, 20000
DAYS_MAX = 60
_CODE = re.compile(r"^\d{6}$")


def _int(
    value: Any, field: str, errors: dict[str, list[str]], *, low: int = 0, high: int = 100000
) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(field, []).append("请填写整数")
        return None
    if not low <= number <= high:
        errors.setdefault(field, []).append(f"应在 {low} 至 {high} 之间")
        return None
    return number


def _quota_table(raw: Any, profile: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """{param: {default, overrides}} over the profile's quotas: the step and what is counted stay the
    profile's; overrides name existing six-digit regions."""
    if raw is None:
        return profile
    if not isinstance(raw, dict):
        errors.setdefault("quota_table", []).append("申报数量格式不正确")
        return profile
    out = {}
    for name, table in profile.items():
        given = raw.get(name, table)
        field = f"quota_table.{name}"
        if not isinstance(given, dict):
            errors.setdefault(field, []).append("申报数量格式不正确")
            continue
        default = _int(given.get("default"), field, errors)
        overrides: dict[str, int] = {}
        for code, limit in (given.get("overrides") or {}).items():
            n = _int(limit, field, errors)
            if not _CODE.match(str(code)):
                errors.setdefault(field, []).append(f"地区代码 {code} 应为6位数字")
            elif n is not None:
                overrides[str(code)] = n
        unknown = set(overrides) - set(
            Region.objects.filter(code__in=list(overrides)).values_list("code", flat=True)
        )
        if unknown:
            errors.setdefault(field, []).append("地区不存在：" + "、".join(sorted(unknown)))
        out[name] = {**table, "default": default, "overrides": overrides}
    for name in set(raw) - set(profile):
        errors.setdefault(f"quota_table.{name}", []).append("政策配置未设定此项申报数量")
    return out


def _excluded(
    raw: Any, programme: str, profile: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    if raw is None:
        return profile
    if not isinstance(raw, dict) or any(
        k not in Kind.values or not isinstance(v, list) for k, v in raw.items()
    ):
        errors.setdefault("excluded_occupations", []).append("不受理的职业格式不正确")
        return profile
    codes = {str(c) for v in raw.values() for c in v}
    unknown = codes - subject_codes_known(programme, codes)
    if unknown:
        errors.setdefault("excluded_occupations", []).append(
            "职业（工种）编码不存在：" + "、".join(sorted(unknown))
        )
    return {k: [str(c) for c in v] for k, v in raw.items() if v}


def _list(data: dict[str, Any], name: str, errors: dict[str, list[str]]) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        errors.setdefault(name, []).append("格式不正确")
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def clean_call(
    data: dict[str, Any], policy: Policy | None, errors: dict[str, list[str]], *, dates_only: bool = False
) -> dict[str, Any]:
    """The call's model fields from input; problems added to `errors` per field. `dates_only` cleans the
    period alone (to find the profile in force on its first day)."""
    opens_on = collect(errors, "opens_on", clean_date, data.get("opens_on"), label="开始受理日期")
    deadline = collect(errors, "deadline", clean_date, data.get("deadline"), label="截止日期")
    if opens_on and deadline and deadline < opens_on:
        errors.setdefault("deadline", []).append("截止日期不能早于开始受理日期")
    if dates_only or policy is None:
        return {"opens_on": opens_on, "deadline": deadline}
    programme = str(data.get("programme") or "")
    if programme not in programme_labels():
        errors.setdefault("programme", []).append("请选择项目")
    elif policy.programme != programme:
        errors.setdefault("programme", []).append("项目与政策配置不一致")
    kinds = _list(data, "kinds", errors)
    if any(k not in Kind.values for k in kinds):
        errors.setdefault("kinds", []).append("机构类别应为培训机构或评价机构")
    codes = list(dict.fromkeys(_list(data, "occupation_codes", errors)))
    unknown = set(codes) - subject_codes_known(programme, codes)
    if unknown:
        errors.setdefault("occupation_codes", []).append(
            "职业（工种）编码不存在：" + "、".join(sorted(unknown))
        )
    allowed = list(policy.get("levels") or [])
    levels = allowed if data.get("levels") is None else _list(data, "levels", errors)
    if any(lv not in allowed for lv in levels):
        errors.setdefault("levels", []).append("等级须在 " + "、".join(allowed) + " 中选择")
    steps: dict[str, str] = {}
    for step, value in (data.get("step_deadlines") or {}).items():
        day = collect(errors, "step_deadlines", clean_date, value, label="环节办理期限")
        if day:
            steps[str(step)] = day.isoformat()
    prefill = prefilled_fields(policy)
    cutoff = prefill["founded_on_or_before"]
    if "founded_on_or_before" in data:
        cutoff = collect(
            errors, "founded_on_or_before", clean_date, data.get("founded_on_or_before"), required=False
        )
    days = data.get("publicity_working_days")
    if days in (None, ""):
        days = prefill["publicity_working_days"]
    else:
        days = _int(days, "publicity_working_days", errors, low=1, high=DAYS_MAX)
    texts = {}
    for name, cap, multiline in (
        ("title", TITLE_MAX, False),
        ("source", SOURCE_MAX, False),
        ("body", BODY_MAX, True),
    ):
        value = collect(errors, name, clean_text, data.get(name), max_length=cap, multiline=multiline)
        texts[name] = value if value is not None else ""
    return {
        **texts,
        "programme": programme,
        "kinds": [k for k in Kind.values if k in kinds],
        "occupation_codes": codes,
        "levels": [lv for lv in allowed if lv in levels],
        "opens_on": opens_on,
        "deadline": deadline,
        "step_deadlines": steps,
        "quota_table": _quota_table(data.get("quota_table"), prefill["quota_table"], errors),
        "excluded_occupations": _excluded(
            data.get("excluded_occupations"), programme, prefill["excluded_occupations"], errors
        ),
        "founded_on_or_before": cutoff,
        "publicity_working_days": days,
    }


_SEPARATORS = re.compile(r"[\n；;，,]+")
_PAIR = re.compile(r"^\s*(\S+?)\s*[：:=\s]\s*(\S+)\s*$")


def overrides_from_text(
    text: str, region_prefix: str, field: str, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """A quota's per-region limits as an official writes them, one a line: '沈阳市 5' or '210100 5'
    (names are looked up among the regions of the call)."""
    out: dict[str, Any] = {}
    for line in _SEPARATORS.split(text or ""):
        if not line.strip():
            continue
        found = _PAIR.match(line)
        if found is None:
            errors.setdefault(field, []).append(f"“{line.strip()}”应写为“地区 数量”，如：沈阳市 5")
            continue
        place, limit = found[1], found[2]
        if _CODE.match(place):
            out[place] = limit
            continue
        matches = list(
            Region.objects.filter(name=place, code__startswith=region_prefix).values_list("code", flat=True)[
                :2
            ]
        )
        if len(matches) != 1:
            errors.setdefault(field, []).append(
                f"找不到地区“{place}”" if not matches else f"地区“{place}”不唯一，请写行政区划代码"
            )
            continue
        out[matches[0]] = limit
    return out


def call_input_errors(data: dict[str, Any], policy: Policy) -> dict[str, list[str]]:
    """Every field message of this input (nothing written): for a form that found problems of its own
    and shows them together with these."""
    errors: dict[str, list[str]] = {}
    clean_call(data, policy, errors)
    return errors

"""What a policy parameter may be: its type, the rule ids it may serve and its Chinese label.
A profile YAML naming an unknown parameter, a wrong type or a rule this parameter does not serve
is refused when loaded, so every number in force is tied to a rule of RULES.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_noop

from .errors import InvalidInput


@dataclass(frozen=True)
class ParamSpec:
    kind: str  # int, bool, ratio, fraction, date, month_day, str_list, str, quota, routes
    rules: frozenset[str]
    label: str


def _spec(kind: str, rules: str, label: str) -> ParamSpec:
    return ParamSpec(kind, frozenset(rules.split()), label)


PARAMETERS: dict[str, ParamSpec] = {
    "levels": _spec("str_list", "CAT-1 CAT-2", gettext_noop("等级")),
    "validity_years": _spec("int", "DIR-1", gettext_noop("目录有效期（年）")),
    "renewal_lead_months": _spec("int", "DIR-2", gettext_noop("延续申请最迟提前（月）")),
    "renewal_window_months": _spec("int", "DIR-4", gettext_noop("延续申请窗口：到期前（月）内")),
    "renewal_grace_months": _spec("int", "DIR-2 DIR-4", gettext_noop("到期后延续宽限期（月）")),
    "min_annual_volume": _spec("int", "DIR-3", gettext_noop("第二个及以后有效期年均最低人次")),
    "reapply_ban_years": _spec("int", "DIR-3", gettext_noop("视为放弃后不得再申报（年）")),
    "min_experience_years": _spec("int", "SEL-2", gettext_noop("最少培训或考核经验（年）")),
    "min_annual_scale": _spec("int", "SEL-2", gettext_noop("年培训或考核最低规模（人次）")),
    "founded_on_or_before": _spec("date", "SEL-3", gettext_noop("成立日期不晚于")),
    "quota_evaluation": _spec("quota", "SEL-6", gettext_noop("评价机构申报数量（每职业每市）")),
    "quota_training": _spec("quota", "SEL-6", gettext_noop("培训机构申报数量（每职业每市）")),
    "quota_social_org_per_trade": _spec("quota", "SEL-6", gettext_noop("同一工种社评组织数量（全市）")),
    "evaluation_excluded_occupations": _spec("str_list", "SEL-6", gettext_noop("不受理评价机构申报的职业")),
    "application_deadline": _spec("date", "SEL-6", gettext_noop("申报截止日期")),
    "publicity_working_days": _spec("int", "SEL-7 SEL-10", gettext_noop("公示期（工作日）")),
    "notice_counts_publication_day": _spec("bool", "SEL-7 SEL-10", gettext_noop("公示发布当日计入公示期")),
    "score_notice_working_days": _spec("int", "EVL-5", gettext_noop("成绩公示期（工作日）")),
    "online_hours_max_ratio": _spec("ratio", "TRN-4", gettext_noop("线上学时占比上限")),
    "training_report_days": _spec("int", "TRN-6", gettext_noop("结业后报送培训情况（日）")),
    "trainee_min_age": _spec("int", "TRN-8", gettext_noop("学员最低年龄（周岁）")),
    "trainee_retired_excluded": _spec("bool", "TRN-8", gettext_noop("不含已退休人员")),
    "cert_submit_days": _spec("int", "CRT-3", gettext_noop("考核后报送证书数据（日）")),
    "province_confirm_working_days": _spec("int", "CRT-3", gettext_noop("省级确认时限（工作日）")),
    "cert_issue_days": _spec("int", "CRT-3", gettext_noop("审核通过后颁发证书（日）")),
    "certificate_route": _spec("str", "CRT-3", gettext_noop("证书数据报送与颁发流程")),
    "cert_number_template": _spec("str", "CRT-4", gettext_noop("证书编号格式")),
    "cert_level_codes": _spec("str_list", "CRT-4", gettext_noop("证书编号中的等级代码（与等级一一对应）")),
    "invalidation_statement_working_days": _spec(
        "int", "CRT-7", gettext_noop("证书无效认定前机构说明情况期限（工作日）")
    ),
    "title_equivalence_levels": _spec(
        "str_list", "CRT-6", gettext_noop("可直接认定为相应职称的专业技术等级")
    ),
    "title_reference_levels": _spec(
        "str_list", "CRT-6", gettext_noop("作为申报高级职称评审重要参考的专业技术等级")
    ),
    "desk_spacing_min_cm": _spec("int", "EVL-1", gettext_noop("理论考场最小桌距（厘米）")),
    "site_review_working_days": _spec("int", "EVL-1", gettext_noop("考点报备受理时限（工作日）")),
    "bank_min_theory_items": _spec("int", "EVL-2", gettext_noop("理论题库最少题量")),
    "bank_min_practical_sets": _spec("int", "EVL-2", gettext_noop("实操试卷最少套数")),
    "examiner_panel_min": _spec("int", "EVL-6", gettext_noop("考评组最少人数")),
    "examiner_rotation_min": _spec("fraction", "EVL-6", gettext_noop("批次间考评员最低轮换比例")),
    "pass_score": _spec("int", "EVL-7", gettext_noop("各科合格分数线")),
    "comprehensive_review_from_level": _spec("str", "EVL-7", gettext_noop("需综合评审的最低等级")),
    "marking_margin_points": _spec("int", "EVL-6", gettext_noop("主观题两评分差超过（分）须三评")),
    "incident_report_working_days": _spec("int", "EVL-11", gettext_noop("严重考务事件报告期限（工作日）")),
    "retention_paper_years": _spec("int", "EVL-10", gettext_noop("纸质档案保存（年）")),
    "retention_electronic_years": _spec("int", "EVL-10", gettext_noop("电子档案保存（年）")),
    "demand_catalog_deadline": _spec("month_day", "CAT-5 CAT-6", gettext_noop("需求目录发布截止（月-日）")),
    "annual_training_target": _spec("int", "RPT-3", gettext_noop("年度培养目标（人）")),
    "review_routes": _spec("routes", "SEL-7 SEL-9 SEL-10", gettext_noop("申报评审路线（按机构类别）")),
    "filing_code_template": _spec("str", "SEL-10", gettext_noop("备案统一编码格式")),
    "call_issuers": _spec("str_list", "SEL-7 SEL-9 SEL-10", gettext_noop("申报通知发布单位（机构类型）")),
    "call_editable": _spec("str_list", "SEL-3 SEL-6 SEL-7 SEL-10", gettext_noop("申报通知中可调整的预填项")),
}

ROUTE_ACTIONS = frozenset({"recommend", "review", "expert_review", "decide", "notice", "file"})
ROUTE_KINDS = frozenset({"training", "evaluation"})

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _fail(name: str, message: str) -> InvalidInput:
    return InvalidInput(f"政策参数 {name}：{message}", code="policy_invalid", fields={name: [message]})


def normalise(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate one parameter entry {value, rule, note?} and return it in stored (JSON) form."""
    spec = PARAMETERS.get(name)
    if spec is None:
        raise _fail(name, "未知参数")
    if not isinstance(raw, dict) or "rule" not in raw or "value" not in raw:
        raise _fail(name, "须写明 value 与 rule（规则编号）")
    rule = str(raw["rule"])
    if rule not in spec.rules:
        raise _fail(name, f"规则编号 {rule} 与本参数不符（应为 {'/'.join(sorted(spec.rules))}）")
    value = raw["value"]
    entry: dict[str, Any] = {"rule": rule}
    if raw.get("note"):
        entry["note"] = str(raw["note"])
    if value is None:  # set elsewhere (e.g. "set by city"): present, but no number in force
        entry["value"] = None
        return entry
    try:
        entry["value"] = _coerce(spec.kind, value)
    except (ValueError, TypeError, InvalidOperation, ZeroDivisionError) as exc:
        raise _fail(name, f"取值无效（{exc}）") from exc
    return entry


def _coerce(kind: str, value: Any) -> Any:
    if kind == "int":
        if isinstance(value, bool) or int(value) != value or int(value) < 0:
            raise ValueError("应为非负整数")
        return int(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("应为 true 或 false")
        return value
    if kind == "ratio":
        d = Decimal(str(value))
        if not Decimal(0) <= d <= Decimal(1):
            raise ValueError("应在 0 与 1 之间")
        return str(d)
    if kind == "fraction":
        f = Fraction(str(value))
        if not 0 <= f <= 1:
            raise ValueError("应在 0 与 1 之间")
        return f"{f.numerator}/{f.denominator}"
    if kind == "date":
        return (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))).isoformat()
    if kind == "month_day":
        if not _MONTH_DAY.match(str(value)):
            raise ValueError("应为 MM-DD")
        return str(value)
    if kind == "str_list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError("应为文字列表")
        return list(value)
    if kind == "str":
        if not isinstance(value, str) or not value:
            raise ValueError("应为文字")
        return value
    if kind == "quota":
        if not isinstance(value, dict) or "default" not in value or "step" not in value:
            raise ValueError("配额须写明 default 与 step")
        overrides = {str(k): _coerce("int", v) for k, v in (value.get("overrides") or {}).items()}
        for code in overrides:
            if not re.fullmatch(r"\d{6}", code):
                raise ValueError(f"地区代码 {code} 应为6位数字")
        return {
            "default": _coerce("int", value["default"]),
            "overrides": overrides,
            "step": str(value["step"]),
            "counts": str(value.get("counts", "")),
        }
    if kind == "routes":
        return _routes(value)
    raise ValueError(f"unknown kind {kind}")


def _routes(value: Any) -> dict[str, list[dict[str, Any]]]:
    """{kind: [step, ...]}: each step names its key, label, action, the org kinds that act at it and the
    capability they need; optionally the quota it enforces and whether it issues a recommendation letter."""
    if not isinstance(value, dict) or not value:
        raise ValueError("评审路线应按机构类别列出环节")
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, steps in value.items():
        if kind not in ROUTE_KINDS:
            raise ValueError(f"机构类别 {kind} 无效")
        if not isinstance(steps, list) or not steps:
            raise ValueError(f"{kind} 的评审路线没有环节")
        seen: set[str] = set()
        clean = []
        for raw in steps:
            if not isinstance(raw, dict):
                raise ValueError("环节应为映射")
            missing = {"step", "label", "action", "org_kinds", "capability"} - set(raw)
            if missing:
                raise ValueError(f"环节缺少 {', '.join(sorted(missing))}")
            if raw["action"] not in ROUTE_ACTIONS:
                raise ValueError(f"环节动作 {raw['action']} 无效")
            if raw["step"] in seen:
                raise ValueError(f"环节 {raw['step']} 重复")
            seen.add(raw["step"])
            if raw.get("quota") and raw["quota"] not in PARAMETERS:
                raise ValueError(f"环节 {raw['step']} 的配额参数 {raw['quota']} 不存在")
            step: dict[str, Any] = {
                "step": str(raw["step"]),
                "label": str(raw["label"]),
                "action": str(raw["action"]),
                "org_kinds": [str(k) for k in raw["org_kinds"]],
                "capability": str(raw["capability"]),
            }
            for key in ("quota", "letter", "site_visit"):
                if raw.get(key):
                    step[key] = raw[key] if key == "quota" else bool(raw[key])
            clean.append(step)
        if sum(1 for s in clean if s["action"] == "notice") != 1:
            raise ValueError(f"{kind} 的评审路线须有且只有一个公示环节")
        out[kind] = clean
    return out


def typed(name: str, stored: Any) -> Any:
    """Stored JSON → the Python value code works with."""
    if stored is None:
        return None
    kind = PARAMETERS[name].kind
    if kind == "ratio":
        return Decimal(stored)
    if kind == "fraction":
        return Fraction(stored)
    if kind == "date":
        return dt.date.fromisoformat(stored)
    return stored

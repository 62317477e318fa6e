"""Eligibility checks run when an application is submitted (SEL-1…6, SEL-11, DIR-3, EVL-9).

Each function is pure: it takes facts, returns a Check with the rule id, its source article, a Chinese
message and the facts it used. `blocking` failures refuse the submission outright (a call's deadline,
an excluded occupation, a duplicate through two channels, a re-application ban, the evaluation and
training conflict); the others are recorded and an official may pass them only with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peiyu.core.checks import Check
from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import validate_uscc

from .sources import article


def check_deadline(
    *,
    today: dt.date,
    opens_on: dt.date,
    deadline: dt.date,
    published: bool,
    programme: str = "dte",
    closed: bool = False,
) -> Check:
    ok = published and not closed and opens_on <= today <= deadline
    if ok:
        msg = f"在申报期内（截止 {deadline:%Y-%m-%d}）"
    elif closed and today <= deadline:
        msg = f"申报通知已提前结束受理（原定 {deadline:%Y-%m-%d} 截止）"
    elif closed:
        msg = f"已过申报截止日期 {deadline:%Y-%m-%d}"
    elif not published or today < opens_on:
        msg = f"申报通知尚未开始受理（{opens_on:%Y-%m-%d} 起）"
    else:
        msg = f"已过申报截止日期 {deadline:%Y-%m-%d}"
    return Check(
        "SEL-6",
        ok,
        msg,
        {"today": today.isoformat(), "opens_on": opens_on.isoformat(), "deadline": deadline.isoformat()},
        article("deadline", programme),
        blocking=True,
    )


def check_credit(
    *, uscc: str, dishonest_years: list[int], integrity_flags: list[str], programme: str = "dte"
) -> Check:
    """SEL-1: a valid unified social credit code and no record of dishonesty (信用中国 self-declared
    for each of the last three years, plus any integrity record on the platform)."""
    facts = {"uscc": uscc, "dishonest_years": dishonest_years, "integrity_flags": integrity_flags}
    source = article("credit", programme)
    try:
        validate_uscc(uscc)
    except InvalidInput as exc:
        return Check("SEL-1", False, f"统一社会信用代码无效：{exc.message}", facts, source, blocking=True)
    if dishonest_years or integrity_flags:
        parts = []
        if dishonest_years:
            parts.append("近三年有失信行为（" + "、".join(str(y) for y in dishonest_years) + "年）")
        parts.extend(integrity_flags)
        return Check("SEL-1", False, "社会信用不良：" + "；".join(parts), facts, source)
    return Check("SEL-1", True, "统一社会信用代码有效，未申报失信记录", facts, source)


def check_experience(
    *, founded_on: dt.date | None, volumes: dict[int, int], min_years: int | None, today: dt.date
) -> Check:
    """SEL-2: at least `min_years` of training/assessment experience — counted from the founding date
    and from the years with reported volume, whichever is longer."""
    active_years = sorted(y for y, n in volumes.items() if n > 0)
    since_founding = _whole_years(founded_on, today) if founded_on else 0
    experience = max(len(active_years), since_founding if active_years else 0)
    facts = {
        "min_experience_years": min_years,
        "years_with_volume": active_years,
        "years_since_founding": since_founding,
        "experience_years": experience,
    }
    if min_years is None:
        return Check("SEL-2", True, "本批次未设经验年限要求", facts, "000 第六条（三）")
    ok = experience >= min_years
    msg = (
        f"培训或考核经验 {experience} 年"
        + ("，符合" if ok else f"，不足 {min_years} 年")
        + f"（要求 {min_years} 年以上）"
    )
    return Check("SEL-2", ok, msg, facts, "000 第六条（三）")


def check_scale(*, volumes: dict[int, int], min_scale: int | None) -> Check:
    """SEL-2: an annual scale of at least `min_scale` person-times, judged on the latest year reported."""
    facts = {"min_annual_scale": min_scale, "volumes": {str(y): n for y, n in sorted(volumes.items())}}
    if min_scale is None:
        return Check("SEL-2", True, "本批次未设年度规模要求", facts, "004 二（三）")
    if not volumes:
        return Check(
            "SEL-2", False, f"未填报近年培训或考核规模（要求年{min_scale}人次以上）", facts, "004 二（三）"
        )
    year = max(volumes)
    facts["judged_year"] = year
    ok = volumes[year] >= min_scale
    msg = (
        f"{year}年规模 {volumes[year]} 人次"
        + ("，符合" if ok else "，未达到")
        + f"年{min_scale}人次以上的要求"
    )
    return Check("SEL-2", ok, msg, facts, "004 二（三）")


def check_founding(*, founded_on: dt.date | None, cutoff: dt.date | None) -> Check:
    facts = {
        "founded_on": founded_on.isoformat() if founded_on else None,
        "cutoff": cutoff.isoformat() if cutoff else None,
    }
    if cutoff is None:
        return Check("SEL-3", True, "本批次未设成立时间要求", facts, "004 二（三）")
    if founded_on is None:
        return Check("SEL-3", False, "未填写单位成立时间", facts, "004 二（三）")
    ok = founded_on <= cutoff
    msg = (
        f"成立于 {founded_on:%Y-%m-%d}"
        + ("，符合" if ok else "，晚于")
        + f" {cutoff:%Y-%m-%d} 以前注册成立的要求"
    )
    return Check("SEL-3", ok, msg, facts, "004 二（三）")


def check_excluded(
    *,
    occupation_code: str,
    occupation_name: str,
    kind_label: str,
    excluded: Iterable[str],
    programme: str = "dte",
) -> Check:
    excluded = list(excluded)
    ok = occupation_code not in excluded
    msg = (
        f"{occupation_name}可申报{kind_label}"
        if ok
        else f"本批次不受理{occupation_name}的{kind_label}申报（第一批已遴选）"
    )
    return Check(
        "SEL-6",
        ok,
        msg,
        {"occupation": occupation_code, "excluded": excluded},
        article("excluded", programme),
        blocking=True,
    )


def check_duplicate(*, others: list[dict], programme: str = "dte") -> Check:
    """SEL-5: the same institution, occupation, kind and round through another channel or recommender."""
    ok = not others
    msg = (
        "无重复申报"
        if ok
        else "同一职业已有申报：" + "、".join(f"{o['number']}（{o['recommender']}）" for o in others)
    )
    return Check("SEL-5", ok, msg, {"others": others}, article("duplicate", programme), blocking=True)


def check_reapply_ban(*, bans: list[dict], today: dt.date, programme: str = "dte") -> Check:
    """DIR-3: after forfeiting an occupation the institution may not apply for it for N years after expiry."""
    live = [b for b in bans if dt.date.fromisoformat(b["until"]) >= today]
    ok = not live
    msg = (
        "无视为主动放弃后的限制申报期"
        if ok
        else "视为主动放弃该职业，"
        + "、".join(f"{b['until']}前不得再次申报（目录条目 {b['listing']}）" for b in live)
    )
    return Check("DIR-3", ok, msg, {"bans": live}, article("reapply_ban", programme), blocking=True)


def check_training_evaluation_conflict(*, kind: str, conflicts: list[dict], programme: str = "dte") -> Check:
    """EVL-9: an evaluation institution, its subsidiaries, branches and technical-support units may not
    train for the occupation it evaluates — and so not hold or seek both for the same occupation."""
    ok = not conflicts
    other = "培训" if kind == "evaluation" else "评价"
    msg = (
        f"本单位及关联单位未开展该职业的{other}"
        if ok
        else f"本单位或关联单位已是（或正申报）该职业的{other}机构："
        + "、".join(f"{c['org']} {c['ref']}" for c in conflicts)
    )
    return Check("EVL-9", ok, msg, {"conflicts": conflicts}, article("conflict", programme), blocking=True)


def check_levels(*, levels: list[str], allowed: list[str], programme: str = "dte") -> Check:
    bad = [lv for lv in levels if lv not in allowed]
    ok = bool(levels) and not bad
    msg = "申报等级：" + "、".join(levels) if ok else "等级须在 " + "、".join(allowed) + " 中勾选"
    return Check(
        "SEL-4", ok, msg, {"levels": levels, "allowed": allowed}, article("levels", programme), blocking=True
    )


# --- Chengdu (001 Art. 9-10) -----------------------------------------------------------------------------

_ART9 = [
    ("internal_unit", "具有专门负责评价工作的内设机构"),
    ("has_venue_equipment", "具备相匹配的场所、设施设备和工（量）具"),
    ("has_video_monitoring", "具备视频监控设备"),
    ("non_profit", "不以人才评价为营利目的"),
    ("quality_system", "具有完善的质量管理制度"),
    ("accepts_supervision", "自愿接受监督管理"),
]


def check_chengdu_basic(*, region_code: str, city_code: str, form: dict) -> Check:
    """SEL-11 (001 Art. 9): registered in the city, dedicated unit, venue, video, not-for-profit,
    quality system, supervision, no dishonesty record."""
    missing = [label for key, label in _ART9 if not form.get(key)]
    if not region_code.startswith(city_code[:4]):
        missing.insert(0, "在成都市行政区域内依法登记")
    if form.get("dishonest"):
        missing.append("无违法违规、失信等不良行为记录")
    ok = not missing
    msg = "符合第九条基本条件" if ok else "不符合第九条：" + "；".join(missing)
    return Check("SEL-11", ok, msg, {"missing": missing, "region": region_code}, "001 第九条")


def check_chengdu_type(*, institution_type: str, form: dict) -> Check:
    """SEL-11 (001 Art. 10): conditions by type — employer: SOE of the municipal list or large private
    enterprise, in principle manufacturing (GB/T 4754 section C), skilled workers a major part of the
    staff, an evaluation foundation; social organisation: training/evaluation in its registered scope
    and influence in the field."""
    missing: list[str] = []
    facts: dict = {"type": institution_type}
    if institution_type == "employer":
        if form.get("enterprise_category") not in ("市国资委名录国有企业", "大型民营企业"):
            missing.append("应为市国资委名录国有企业或大型民营企业")
        industry = str(form.get("industry_code") or "")
        facts["industry_code"] = industry
        if not industry.upper().startswith("C"):
            missing.append("原则上应属实体制造型企业（国民经济行业分类C门类）")
        staff, skilled = int(form.get("staff_count") or 0), int(form.get("skilled_workers") or 0)
        facts.update(staff_count=staff, skilled_workers=skilled)
        if skilled <= 0:
            missing.append("技能人员应为单位职工的重要组成部分（未填报技能人员数）")
        if not form.get("evaluation_foundation"):
            missing.append("未说明技能人员评价工作基础")
    elif institution_type == "social_organisation":
        scope = str(form.get("business_scope") or "")
        facts["business_scope"] = scope
        if not any(word in scope for word in ("培训", "评价", "考核", "鉴定", "考试", "教育")):
            missing.append("登记或批准的业务范围应含培训或评价")
        if not form.get("influence_text"):
            missing.append("未说明在该职业领域的影响力")
    else:
        missing.append("请选择评价机构类型：用人单位或社评组织")
    ok = not missing
    label = {"employer": "用人单位", "social_organisation": "社评组织"}.get(institution_type, "")
    msg = f"符合第十条{label}条件" if ok else "不符合第十条：" + "；".join(missing)
    return Check("SEL-11", ok, msg, {**facts, "missing": missing}, "001 第十条")


def _whole_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)

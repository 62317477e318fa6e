"""The standard's application conditions evaluated against the facts a registration states (EVL-8;
001 Art. 23 "严格对照相应国家职业技能标准…申报条件"; 003 §4(4) the training certificate for DTE). Pure:
plain values in, a `Check` out. A level's conditions are alternatives (具备以下条件之一者); one
alternative holds when every requirement it names holds.

Facts (all optional): education (a key of EDUCATION), related_major (bool), years_in_trade (number),
apprenticeship (bool), lower_level (a level name), lower_level_on (ISO date), title (a key of TITLES),
training_certificate (bool: a valid certificate of the occupation and level is linked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from peiyu.core.checks import Check

RULE = "EVL-8"
SOURCE = "001 第二十三条"
DTE_SOURCE = "003 四（四）"

# schooling, ranked (a requirement "education: 大专" is met by 大专 and above)
EDUCATION: dict[str, int] = {
    "初中及以下": 1,
    "高中": 2,
    "中专（中职）": 2,
    "技工学校": 2,
    "高级技工学校": 3,
    "技师学院": 3,
    "大专": 3,
    "本科": 4,
    "硕士研究生": 5,
    "博士研究生": 6,
}
# professional-technical titles, ranked (员级 = 技术员, 初级 = 助理级 …)
TITLES: dict[str, int] = {"员级": 1, "初级": 2, "中级": 3, "副高级": 4, "正高级": 5}
# levels by programme, ranked by seniority (catalogs/data/levels.yaml)
LEVELS: dict[str, dict[str, int]] = {
    "skill": {"五级": 1, "四级": 2, "三级": 3, "二级": 4, "一级": 5},
    "dte": {"初级": 1, "中级": 2, "高级": 3},
}
LEVEL_ALIASES = {"初级工": "五级", "中级工": "四级", "高级工": "三级", "技师": "二级", "高级技师": "一级"}
REQUIREMENT_KEYS = (
    "years_in_trade",
    "apprenticeship",
    "lower_level",
    "years_since_lower",
    "education",
    "education_in",
    "related_major",
    "title",
    "training_certificate",
)


@dataclass(frozen=True)
class Alternative:
    number: int
    text: str
    requirements: Mapping[str, Any]


@dataclass(frozen=True)
class AlternativeResult:
    number: int
    text: str
    ok: bool
    met: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "ok": self.ok, "met": self.met, "unmet": self.unmet}


def level_rank(programme: str, level: str) -> int:
    level = LEVEL_ALIASES.get(level, level)
    return LEVELS.get(programme, {}).get(level, 0)


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def full_years(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end` (满N年: the anniversary counts; 29 Feb → 1 Mar)."""
    years = end.year - start.year
    try:
        anniversary = start.replace(year=end.year)
    except ValueError:  # 29 February in a common year
        anniversary = dt.date(end.year, 3, 1)
    return years - (1 if end < anniversary else 0)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _requirement(
    key: str, wanted: Any, facts: Mapping[str, Any], *, programme: str, on: dt.date
) -> tuple[bool, str]:
    """(holds, Chinese text saying why) for one requirement."""
    if key == "years_in_trade":
        need, have = Decimal(str(wanted)), _number(facts.get("years_in_trade"))
        if have is None:
            return False, f"须累计从事本职业工作满{_fmt(need)}年，未填写工作年限"
        if have >= need:
            return True, f"累计从事本职业工作{_fmt(have)}年，满{_fmt(need)}年"
        return False, f"累计从事本职业工作{_fmt(have)}年，不满{_fmt(need)}年（尚差{_fmt(need - have)}年）"
    if key == "apprenticeship":
        ok = bool(facts.get("apprenticeship")) == bool(wanted)
        return ok, "本职业学徒期满" if ok else "未填写本职业学徒期满"
    if key == "lower_level":
        held = str(facts.get("lower_level") or "")
        need_rank, have_rank = level_rank(programme, str(wanted)), level_rank(programme, held)
        if not held:
            return False, f"须取得{wanted}证书，未填写已取得的等级"
        if have_rank >= need_rank > 0:
            return True, f"已取得{held}证书（须{wanted}及以上）"
        return False, f"已取得{held}证书，须取得{wanted}及以上证书"
    if key == "years_since_lower":
        years_needed = int(wanted)
        since = _date(facts.get("lower_level_on"))
        if since is None:
            return False, f"须取得证书后满{years_needed}年，未填写取证日期"
        if since > on:
            return False, "取证日期晚于今天，请核对"
        years = full_years(since, on)
        if years >= years_needed:
            return True, f"取得证书已{years}年，满{years_needed}年"
        return False, f"取得证书{years}年，不满{years_needed}年"
    if key == "education":
        have_edu = str(facts.get("education") or "")
        if not have_edu:
            return False, f"须具有{wanted}及以上学历，未填写学历"
        if EDUCATION.get(have_edu, 0) >= EDUCATION.get(str(wanted), 99):
            return True, f"学历{have_edu}（须{wanted}及以上）"
        return False, f"学历{have_edu}，须{wanted}及以上"
    if key == "education_in":
        have_edu = str(facts.get("education") or "")
        kinds = [str(k) for k in wanted]
        if have_edu in kinds:
            return True, f"学历{have_edu}"
        return False, f"须具有{'、'.join(kinds[:4])}{'等' if len(kinds) > 4 else ''}毕业证书" + (
            f"，所填学历为{have_edu}" if have_edu else "，未填写学历"
        )
    if key == "related_major":
        ok = bool(facts.get("related_major")) or not wanted
        return ok, "所学专业为本专业或相关专业" if ok else "所学专业须为本专业或相关专业"
    if key == "title":
        have_title = str(facts.get("title") or "")
        if TITLES.get(have_title, 0) >= TITLES.get(str(wanted), 99):
            return True, f"职称{have_title}（须{wanted}及以上）"
        return False, f"须取得{wanted}及以上职称" + (f"，所填为{have_title}" if have_title else "")
    if key == "training_certificate":
        ok = bool(facts.get("training_certificate")) or not wanted
        return ok, "持有本职业本等级有效的培训合格证书" if ok else "须持有本职业本等级有效的培训合格证书"
    return False, f"无法识别的条件要素“{key}”"


def evaluate(
    alternative: Alternative, facts: Mapping[str, Any], *, programme: str, on: dt.date
) -> AlternativeResult:
    met: list[str] = []
    unmet: list[str] = []
    for key, wanted in alternative.requirements.items():
        ok, text = _requirement(key, wanted, facts, programme=programme, on=on)
        (met if ok else unmet).append(text)
    ok = bool(alternative.requirements) and not unmet
    return AlternativeResult(alternative.number, alternative.text, ok, met, unmet)


def evaluate_all(
    alternatives: Iterable[Alternative], facts: Mapping[str, Any], *, programme: str, on: dt.date
) -> list[AlternativeResult]:
    return [evaluate(a, facts, programme=programme, on=on) for a in alternatives]


def conditions_check(
    alternatives: Iterable[Alternative],
    facts: Mapping[str, Any],
    *,
    programme: str,
    level: str,
    on: dt.date,
) -> Check:
    """EVL-8: which alternative of the level's conditions holds, or why none does."""
    results = evaluate_all(alternatives, facts, programme=programme, on=on)
    source = DTE_SOURCE if programme == "dte" else SOURCE
    data: dict[str, Any] = {
        "level": level,
        "alternatives": [r.as_dict() for r in results],
        "on": on.isoformat(),
    }
    if not results:
        return Check(RULE, False, f"{level}的申报条件尚未维护，无法审核", data, source)
    holding = [r for r in results if r.ok]
    if holding:
        first = holding[0]
        data["holds"] = first.number
        return Check(
            RULE, True, f"符合{level}申报条件第{first.number}条：{'；'.join(first.met)}", data, source
        )
    why = "；".join(f"第{r.number}条{('，'.join(r.unmet))}" for r in results)
    return Check(RULE, False, f"不符合{level}的任何一条申报条件：{why}", data, source)

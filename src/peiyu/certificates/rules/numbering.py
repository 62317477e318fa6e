"""Certificate numbers (CRT-4): every kind is numbered from a template of named fields ending in the
serial, so one allocator serves all of them (services/numbering.py takes serials per prefix).

- Skill certificates follow the published coding rule (22 characters, reference/occupations.md): Y
  (employer) or S (social organisation), the 4-digit institution code (0000 when filed with a province
  or city), the 2-digit province, the 6-digit institution/site serial set by the province, the 2-digit
  year, the level 1–5, a 6-digit serial — the chengdu-skill profile's `cert_number_template`.
- DTE level certificates: the national rule is not published; each profile sets `cert_number_template`
  and `cert_level_codes`.
- Training certificates keep the numbering they always had: "PX", year, the class's region, 6 digits.

Fields a template may name: type, institution_code, province, city, region, site_serial, yyyy, yy,
level_code; the serial last, as `{serial:0Nd}`."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peiyu.core.checks import Check

TRAINING_TEMPLATE = "PX{yyyy}{region}{serial:06d}"
SKILL_PATTERN = re.compile(r"^[YS]\d{4}\d{2}\d{6}\d{2}[1-5]\d{6}$")
FIELDS = frozenset(
    {"type", "institution_code", "province", "city", "region", "site_serial", "yyyy", "yy", "level_code"}
)
_SERIAL = re.compile(r"\{serial:0(\d+)d\}$")
# what each field is, in the words of the coding rule (reference/occupations.md); a field added to FIELDS
# gets its words here (tests check that every field has them)
FIELD_LABELS = {
    "type": gettext_noop("类别码（Y 用人单位、S 社会组织）"),
    "institution_code": gettext_noop("机构代码（4位）"),
    "province": gettext_noop("省份代码（2位）"),
    "city": gettext_noop("城市代码（6位）"),
    "region": gettext_noop("地区代码（6位）"),
    "site_serial": gettext_noop("机构（考点）序号（6位）"),
    "yyyy": gettext_noop("年份（4位）"),
    "yy": gettext_noop("年份（2位）"),
    "level_code": gettext_noop("等级代码"),
}


@dataclass(frozen=True)
class NumberPlan:
    """What numbering needs to allocate: the prefix (all but the serial) and the serial's width."""

    prefix: str
    width: int

    def number(self, serial: int) -> str:
        return f"{self.prefix}{serial:0{self.width}d}"

    @property
    def capacity(self) -> int:
        return int(10**self.width) - 1


class TemplateError(ValueError):
    pass


def plan_for(template: str, fields: Mapping[str, str]) -> NumberPlan:
    """The prefix and serial width of `template` filled with `fields`; TemplateError names what is wrong
    (an unknown or missing field, no serial at the end) so a profile editor sees it."""
    match = _SERIAL.search(template)
    if not match:
        raise TemplateError("证书编号格式须以 {serial:0Nd}（N 位序号）结尾")
    head = template[: match.start()]
    names = {name for _text, name, _spec, _conv in string.Formatter().parse(head) if name}
    unknown = names - FIELDS
    if unknown:
        raise TemplateError(f"证书编号格式含未知字段：{', '.join(sorted(unknown))}")
    missing = sorted(n for n in names if not fields.get(n))
    if missing:
        raise TemplateError(f"缺少编号所需信息：{', '.join(missing)}")
    return NumberPlan(head.format(**{n: fields[n] for n in names}), int(match.group(1)))


def describe(template: str) -> str:
    """A number template in words, its parts joined by "+": `D{province}{yyyy}{level_code}{serial:08d}`
    is "D + 省份代码（2位） + 年份（4位） + 等级代码 + 序号（8位）" (the public policy page shows this, never
    the template itself). A field outside FIELDS is shown by its name; a serial by its width."""
    parts: list[str] = []
    for text, name, spec, _conversion in string.Formatter().parse(template):
        if text:
            parts.append(text)
        if name == "serial":
            width = re.fullmatch(r"0?(\d+)d", spec or "")
            parts.append(_("序号（%(n)s位）") % {"n": width.group(1)} if width else _("序号"))
        elif name:
            parts.append(_(FIELD_LABELS[name]) if name in FIELD_LABELS else name)
    return " + ".join(parts)


def level_code(levels: list[str], codes: list[str], level: str) -> str:
    """The level's code in a number: `cert_level_codes` correspond one to one to the profile's `levels`."""
    if len(levels) != len(codes):
        raise TemplateError("证书编号的等级代码与等级数量不一致")
    if level not in levels:
        raise TemplateError(f"等级“{level}”不在本项目的等级中")
    return codes[levels.index(level)]


def filing_fields(filing_code: str) -> dict[str, str]:
    """The skill-number fields carried by a Chengdu-style unified filing code ({type}{city}{serial:06d},
    chengdu-skill `filing_code_template`): the type letter, the province and the 6-digit institution
    serial (positions 8–13 of the certificate number); the institution code is 0000 (filed locally)."""
    code = filing_code.strip().upper()
    if not re.fullmatch(r"[YS]\d{6}\d{6}", code):
        raise TemplateError(f"备案统一编码“{filing_code}”不符合“类型+市级代码+6位序号”的格式")
    return {"type": code[0], "province": code[1:3], "site_serial": code[-6:], "institution_code": "0000"}


def check_skill_number(number: str) -> Check:
    ok = bool(SKILL_PATTERN.fullmatch(number))
    return Check(
        "CRT-4",
        ok,
        "职业技能等级证书编号符合22位编码规则"
        if ok
        else f"证书编号“{number}”不符合职业技能等级证书22位编码规则",
        {"number": number},
        "001 第十七条（五）",
    )

"""The building blocks of the application forms (SEL-12): a field (key, Chinese label, type, limits),
a section, a form spec, and the sections the forms share (the applying unit, premises, commitment,
recommender). The forms themselves are in form_dte and form_chengdu, their registry in forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peiyu.core.cleaning import NAME_MAX

COMMITMENT_TEXT = (
    "本单位提交的所有材料均真实、准确、可靠，如有失信或弄虚作假，其责任由本单位自负并愿接受相关处理。"
)

UNIT_TYPES = ["行业协会等社团组织", "事业单位", "企业", "集体企业", "民营企业", "民办非企业单位"]
CERTIFICATE_CATEGORIES = [
    "行业证书",
    "企业证书",
    "在已取消的职业资格证书基础上升级改造的新型证书",
    "其他类型证书",
]
TEACHER_NATURES = ["专职师资", "兼职师资"]
CERTIFICATE_NATURES = ["自有证书", "其它机构证书"]
ENTERPRISE_CATEGORIES = ["市国资委名录国有企业", "大型民营企业", "其他"]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str  # text, textarea, name, int, decimal, date, bool, choice, uscc, uscc_list, id_number, phone, email, levels, levels_map, table
    required: bool = True
    max_length: int = 0  # characters, for text/textarea ("800字以内")
    choices: tuple[str, ...] = ()
    columns: tuple[Field, ...] = ()
    rows: int = 0  # for tables: the number of rows the attachment prints (minimum rows required = min_rows)
    min_rows: int = 0
    help: str = ""
    personal: bool = False  # encrypted at rest, masked on screen and in exports
    known_from: str = ""  # the organisation record's attribute a new form starts with (name, uscc, …)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FormSpec:
    key: str
    title: str
    source: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()

    def fields(self) -> list[Field]:
        return [f for s in self.sections for f in s.fields]

    def field(self, key: str) -> Field:
        for f in self.fields():
            if f.key == key:
                return f
        raise KeyError(key)


def spec_field(key: str, label: str, type_: str = "text", **kw: Any) -> Field:
    if type_ == "name":
        kw.setdefault("max_length", NAME_MAX)
    if "choices" in kw:
        kw["choices"] = tuple(kw["choices"])
    if "columns" in kw:
        kw["columns"] = tuple(kw["columns"])
    return Field(key, label, type_, **kw)


def person_fields(prefix: str, title: str) -> tuple[Field, ...]:
    return (
        spec_field(f"{prefix}_name", f"{title}姓名", "name"),
        spec_field(f"{prefix}_position", f"{title}职务", max_length=64),
        spec_field(f"{prefix}_phone", f"{title}电话", "phone"),
        spec_field(f"{prefix}_email", f"{title}邮箱", "email"),
    )


# Not printed on the attachments: declared so EVL-9 can look across the institution's related units.
RELATED = spec_field(
    "related_usccs",
    "下属单位、分支机构及技术支持单位的统一社会信用代码（用于评价与培训回避自查，可不填）",
    "uscc_list",
    required=False,
)

UNIT = Section(
    "unit",
    "申报单位基本情况",
    (
        spec_field("unit_name", "单位名称", max_length=200, known_from="name"),
        spec_field("uscc", "统一社会信用代码", "uscc", known_from="uscc"),
        spec_field("legal_rep_name", "法定代表人姓名", "name"),
        spec_field("legal_rep_id_number", "法定代表人身份证号", "id_number", personal=True),
        spec_field("address", "单位地址", max_length=200),
        spec_field("unit_type", "单位类型", "choice", choices=UNIT_TYPES, help="注1"),
        spec_field(
            "industry_code",
            "所属行业（GB/T 4754—2017）",
            max_length=8,
            help="注2",
            known_from="industry_code",
        ),
        spec_field("registered_capital", "注册资金（万元）", "decimal"),
        spec_field("staff_count", "正式员工数", "int"),
        spec_field("founded_on", "单位成立时间", "date"),
        spec_field(
            "tax_records",
            "近三年纳税情况",
            "table",
            rows=3,
            min_rows=3,
            columns=[
                spec_field("year", "年份", "int"),
                spec_field("amount", "税额（万元）", "decimal"),
                spec_field("dishonest", "是否有失信行为（从信用中国平台查询后填）", "bool"),
            ],
        ),
        spec_field("ce_base_national", "国家级专业技术人员继续教育基地", "bool"),
        spec_field("ce_base_industry", "行业专业技术人员继续教育基地", "bool"),
        spec_field("ce_base_provincial", "省级专业技术人员继续教育基地", "bool"),
        spec_field("standard_developer", "申报职业的国家职业标准开发单位", "bool"),
        *person_fields("lead", "申报负责人"),
        *person_fields("contact", "申报联系人"),
        spec_field(
            "profile_text", "单位基本情况（基本情况、行业地位、单位优势）", "textarea", max_length=800
        ),
        RELATED,
    ),
)

PREMISES = spec_field(
    "premises",
    "自有场地及设施设备情况",
    "table",
    rows=2,
    min_rows=1,
    columns=[
        spec_field("address", "场地地址", max_length=200),
        spec_field("area", "场地面积（平方米）", "decimal"),
        spec_field("capacity", "容纳人数", "int"),
        spec_field("equipment_sets", "设施设备台套", "int"),
        spec_field("equipment_value", "设施设备总值（万元）", "decimal"),
    ],
)

COMMITMENT = Section(
    "commitment",
    "承诺",
    (
        spec_field(
            "commitment_signatory",
            "法定代表人（或委托代理人）",
            "name",
            help="本单位提交的所有材料均真实、准确、可靠，如有失信或弄虚作假，其责任由本单位自负并愿接受相关处理。",
        ),
    ),
)

RECOMMENDER = Section(
    "recommender",
    "推荐单位意见（由推荐单位填写）",
    (
        spec_field(
            "recommendation_reason",
            "推荐理由（包括申报材料审核意见，申报单位在本地区、本行业专业技术人员继续教育体系中的地位作用等）",
            "textarea",
            required=False,
            max_length=2000,
        ),
        spec_field("recommender_contact", "推荐单位联系人", "name", required=False),
        spec_field("recommender_phone", "联系电话", "phone", required=False),
    ),
)

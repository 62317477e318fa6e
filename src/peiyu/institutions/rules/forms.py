"""The application forms, field by field (SEL-12): Liaoning attachment 1 (training institution
recommendation form) and attachment 2 (evaluation institution), and the Chengdu Art. 11 filing
materials. One spec drives validation, the web form, the PDF laid out like the attachment and the xlsx.

A spec is a list of sections; each field has a key, a Chinese label, a type and limits. Table fields
carry their columns. `validate_form` is pure: it returns the cleaned form or raises InvalidInput with
a Chinese message per field, so nothing is saved half-right."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import validate_id_number, validate_uscc

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
    type: str  # text, textarea, int, decimal, date, bool, choice, uscc, uscc_list, id_number, phone, email, levels, levels_map, table
    required: bool = True
    max_length: int = 0  # characters, for text/textarea ("800字以内")
    choices: tuple[str, ...] = ()
    columns: tuple[Field, ...] = ()
    rows: int = 0  # for tables: the number of rows the attachment prints (minimum rows required = min_rows)
    min_rows: int = 0
    help: str = ""
    personal: bool = False  # encrypted at rest, masked on screen and in exports


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


def _f(key, label, type_="text", **kw) -> Field:
    if "choices" in kw:
        kw["choices"] = tuple(kw["choices"])
    if "columns" in kw:
        kw["columns"] = tuple(kw["columns"])
    return Field(key, label, type_, **kw)


def _person(prefix: str, title: str) -> tuple[Field, ...]:
    return (
        _f(f"{prefix}_name", f"{title}姓名", max_length=32),
        _f(f"{prefix}_position", f"{title}职务", max_length=64),
        _f(f"{prefix}_phone", f"{title}电话", "phone"),
        _f(f"{prefix}_email", f"{title}邮箱", "email"),
    )


# Not printed on the attachments: declared so EVL-9 can look across the institution's related units.
_RELATED = _f(
    "related_usccs",
    "下属单位、分支机构及技术支持单位的统一社会信用代码（用于评价与培训回避自查，可不填）",
    "uscc_list",
    required=False,
)

_UNIT = Section(
    "unit",
    "申报单位基本情况",
    (
        _f("unit_name", "单位名称", max_length=200),
        _f("uscc", "统一社会信用代码", "uscc"),
        _f("legal_rep_name", "法定代表人姓名", max_length=32),
        _f("legal_rep_id_number", "法定代表人身份证号", "id_number", personal=True),
        _f("address", "单位地址", max_length=200),
        _f("unit_type", "单位类型", "choice", choices=UNIT_TYPES, help="注1"),
        _f("industry_code", "所属行业（GB/T 4754—2017）", max_length=8, help="注2"),
        _f("registered_capital", "注册资金（万元）", "decimal"),
        _f("staff_count", "正式员工数", "int"),
        _f("founded_on", "单位成立时间", "date"),
        _f(
            "tax_records",
            "近三年纳税情况",
            "table",
            rows=3,
            min_rows=3,
            columns=[
                _f("year", "年份", "int"),
                _f("amount", "税额（万元）", "decimal"),
                _f("dishonest", "是否有失信行为（从信用中国平台查询后填）", "bool"),
            ],
        ),
        _f("ce_base_national", "国家级专业技术人员继续教育基地", "bool"),
        _f("ce_base_industry", "行业专业技术人员继续教育基地", "bool"),
        _f("ce_base_provincial", "省级专业技术人员继续教育基地", "bool"),
        _f("standard_developer", "申报职业的国家职业标准开发单位", "bool"),
        *_person("lead", "申报负责人"),
        *_person("contact", "申报联系人"),
        _f("profile_text", "单位基本情况（基本情况、行业地位、单位优势）", "textarea", max_length=800),
        _RELATED,
    ),
)

_PREMISES = _f(
    "premises",
    "自有场地及设施设备情况",
    "table",
    rows=2,
    min_rows=1,
    columns=[
        _f("address", "场地地址", max_length=200),
        _f("area", "场地面积（平方米）", "decimal"),
        _f("capacity", "容纳人数", "int"),
        _f("equipment_sets", "设施设备台套", "int"),
        _f("equipment_value", "设施设备总值（万元）", "decimal"),
    ],
)

_COMMITMENT = Section(
    "commitment",
    "承诺",
    (
        _f(
            "commitment_signatory",
            "法定代表人（或委托代理人）",
            max_length=32,
            help="本单位提交的所有材料均真实、准确、可靠，如有失信或弄虚作假，其责任由本单位自负并愿接受相关处理。",
        ),
    ),
)

_RECOMMENDER = Section(
    "recommender",
    "推荐单位意见（由推荐单位填写）",
    (
        _f(
            "recommendation_reason",
            "推荐理由（包括申报材料审核意见，申报单位在本地区、本行业专业技术人员继续教育体系中的地位作用等）",
            "textarea",
            required=False,
            max_length=2000,
        ),
        _f("recommender_contact", "推荐单位联系人", required=False, max_length=32),
        _f("recommender_phone", "联系电话", "phone", required=False),
    ),
)

COMMITMENT_TEXT = (
    "本单位提交的所有材料均真实、准确、可靠，如有失信或弄虚作假，其责任由本单位自负并愿接受相关处理。"
)

DTE_TRAINING = FormSpec(
    "dte_training",
    "数字技术工程师培育项目培训机构推荐表",
    "004 附件1",
    (
        Section(
            "scope",
            "申报职业与等级",
            (
                _f("occupation", "拟申报开展培训的职业（仅填一项）", max_length=100),
                _f("levels", "拟申报开展培训的专业技术等级", "levels"),
            ),
        ),
        _UNIT,
        Section(
            "basis",
            "已有基础",
            (
                _f(
                    "volume_5y",
                    "近5年培训规模（人次）",
                    "table",
                    rows=5,
                    min_rows=1,
                    columns=[
                        _f("year", "年度", "int"),
                        _f("trained", "培训人数", "int"),
                        _f("independent", "独立培训人数", "int"),
                        _f("cooperative", "合作培训人数", "int"),
                    ],
                ),
                _PREMISES,
                _f(
                    "platform_text",
                    "信息化平台建设情况（是否有信息化平台支撑线上培训、基本情况、网址）",
                    "textarea",
                    max_length=300,
                ),
                _f("teachers_total", "师资团队总人数", "int"),
                _f("teachers_fulltime", "专职师资队伍人数", "int"),
                _f("teachers_parttime", "兼职师资队伍人数", "int"),
                _f(
                    "teachers",
                    "培训教师",
                    "table",
                    rows=3,
                    min_rows=1,
                    columns=[
                        _f("name", "培训教师姓名", max_length=32),
                        _f("employer", "工作单位", max_length=200, help="注4"),
                        _f("title", "专业技术职务/职称", max_length=64),
                        _f("speciality", "专业", max_length=64),
                        _f("nature", "人员性质", "choice", choices=TEACHER_NATURES, help="注3"),
                        _f("phone", "联系电话", "phone"),
                    ],
                ),
                _f("history_text", "已有培训情况简述", "textarea", max_length=500),
                _f("team_text", "师资团队建设机制简述", "textarea", max_length=500),
            ),
        ),
        Section(
            "plan",
            "下一步工作方案",
            (
                _f("plan_volume", "年度计划培训人数（人次）", "levels_map"),
                _f("plan_fee", "培训费用（元/学时）", "levels_map"),
                _f("plan_text", "下步培训工作规划", "textarea", max_length=800),
            ),
        ),
        _COMMITMENT,
        _RECOMMENDER,
    ),
    (
        "1.单位类型：行业协会等社团组织、事业单位、企业、集体企业、民营企业、民办非企业单位；",
        "2.所属行业：请参考《2017年国民经济行业分类》（GB/T 4754—2017）；",
        "3.人员性质：专职师资、兼职师资；",
        "4.工作单位：填写单位全称，建议填写至单位所在部门或二级单位；",
        "5.申请开展多个职业的培训或评价工作，请按职业分别填报申请；",
        "6.本表可另附页。",
    ),
)

DTE_EVALUATION = FormSpec(
    "dte_evaluation",
    "数字技术工程师培育项目评价机构推荐表",
    "004 附件2",
    (
        Section(
            "scope",
            "申报职业与等级",
            (
                _f("occupation", "拟申报开展评价的职业（仅填一项）", max_length=100),
                _f("levels", "拟申报开展评价的专业技术等级", "levels"),
            ),
        ),
        _UNIT,
        Section(
            "basis",
            "已有基础",
            (
                _f("evaluates", "是否开展评价", "bool"),
                _f("issues_certificates", "是否颁发证书", "bool"),
                _f(
                    "evaluation_5y",
                    "近5年开展考核评价规模（人次）",
                    "table",
                    rows=5,
                    min_rows=0,
                    columns=[
                        _f("year", "年度", "int"),
                        _f("certificate_name", "证书名称", max_length=100),
                        _f(
                            "certificate_nature",
                            "证书性质（自有证书或其它机构证书）",
                            "choice",
                            choices=CERTIFICATE_NATURES,
                        ),
                        _f("issued", "颁证数量", "int"),
                    ],
                ),
                _f("certificate_category", "证书类别", "choice", choices=CERTIFICATE_CATEGORIES, help="注3"),
                _PREMISES,
                _f(
                    "platform_text",
                    "信息化平台建设情况（是否有信息化平台支撑考核评价、基本情况、网址）",
                    "textarea",
                    max_length=300,
                ),
                _f("examiners_total", "考评团队总人数", "int"),
                _f("examiners_count", "考评员队伍人数", "int"),
                _f("supervisors_count", "督导员队伍人数", "int"),
                _f(
                    "item_writers",
                    "命题专家",
                    "table",
                    rows=3,
                    min_rows=1,
                    columns=[
                        _f("name", "命题专家姓名", max_length=32),
                        _f("employer", "工作单位", max_length=200, help="注4"),
                        _f("title", "专业技术职务/职称", max_length=64),
                        _f("phone", "联系电话", "phone"),
                    ],
                ),
                _f("history_text", "已开展考核评价情况简述", "textarea", max_length=500),
                _f("team_text", "考评团队建设机制", "textarea", max_length=500),
            ),
        ),
        Section(
            "plan",
            "下一步工作方案",
            (
                _f("plan_volume", "年度计划考核人数（人次）", "levels_map"),
                _f("plan_fee", "考核费用（元/次）", "levels_map"),
                _f("plan_text", "下步考核评价工作规划", "textarea", max_length=800),
            ),
        ),
        _COMMITMENT,
        _RECOMMENDER,
    ),
    (
        "1.单位类型：行业协会等社团组织、事业单位、企业、集体企业、民营企业、民办非企业单位；",
        "2.所属行业：请参考《2017年国民经济行业分类》（GB/T 4754—2017）；",
        "3.证书类别：行业证书、企业证书、在已取消的职业资格证书基础上升级改造的新型证书、其他类型证书；",
        "4.工作单位：填写单位全称，建议填写至单位所在部门或二级单位；",
        "5.申请开展多个职业的培训或评价工作，请按职业分别填报申请；",
        "6.本表可另附页。",
    ),
)

CHENGDU_EVALUATION = FormSpec(
    "chengdu_evaluation",
    "成都市职业技能等级评价机构备案申请表",
    "001 第九条至第十一条",
    (
        Section(
            "scope",
            "申请评价职业（工种）与等级",
            (
                _f("occupation", "申请评价的职业（工种）", max_length=100),
                _f("levels", "申请评价的等级", "levels"),
                _f("standard_used", "采用的职业标准或评价规范", max_length=200),
            ),
        ),
        Section(
            "unit",
            "申请单位基本情况",
            (
                _f("unit_name", "单位名称", max_length=200),
                _f("uscc", "统一社会信用代码", "uscc"),
                _f("legal_rep_name", "法定代表人姓名", max_length=32),
                _f("legal_rep_id_number", "法定代表人身份证号", "id_number", personal=True),
                _f("address", "单位地址", max_length=200),
                _f("industry_code", "所属行业（GB/T 4754—2017）", max_length=8),
                _f("staff_count", "职工人数", "int"),
                _f("founded_on", "单位成立时间", "date"),
                *_person("contact", "联系人"),
                _f("profile_text", "单位基本情况", "textarea", max_length=800),
                _RELATED,
            ),
        ),
        Section(
            "conditions",
            "基本条件（第九条）",
            (
                _f("internal_unit", "专门负责评价工作的内设机构名称", max_length=100),
                _f("fulltime_staff", "专职工作人员数", "int"),
                _f("expert_team", "专家团队人数", "int"),
                _f("has_venue_equipment", "具备与评价职业（工种）相匹配的场所、设施设备、工（量）具", "bool"),
                _f("has_video_monitoring", "具备视频监控设备", "bool"),
                _f("non_profit", "坚持社会效益首位，不以人才评价为营利目的，能提供稳定经费保障", "bool"),
                _f("quality_system", "具有完善的职业技能等级认定工作质量管理制度", "bool"),
                _f("accepts_supervision", "自愿接受各级人社部门的监督管理", "bool"),
                _f("dishonest", "有违法违规、失信等不良行为记录", "bool"),
            ),
        ),
        Section(
            "type",
            "类型条件（第十条）",
            (
                _f(
                    "enterprise_category",
                    "用人单位：企业类别",
                    "choice",
                    required=False,
                    choices=ENTERPRISE_CATEGORIES,
                ),
                _f("skilled_workers", "用人单位：技能人员数", "int", required=False),
                _f(
                    "evaluation_foundation",
                    "用人单位：技能人员评价工作基础",
                    "textarea",
                    required=False,
                    max_length=500,
                ),
                _f(
                    "talent_mechanism",
                    "用人单位：培训与使用相结合、评价与激励相联系的机制",
                    "textarea",
                    required=False,
                    max_length=500,
                ),
                _f(
                    "business_scope",
                    "社评组织：登记或批准的业务范围",
                    "textarea",
                    required=False,
                    max_length=500,
                ),
                _f(
                    "influence_text",
                    "社评组织：产业代表性、评价专业性、行业权威性",
                    "textarea",
                    required=False,
                    max_length=800,
                ),
            ),
        ),
        Section(
            "plans",
            "体系建设与实施方案（第十一条）",
            (
                _f(
                    "system_plan_text",
                    "等级认定体系建设方案摘要（题库、场地、设备设施、队伍、各项制度）",
                    "textarea",
                    max_length=1500,
                ),
                _f(
                    "implementation_plan_text",
                    "等级认定工作实施方案摘要（考核流程、工作制度、人员守则、质量管控）",
                    "textarea",
                    max_length=1500,
                ),
                _f("experience_text", "培训考核评价相关经验", "textarea", max_length=800),
            ),
        ),
        Section(
            "commitment",
            "诚信承诺",
            (_f("commitment_signatory", "法定代表人（或委托代理人）", max_length=32, help=COMMITMENT_TEXT),),
        ),
    ),
    (),
)

FORMS = {s.key: s for s in (DTE_TRAINING, DTE_EVALUATION, CHENGDU_EVALUATION)}

# Materials each form requires as uploads (SEL-12; 004 三; 001 第十一条).
REQUIRED_ATTACHMENTS = {
    "dte_training": ["legal_person_certificate", "credit_report"],
    "dte_evaluation": ["legal_person_certificate", "credit_report"],
    "chengdu_evaluation": [
        "legal_person_certificate",
        "licence",
        "financial",
        "system_plan",
        "implementation_plan",
        "credit_report",
        "experience",
    ],
}


def form_key_for(programme: str, kind: str) -> str:
    return "chengdu_evaluation" if programme == "skill" else f"dte_{kind}"


# --- validation ---------------------------------------------------------------------------------------


def _scalar(f: Field, value: Any, levels: list[str]) -> tuple[Any, str]:
    """(clean value, error message or '')."""
    if f.type in ("text", "textarea", "choice", "phone", "email", "uscc", "id_number"):
        text = str(value).strip()
        if f.max_length and len(text) > f.max_length:
            return text, f"不超过{f.max_length}字（现{len(text)}字）"
        if f.type == "choice" and text not in f.choices:
            return text, "请从以下选项中选择：" + "、".join(f.choices)
        if f.type == "phone" and not _is_phone(text):
            return text, "电话号码格式不正确"
        if f.type == "email" and ("@" not in text or "." not in text.split("@")[-1] or " " in text):
            return text, "邮箱格式不正确"
        if f.type == "uscc":
            try:
                return validate_uscc(text), ""
            except InvalidInput as exc:
                return text, exc.message
        if f.type == "id_number":
            try:
                return validate_id_number(text), ""
            except InvalidInput as exc:
                return text, exc.message
        return text, ""
    if f.type == "uscc_list":
        items = value if isinstance(value, list) else str(value).replace("，", ",").split(",")
        out, bad = [], []
        for item in (str(v).strip() for v in items):
            if not item:
                continue
            try:
                out.append(validate_uscc(item))
            except InvalidInput:
                bad.append(item)
        return out, ("以下信用代码无效：" + "、".join(bad)) if bad else ""
    if f.type == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            return value, "请填写整数"
        return (number, "") if number >= 0 else (number, "不能为负数")
    if f.type == "decimal":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return value, "请填写数字"
        if not number.is_finite() or number < 0:
            return value, "请填写非负数字"
        return str(number), ""
    if f.type == "date":
        if isinstance(value, dt.date):
            return value.isoformat(), ""
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat(), ""
        except ValueError:
            return value, "日期格式应为 YYYY-MM-DD"
    if f.type == "bool":
        if isinstance(value, bool):
            return value, ""
        text = str(value).strip().lower()
        if text in ("是", "true", "1", "yes", "on"):
            return True, ""
        if text in ("否", "false", "0", "no", "off"):
            return False, ""
        return value, "请选择是或否"
    if f.type == "levels":
        chosen = value if isinstance(value, list) else [value]
        bad = [str(v) for v in chosen if v not in levels]
        if bad or not chosen:
            return chosen, "请勾选等级：" + "、".join(levels)
        return [lv for lv in levels if lv in chosen], ""
    if f.type == "levels_map":
        if not isinstance(value, dict):
            return value, "请按等级填写"
        out, errors = {}, []
        for lv, v in value.items():
            if lv not in levels:
                errors.append(f"等级“{lv}”无效")
                continue
            try:
                n = Decimal(str(v))
            except InvalidOperation:
                errors.append(f"{lv}：请填写数字")
                continue
            if n < 0:
                errors.append(f"{lv}：不能为负数")
            out[lv] = int(n) if n == int(n) else str(n)
        return out, "；".join(errors)
    raise ValueError(f.type)


def _is_phone(text: str) -> bool:
    digits = text.replace("-", "").replace(" ", "")
    return digits.isascii() and digits.isdigit() and 7 <= len(digits) <= 12


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def validate_form(
    key: str, data: dict[str, Any], *, levels: list[str], partial: bool = False
) -> dict[str, Any]:
    """Clean `data` against form `key`. `partial` (a draft) skips the required checks but still refuses
    malformed values. Raises InvalidInput with one Chinese message per field (tables: `key.row.col`)."""
    spec = FORMS[key]
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    known = {f.key for f in spec.fields()}
    for extra in sorted(set(data) - known):
        errors[extra] = ["表中没有此栏目"]
    for f in spec.fields():
        value = data.get(f.key)
        if _empty(value):
            if f.required and not partial and f.type != "bool":
                errors[f.key] = ["请填写" + f.label]
            if f.type == "bool" and f.required and not partial and value is None:
                errors[f.key] = ["请选择是或否：" + f.label]
            continue
        if f.type == "table":
            rows, row_errors = _table(f, value, levels, partial)
            errors.update(row_errors)
            clean[f.key] = rows
            continue
        cleaned, message = _scalar(f, value, levels)
        if message:
            errors[f.key] = [f"{f.label}：{message}"]
        clean[f.key] = cleaned
    if not partial and not errors:
        for f in spec.fields():
            if f.type == "table" and len(clean.get(f.key, [])) < f.min_rows:
                errors[f.key] = [f"{f.label}：至少填写{f.min_rows}行"]
    if errors:
        raise InvalidInput("推荐表填写有误，请按提示修改", code="form_invalid", fields=errors)
    return clean


def _table(f: Field, value: Any, levels: list[str], partial: bool) -> tuple[list[dict], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(value, list):
        return [], {f.key: [f"{f.label}：应为表格行"]}
    rows = []
    for i, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            errors[f"{f.key}.{i}"] = [f"{f.label}第{i}行：格式不正确"]
            continue
        if all(_empty(raw.get(c.key)) for c in f.columns):
            continue  # a blank printed row
        row = {}
        for c in f.columns:
            v = raw.get(c.key)
            if _empty(v):
                if not partial and c.type != "bool":
                    errors[f"{f.key}.{i}.{c.key}"] = [f"{f.label}第{i}行：请填写{c.label}"]
                if c.type == "bool" and not partial and v is None:
                    errors[f"{f.key}.{i}.{c.key}"] = [f"{f.label}第{i}行：请选择{c.label}"]
                continue
            cleaned, message = _scalar(c, v, levels)
            if message:
                errors[f"{f.key}.{i}.{c.key}"] = [f"{f.label}第{i}行 {c.label}：{message}"]
            row[c.key] = cleaned
        rows.append(row)
    return rows, errors


def volume_by_year(key: str, form: dict[str, Any]) -> dict[int, int]:
    """Person-times a year the institution declared (SEL-2): trained (attachment 1) or certificates
    issued (attachment 2), summed per year."""
    table, col = ("volume_5y", "trained") if key == "dte_training" else ("evaluation_5y", "issued")
    out: dict[int, int] = {}
    for row in form.get(table) or []:
        try:
            out[int(row["year"])] = out.get(int(row["year"]), 0) + int(row.get(col) or 0)
        except (KeyError, TypeError, ValueError):
            continue
    return out

"""The Chengdu filing form of a skill-level evaluation institution (001 Art. 9 to 11)."""

from __future__ import annotations

from .form_spec import (
    COMMITMENT_TEXT,
    ENTERPRISE_CATEGORIES,
    RELATED,
    FormSpec,
    Section,
    person_fields,
    spec_field,
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
                spec_field("occupation", "申请评价的职业（工种）", max_length=100),
                spec_field("levels", "申请评价的等级", "levels"),
                spec_field("standard_used", "采用的职业标准或评价规范", max_length=200),
            ),
        ),
        Section(
            "unit",
            "申请单位基本情况",
            (
                spec_field("unit_name", "单位名称", max_length=200, known_from="name"),
                spec_field("uscc", "统一社会信用代码", "uscc", known_from="uscc"),
                spec_field("legal_rep_name", "法定代表人姓名", "name"),
                spec_field("legal_rep_id_number", "法定代表人身份证号", "id_number", personal=True),
                spec_field("address", "单位地址", max_length=200),
                spec_field(
                    "industry_code", "所属行业（GB/T 4754—2017）", max_length=8, known_from="industry_code"
                ),
                spec_field("staff_count", "职工人数", "int"),
                spec_field("founded_on", "单位成立时间", "date"),
                *person_fields("contact", "联系人"),
                spec_field("profile_text", "单位基本情况", "textarea", max_length=800),
                RELATED,
            ),
        ),
        Section(
            "conditions",
            "基本条件（第九条）",
            (
                spec_field("internal_unit", "专门负责评价工作的内设机构名称", max_length=100),
                spec_field("fulltime_staff", "专职工作人员数", "int"),
                spec_field("expert_team", "专家团队人数", "int"),
                spec_field(
                    "has_venue_equipment", "具备与评价职业（工种）相匹配的场所、设施设备、工（量）具", "bool"
                ),
                spec_field("has_video_monitoring", "具备视频监控设备", "bool"),
                spec_field(
                    "non_profit", "坚持社会效益首位，不以人才评价为营利目的，能提供稳定经费保障", "bool"
                ),
                spec_field("quality_system", "具有完善的职业技能等级认定工作质量管理制度", "bool"),
                spec_field("accepts_supervision", "自愿接受各级人社部门的监督管理", "bool"),
                spec_field("dishonest", "有违法违规、失信等不良行为记录", "bool"),
            ),
        ),
        Section(
            "type",
            "类型条件（第十条）",
            (
                spec_field(
                    "enterprise_category",
                    "用人单位：企业类别",
                    "choice",
                    required=False,
                    choices=ENTERPRISE_CATEGORIES,
                ),
                spec_field("skilled_workers", "用人单位：技能人员数", "int", required=False),
                spec_field(
                    "evaluation_foundation",
                    "用人单位：技能人员评价工作基础",
                    "textarea",
                    required=False,
                    max_length=500,
                ),
                spec_field(
                    "talent_mechanism",
                    "用人单位：培训与使用相结合、评价与激励相联系的机制",
                    "textarea",
                    required=False,
                    max_length=500,
                ),
                spec_field(
                    "business_scope",
                    "社评组织：登记或批准的业务范围",
                    "textarea",
                    required=False,
                    max_length=500,
                ),
                spec_field(
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
                spec_field(
                    "system_plan_text",
                    "等级认定体系建设方案摘要（题库、场地、设备设施、队伍、各项制度）",
                    "textarea",
                    max_length=1500,
                ),
                spec_field(
                    "implementation_plan_text",
                    "等级认定工作实施方案摘要（考核流程、工作制度、人员守则、质量管控）",
                    "textarea",
                    max_length=1500,
                ),
                spec_field("experience_text", "培训考核评价相关经验", "textarea", max_length=800),
            ),
        ),
        Section(
            "commitment",
            "诚信承诺",
            (spec_field("commitment_signatory", "法定代表人（或委托代理人）", "name", help=COMMITMENT_TEXT),),
        ),
    ),
    (),
)

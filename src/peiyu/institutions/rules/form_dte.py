"""The Liaoning DTE recommendation forms (004 attachments 1 and 2): training institution and evaluation
institution."""

from __future__ import annotations

from .form_spec import (
    CERTIFICATE_CATEGORIES,
    CERTIFICATE_NATURES,
    COMMITMENT,
    PREMISES,
    RECOMMENDER,
    TEACHER_NATURES,
    UNIT,
    FormSpec,
    Section,
    spec_field,
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
                spec_field("occupation", "拟申报开展培训的职业（仅填一项）", max_length=100),
                spec_field("levels", "拟申报开展培训的专业技术等级", "levels"),
            ),
        ),
        UNIT,
        Section(
            "basis",
            "已有基础",
            (
                spec_field(
                    "volume_5y",
                    "近5年培训规模（人次）",
                    "table",
                    rows=5,
                    min_rows=1,
                    columns=[
                        spec_field("year", "年度", "int"),
                        spec_field("trained", "培训人数", "int"),
                        spec_field("independent", "独立培训人数", "int"),
                        spec_field("cooperative", "合作培训人数", "int"),
                    ],
                ),
                PREMISES,
                spec_field(
                    "platform_text",
                    "信息化平台建设情况（是否有信息化平台支撑线上培训、基本情况、网址）",
                    "textarea",
                    max_length=300,
                ),
                spec_field("teachers_total", "师资团队总人数", "int"),
                spec_field("teachers_fulltime", "专职师资队伍人数", "int"),
                spec_field("teachers_parttime", "兼职师资队伍人数", "int"),
                spec_field(
                    "teachers",
                    "培训教师",
                    "table",
                    rows=3,
                    min_rows=1,
                    columns=[
                        spec_field("name", "培训教师姓名", "name"),
                        spec_field("employer", "工作单位", max_length=200, help="注4"),
                        spec_field("title", "专业技术职务/职称", max_length=64),
                        spec_field("speciality", "专业", max_length=64),
                        spec_field("nature", "人员性质", "choice", choices=TEACHER_NATURES, help="注3"),
                        spec_field("phone", "联系电话", "phone"),
                    ],
                ),
                spec_field("history_text", "已有培训情况简述", "textarea", max_length=500),
                spec_field("team_text", "师资团队建设机制简述", "textarea", max_length=500),
            ),
        ),
        Section(
            "plan",
            "下一步工作方案",
            (
                spec_field("plan_volume", "年度计划培训人数（人次）", "levels_map"),
                spec_field("plan_fee", "培训费用（元/学时）", "levels_map"),
                spec_field("plan_text", "下步培训工作规划", "textarea", max_length=800),
            ),
        ),
        COMMITMENT,
        RECOMMENDER,
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
                spec_field("occupation", "拟申报开展评价的职业（仅填一项）", max_length=100),
                spec_field("levels", "拟申报开展评价的专业技术等级", "levels"),
            ),
        ),
        UNIT,
        Section(
            "basis",
            "已有基础",
            (
                spec_field("evaluates", "是否开展评价", "bool"),
                spec_field("issues_certificates", "是否颁发证书", "bool"),
                spec_field(
                    "evaluation_5y",
                    "近5年开展考核评价规模（人次）",
                    "table",
                    rows=5,
                    min_rows=0,
                    columns=[
                        spec_field("year", "年度", "int"),
                        spec_field("certificate_name", "证书名称", max_length=100),
                        spec_field(
                            "certificate_nature",
                            "证书性质（自有证书或其它机构证书）",
                            "choice",
                            choices=CERTIFICATE_NATURES,
                        ),
                        spec_field("issued", "颁证数量", "int"),
                    ],
                ),
                spec_field(
                    "certificate_category", "证书类别", "choice", choices=CERTIFICATE_CATEGORIES, help="注3"
                ),
                PREMISES,
                spec_field(
                    "platform_text",
                    "信息化平台建设情况（是否有信息化平台支撑考核评价、基本情况、网址）",
                    "textarea",
                    max_length=300,
                ),
                spec_field("examiners_total", "考评团队总人数", "int"),
                spec_field("examiners_count", "考评员队伍人数", "int"),
                spec_field("supervisors_count", "督导员队伍人数", "int"),
                spec_field(
                    "item_writers",
                    "命题专家",
                    "table",
                    rows=3,
                    min_rows=1,
                    columns=[
                        spec_field("name", "命题专家姓名", "name"),
                        spec_field("employer", "工作单位", max_length=200, help="注4"),
                        spec_field("title", "专业技术职务/职称", max_length=64),
                        spec_field("phone", "联系电话", "phone"),
                    ],
                ),
                spec_field("history_text", "已开展考核评价情况简述", "textarea", max_length=500),
                spec_field("team_text", "考评团队建设机制", "textarea", max_length=500),
            ),
        ),
        Section(
            "plan",
            "下一步工作方案",
            (
                spec_field("plan_volume", "年度计划考核人数（人次）", "levels_map"),
                spec_field("plan_fee", "考核费用（元/次）", "levels_map"),
                spec_field("plan_text", "下步考核评价工作规划", "textarea", max_length=800),
            ),
        ),
        COMMITMENT,
        RECOMMENDER,
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

"""What every part of the directory's demo uses: occupation codes, the extra institutions and experts,
accounts, valid DTE and Chengdu application forms, submitting an application and finishing a panel."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.accounts.models import Org, Role, RoleAssignment, User
from peiyu.core.identifiers import id_with_check

from ..models import Application, Call
from ..rules.forms import REQUIRED_ATTACHMENTS
from ..services import applications as apps
from ..services import panels, scores

PDF = b"%PDF-1.4\n% peiyu demo attachment\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AI, IOT, BIGDATA, CLOUD, IIOT, VR, CHIP = (
    "2-02-38-01",
    "2-02-38-02",
    "2-02-38-03",
    "2-02-38-04",
    "2-02-38-06",
    "2-02-38-07",
    "2-02-38-09",
)
ALL_DTE = [AI, IOT, BIGDATA, CLOUD, "2-02-38-05", IIOT, VR, "2-02-38-08", CHIP, "4-04-05-03"]
ELECTRICIAN, LATHE = "6-31-01-03", "6-18-01-01"
DEMO_PASSWORD = "Peiyu@2026demo"  # noqa: S105 - demo data only, same as the printed accounts

EXTRA_INSTITUTIONS = [
    # key, name, region, uscc body
    ("sy_cloud", "沈阳云帆信息技术有限公司", "210102", "91210102MA0T8K2B3"),
    ("sy_iiot", "沈阳工业互联网研究院有限公司", "210106", "91210106MA0T8K3C4"),
    ("sy_vr", "沈阳虚拟现实职业培训学校", "210103", "52210103MJ0T8K4D5"),
    ("sy_chip", "沈阳芯测科技有限公司", "210112", "91210112MA0T8K5E6"),
    ("sy_new", "沈阳数智新创科技有限公司", "210104", "91210104MA0T8K6F7"),
    ("dl_vr", "大连视界数字科技有限公司", "210204", "91210204MA0T8K7G8"),
    ("cd_social2", "成都智造技能评价协会", "510104", "51510104MJ0C0A002"),
    ("cd_social3", "成都蓉城职业技能评价中心", "510105", "52510105MJ0C0A003"),
    ("cd_social4", "成都天府技能评价研究院", "510106", "52510106MJ0C0A004"),
    ("cd_social5", "成都锦江职业技能评价服务中心", "510104", "52510104MJ0C0A005"),
]

EXPERTS = [
    # username (None: no account), name, employer, title
    ("expert_li", "李专家", "东北大学", "教授"),
    ("expert_wang", "王明远", "大连理工大学", "教授"),
    ("expert_zhao", "赵海峰", "辽宁大学", "研究员"),
    ("expert_sun", "孙立新", "沈阳工业大学", "教授级高工"),
    ("expert_qian", "钱晓雯", "中国科学院沈阳自动化研究所", "研究员"),
    ("expert_zhou", "周建国", "沈阳云帆信息技术有限公司", "高级工程师"),  # works for an applicant: recused
    ("expert_wu", "吴思源", "大连海事大学", "副教授"),
]


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def user_for(org: Org, username: str, full_name: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, primary_org=org)
        user.set_password(DEMO_PASSWORD)
        user.save()
        r = Role.objects.get(code=role)
        RoleAssignment.objects.create(
            user=user, role=r, org=org, region_id=org.region_id, separation=r.separation
        )
    return user


def dte_form(org: Org, kind: str, *, founded: str = "2012-04-18", scale: int = 3600) -> dict:
    volumes = [
        (2021, scale - 900),
        (2022, scale - 600),
        (2023, scale - 400),
        (2024, scale - 200),
        (2025, scale),
    ]
    form = {
        "unit_name": org.name,
        "uscc": org.uscc,
        "legal_rep_name": "刘建华",
        "legal_rep_id_number": id_with_check("21010219750312461"),
        "address": f"{org.region.full_name if org.region else ''}创新路88号",
        "unit_type": "民营企业",
        "industry_code": "I",
        "registered_capital": "2000",
        "staff_count": 260,
        "founded_on": founded,
        "tax_records": [
            {"year": y, "amount": str(80 + i * 15), "dishonest": False}
            for i, y in enumerate((2023, 2024, 2025))
        ],
        "ce_base_national": False,
        "ce_base_industry": True,
        "ce_base_provincial": True,
        "standard_developer": False,
        "lead_name": "陈志强",
        "lead_position": "副总经理",
        "lead_phone": "13904000001",
        "lead_email": "chenzq@example.cn",
        "contact_name": "马丽",
        "contact_position": "培训中心主任",
        "contact_phone": "024-22900188",
        "contact_email": "mali@example.cn",
        "profile_text": f"{org.name}长期从事数字技术人才培养，是省内行业骨干单位，拥有自主实训平台和稳定的专兼职队伍。",
        "premises": [
            {
                "address": "创新路88号实训楼",
                "area": "2400",
                "capacity": 360,
                "equipment_sets": 220,
                "equipment_value": "1350",
            }
        ],
        "platform_text": "自建线上学习与考核平台，支持实名认证、人脸核验和学习轨迹留痕。",
        "history_text": "近五年累计开展数字技术培训与考核一万余人次，建立了考勤、质量评估等管理制度。",
        "team_text": "专兼职结合，定期开展师资与考评员培训。",
        "plan_volume": {"初级": 800, "中级": 500, "高级": 100},
        "plan_fee": {"初级": 35, "中级": 45, "高级": 60},
        "plan_text": "下一步按国家职业标准分级开展培训与考核，完善质量管控制度。",
        "commitment_signatory": "刘建华",
    }
    if kind == "training":
        form.update(
            volume_5y=[
                {"year": y, "trained": n, "independent": n - 300, "cooperative": 300} for y, n in volumes
            ],
            teachers_total=48,
            teachers_fulltime=30,
            teachers_parttime=18,
            teachers=[
                {
                    "name": "高晨",
                    "employer": "东北大学计算机科学与工程学院",
                    "title": "教授",
                    "speciality": "人工智能",
                    "nature": "兼职师资",
                    "phone": "13904000011",
                },
                {
                    "name": "林雪",
                    "employer": org.name + "培训中心",
                    "title": "高级工程师",
                    "speciality": "软件工程",
                    "nature": "专职师资",
                    "phone": "13904000012",
                },
            ],
        )
    else:
        form.update(
            evaluates=True,
            issues_certificates=True,
            evaluation_5y=[
                {
                    "year": y,
                    "certificate_name": "数字技术应用能力证书",
                    "certificate_nature": "自有证书",
                    "issued": n,
                }
                for y, n in volumes
            ],
            certificate_category="行业证书",
            examiners_total=36,
            examiners_count=28,
            supervisors_count=8,
            item_writers=[
                {"name": "黄涛", "employer": "大连理工大学", "title": "教授", "phone": "13904000021"}
            ],
        )
    return form


def chengdu_form(org: Org, institution_type: str) -> dict:
    form = {
        "standard_used": "电工国家职业技能标准（2018年版）",
        "unit_name": org.name,
        "uscc": org.uscc,
        "legal_rep_name": "杨帆",
        "legal_rep_id_number": id_with_check("51010719800101123"),
        "address": "成都市武侯区人民南路四段1号",
        "industry_code": "C" if institution_type == "employer" else "P",
        "staff_count": 1800 if institution_type == "employer" else 60,
        "founded_on": "2010-06-01",
        "contact_name": "何静",
        "contact_position": "评价部部长",
        "contact_phone": "028-85000001",
        "contact_email": "hejing@example.cn",
        "profile_text": f"{org.name}在电工职业领域具有较强的评价基础。",
        "internal_unit": "技能评价部",
        "fulltime_staff": 12,
        "expert_team": 25,
        "has_venue_equipment": True,
        "has_video_monitoring": True,
        "non_profit": True,
        "quality_system": True,
        "accepts_supervision": True,
        "dishonest": False,
        "system_plan_text": "题库理论1500题、实操12套；理论与实操考场各2间，全程视频监控。",
        "implementation_plan_text": "报名、资格审核、考务、阅卷、成绩公示、证书发放全流程制度。",
        "experience_text": "近三年组织电工技能评价三千余人次。",
        "commitment_signatory": "杨帆",
    }
    if institution_type == "employer":
        form.update(
            enterprise_category="市国资委名录国有企业",
            skilled_workers=1100,
            evaluation_foundation="企业内部技能等级制度运行十年。",
            talent_mechanism="评价结果与岗位聘任、薪酬挂钩。",
        )
    else:
        form.update(
            business_scope="职业技能培训、职业技能评价服务",
            influence_text="成都市电工行业协会理事单位，评价结果获企业广泛认可。",
        )
    return form


def submit(
    user: User, call: Call, kind: str, occupation: str, levels: list[str], form: dict, **kw
) -> Application:
    app = apps.application_create(
        actor=user, call=call, kind=kind, occupation_code=occupation, levels=levels, form=form, **kw
    )
    key = "chengdu_evaluation" if call.programme == "skill" else f"dte_{kind}"
    for purpose in REQUIRED_ATTACHMENTS[key]:
        apps.attachment_add(actor=user, application=app, purpose=purpose, uploaded=upload(f"{purpose}.pdf"))
    return apps.application_submit(
        actor=user, application=app, commitment_confirmed=True, signatory=form["commitment_signatory"]
    )


def panel_done(
    official: User, applications: list[Application], experts: dict[str, User], size: int, seed: str
) -> None:
    panel = panels.panel_draw(actor=official, applications=applications, size=size, seed=seed)
    for member in panel.members.select_related("expert__user").all():
        if member.status == "declined" or member.expert.user is None:
            continue
        for i, app in enumerate(applications):
            scores.score_submit(
                actor=member.expert.user,
                panel=panel,
                application=app,
                score=82 + (member.position + i) % 12,
                vote="for" if (member.position + i) % 5 else "against",
                comment="材料完整，培训基础扎实，建议纳入。",
            )
    panels.panel_close(actor=official, panel=panel)

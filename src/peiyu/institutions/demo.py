"""Demo data of the directory (journeys 1–6): calls, applications at every step (draft, each review
step, returned, flagged, in notice, held by an objection, listed, rejected), expert pools and a scored
panel, Chengdu filings up to the social-organisation quota, and listings expired, forfeited,
terminated, suspended and due for renewal. Everything goes through the services, on today's date;
past states are reached by publishing notices dated in the past and letting `tick` run."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from peiyu.accounts.models import Org, Role, RoleAssignment, User
from peiyu.audit.services import audit_record
from peiyu.catalogs.models import Trade
from peiyu.core.identifiers import id_with_check, uscc_with_check

from .models import Application, Call, Listing, ListingPeriod, ListingVolume, Objection
from .rules.forms import REQUIRED_ATTACHMENTS
from .rules.listings import validity_end
from .services import applications as apps
from .services import experts as expert_services
from .services import expiry, notices, panels, review, scores, terminations
from .services import listings as lst
from .services.calls import call_create, calls_load

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


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _user_for(org: Org, username: str, full_name: str, role: str) -> User:
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


def _submit(
    user: User, call: Call, kind: str, occupation: str, levels: list[str], form: dict, **kw
) -> Application:
    app = apps.application_create(
        actor=user, call=call, kind=kind, occupation_code=occupation, levels=levels, form=form, **kw
    )
    key = "chengdu_evaluation" if call.programme == "skill" else f"dte_{kind}"
    for purpose in REQUIRED_ATTACHMENTS[key]:
        apps.attachment_add(actor=user, application=app, purpose=purpose, uploaded=_upload(f"{purpose}.pdf"))
    return apps.application_submit(
        actor=user, application=app, commitment_confirmed=True, signatory=form["commitment_signatory"]
    )


def _panel_done(
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


def build(orgs: dict[str, Org], users: dict[str, User]) -> None:
    if Call.objects.filter(code="liaoning-dte-2026-demo").exists():
        return
    today = timezone.localdate()
    calls_load()
    for code, name in [(ELECTRICIAN, "电工"), (LATHE, "车工")]:
        trade, created = Trade.objects.get_or_create(
            code=code, defaults={"name": name, "occupation_code": code}
        )
        if created:
            audit_record(None, "demo.trade_created", trade, after={"code": code, "name": name})
    users["inst_dl_admin"] = _user_for(
        orgs["inst_dl_data"], "inst_dl_admin", "大海数管理员", "institution_admin"
    )
    users["inst_cd_employer_admin"] = _user_for(
        orgs["inst_cd_employer"], "inst_cd_employer_admin", "航宇管理员", "institution_admin"
    )
    for key, name, region, body in EXTRA_INSTITUTIONS:
        if key not in orgs:
            orgs[key] = Org.objects.filter(name=name).first() or Org.objects.create(
                name=name,
                kind="institution",
                region_id=region,
                uscc=uscc_with_check(body),
                recommended_by=orgs.get("ln_miit") if region.startswith("21") else None,
            )
        users[f"{key}_admin"] = _user_for(orgs[key], f"{key}_admin", name[:4] + "管理员", "institution_admin")

    ln_off, sy_off, cg_off = users["ln_official"], users["sy_official"], users["cg_official"]
    ln_call = call_create(
        actor=ln_off,
        code="liaoning-dte-2026-demo",
        region_code="210000",
        title="（演示）辽宁省数字技术工程师培育项目培训机构和评价机构申报（2026年）",
        programme="dte",
        policy_name="liaoning-dte-batch2",
        kinds=["training", "evaluation"],
        occupation_codes=ALL_DTE,
        levels=["初级", "中级", "高级"],
        opens_on=today - dt.timedelta(days=40),
        deadline=today + dt.timedelta(days=24),
        step_deadlines={"city_recommendation": (today + dt.timedelta(days=24)).isoformat()},
        body="演示用申报通知：申报条件、名额与程序同辽宁省第二批申报通知（004）。",
        source="演示数据，依据 004",
        published=True,
    )
    cd_call = call_create(
        actor=users["cd_official"],
        code="chengdu-skill-2026-demo",
        region_code="510100",
        title="（演示）成都市职业技能等级评价机构备案（2026年）",
        programme="skill",
        policy_name="chengdu-skill",
        kinds=["evaluation"],
        occupation_codes=[ELECTRICIAN, LATHE],
        levels=["五级", "四级", "三级", "二级"],
        opens_on=today - dt.timedelta(days=60),
        deadline=today + dt.timedelta(days=30),
        publicity_working_days=5,
        body="演示用备案通知：依据《成都市职业技能等级评价机构管理办法》第七条至第十一条。",
        source="演示数据，依据 001",
        published=True,
    )
    nat_call = call_create(
        actor=cg_off,
        code="national-dte-evaluation-2026-demo",
        region_code=None,
        title="（演示）数字技术工程师培育项目评价机构遴选（2026年）",
        programme="dte",
        policy_name="national-dte",
        kinds=["evaluation"],
        occupation_codes=ALL_DTE,
        levels=["初级", "中级", "高级"],
        opens_on=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=40),
        body="演示用遴选通知：依据《数字技术工程师培育项目培训机构和评价机构管理办法（试行）》第七条。",
        source="演示数据，依据 000",
        published=True,
    )

    # expert pool of the Liaoning department (journey 3); one expert works for an applicant
    experts: dict[str, User] = {}
    for username, name, employer, title in EXPERTS:
        user = users.get(username) or _user_for(orgs["platform"], username, name, "expert")
        experts[username] = user
        employer_org = Org.objects.filter(name=employer).first()
        expert_services.expert_create(
            actor=ln_off,
            name=name,
            employer=employer_org,
            employer_name=employer,
            title=title,
            fields=ALL_DTE,
            user=user,
            region_code="210000",
        )

    def inst(key: str) -> User:
        return users[f"{key}_admin"] if f"{key}_admin" in users else users["inst_sy_admin"]

    sy_ai = users["inst_sy_admin"]
    # journey 1: a draft, and a submitted application waiting for the city (journey 2)
    draft = apps.application_create(
        actor=sy_ai,
        call=ln_call,
        kind="training",
        occupation_code=IOT,
        levels=["初级"],
        form={"unit_name": orgs["inst_sy_ai"].name},
    )
    del draft
    waiting = _submit(
        sy_ai, ln_call, "training", AI, ["初级", "中级"], dte_form(orgs["inst_sy_ai"], "training")
    )
    flagged = _submit(
        inst("sy_new"),
        ln_call,
        "training",
        AI,
        ["初级"],
        dte_form(orgs["sy_new"], "training", founded="2020-03-09", scale=2300),
    )
    returned = _submit(
        inst("sy_vr"), ln_call, "training", VR, ["初级", "中级"], dte_form(orgs["sy_vr"], "training")
    )
    review.application_return(
        actor=sy_off, application=returned, comment="师资名单缺少职称证明，请补充后重新提交。"
    )
    del waiting, flagged

    # recommended by Shenyang, now with the province's experts (journey 3)
    at_experts = [
        _submit(
            inst("sy_cloud"),
            ln_call,
            "training",
            CLOUD,
            ["初级", "中级", "高级"],
            dte_form(orgs["sy_cloud"], "training"),
        ),
        _submit(
            inst("sy_iiot"),
            ln_call,
            "evaluation",
            IIOT,
            ["中级", "高级"],
            dte_form(orgs["sy_iiot"], "evaluation"),
        ),
    ]
    for app in at_experts:
        review.application_pass(
            actor=sy_off,
            application=app,
            recommendation_reason="该单位在本市数字技术人才培养中作用突出，材料审核合格，择优推荐。",
        )

    # scored by a panel, waiting for the coordination group; then notices in every state
    later = [
        _submit(
            inst("sy_chip"),
            ln_call,
            "training",
            CHIP,
            ["初级", "中级"],
            dte_form(orgs["sy_chip"], "training"),
        ),
        _submit(users["dl_vr_admin"], ln_call, "training", VR, ["初级"], dte_form(orgs["dl_vr"], "training")),
        _submit(
            users["inst_dl_admin"],
            ln_call,
            "training",
            BIGDATA,
            ["初级", "中级"],
            dte_form(orgs["inst_dl_data"], "training"),
        ),
        _submit(
            inst("sy_cloud"), ln_call, "training", IIOT, ["初级"], dte_form(orgs["sy_cloud"], "training")
        ),
    ]
    for app in later:
        city = users["sy_official"] if app.region_id.startswith("2101") else users["dl_official"]
        review.application_pass(actor=city, application=app, recommendation_reason="材料审核合格，择优推荐。")
    _panel_done(ln_off, later, experts, size=5, seed="demo-liaoning-2026-panel-1")
    for app in later:
        review.application_pass(
            actor=ln_off,
            application=app,
            comment="专家评议通过，建议纳入培训机构目录。",
            site_visit=app == later[0],
        )
    decide_wait, notice_open, notice_held, listed = later
    for app in (notice_open, notice_held, listed):
        review.application_pass(actor=cg_off, application=app, comment="审核确定。")
    del decide_wait
    past = today - dt.timedelta(days=21)
    old_notice = notices.notice_publish(
        actor=cg_off,
        applications=[notice_held, listed],
        title="（演示）辽宁省第三批培训机构拟纳入目录名单公示",
        on=past,
    )
    # filed during the (past) notice period, which objection_submit would now refuse as closed
    held_objection = Objection.objects.create(
        tracking_no="YY" + past.strftime("%Y%m%d") + "000001",
        notice=old_notice,
        application=notice_held,
        name="某培训学员",
        contact="13800001111",
        text="该机构2025年曾以“包过”为宣传语招生，请核查。",
    )
    audit_record(None, "demo.objection_created", held_objection, after={"notice": old_notice.number})
    notices.notices_end_due(today)  # listed → catalog; held → awaits the objection's resolution
    open_notice = notices.notice_publish(
        actor=cg_off, applications=[notice_open], title="（演示）辽宁省培训机构拟纳入目录名单公示"
    )
    notices.objection_submit(
        notice=open_notice,
        application_id=notice_open.pk,
        name="张先生",
        contact="13900002222",
        text="请核实该机构近三年培训规模的真实性。",
    )
    # national evaluation selection: through the industry authority's channel (SEL-7)
    _submit(
        inst("sy_chip"),
        nat_call,
        "evaluation",
        AI,
        ["初级", "中级"],
        dte_form(orgs["sy_chip"], "evaluation"),
        channel="industry",
        recommender=orgs["ln_miit"],
    )
    rejected = _submit(
        users["inst_dl_admin"],
        ln_call,
        "training",
        CHIP,
        ["初级"],
        dte_form(orgs["inst_dl_data"], "training", scale=2600),
    )
    review.application_reject(
        actor=users["dl_official"], application=rejected, reason="集成电路实训条件不足，本次不予推荐。"
    )

    # Chengdu filing (journey 5): three social organisations filed for 电工, a fourth waits at filing
    cd_off, cdc_off, wuhou_off = users["cd_official"], users["cdc_official"], users["wuhou_official"]
    for i, (name, employer) in enumerate(
        [
            ("罗振华", "西南交通大学"),
            ("邓雪梅", "成都工业职业技术学院"),
            ("曾文杰", "四川省电力公司"),
            ("谢宏", "成都市技师学院"),
        ],
        start=1,
    ):
        experts[f"expert_cd{i}"] = _user_for(orgs["platform"], f"expert_cd{i}", name, "expert")
        expert_services.expert_create(
            actor=cdc_off,
            name=name,
            employer_name=employer,
            title="高级技师",
            fields=[ELECTRICIAN, LATHE],
            user=experts[f"expert_cd{i}"],
            region_code="510100",
        )
    cd_apps = []
    for key, type_ in [
        ("inst_cd_social", "social_organisation"),
        ("cd_social2", "social_organisation"),
        ("cd_social3", "social_organisation"),
        ("inst_cd_employer", "employer"),
        ("cd_social4", "social_organisation"),
    ]:
        user = (
            users["inst_cd_admin"]
            if key == "inst_cd_social"
            else users.get(f"{key}_admin")
            or _user_for(orgs[key], f"{key}_admin", orgs[key].name[:4] + "管理员", "institution_admin")
        )
        cd_apps.append(
            _submit(
                user,
                cd_call,
                "evaluation",
                ELECTRICIAN,
                ["五级", "四级", "三级"],
                chengdu_form(orgs[key], type_),
                institution_type=type_,
            )
        )
    for app in cd_apps:
        review.application_pass(
            actor=wuhou_off if app.region_id == "510107" else _district_official(app, users, orgs),
            application=app,
            recommendation_reason="经区人社局初审，条件符合，择优推荐。",
        )
    _panel_done(cdc_off, cd_apps, experts, size=3, seed="demo-chengdu-2026-technical-review")
    for app in cd_apps:
        review.application_pass(actor=cdc_off, application=app, comment="技术评审合格。")
    notices.notice_publish(
        actor=cdc_off, applications=cd_apps, title="（演示）成都市职业技能等级评价机构备案公示", on=past
    )
    notices.notices_end_due(today)
    for app in cd_apps[:4]:
        notices.application_file(
            actor=cd_off, application=app
        )  # the fourth social organisation stays at filing: quota full
    waiting_cd = _submit(
        users["cd_social5_admin"],
        cd_call,
        "evaluation",
        LATHE,
        ["四级", "三级"],
        chengdu_form(orgs["cd_social5"], "social_organisation"),
        institution_type="social_organisation",
    )
    del waiting_cd

    _historic_listings(orgs, users, today)


def _district_official(app: Application, users: dict[str, User], orgs: dict[str, Org]) -> User:
    """A Chengdu applicant outside 武侯区 applies to its own district bureau (created on first use)."""
    code = app.region_id
    org = Org.objects.filter(kind="hrss_district", region_id=code).first()
    if org is None:
        from peiyu.accounts.models import Region

        region = Region.objects.get(pk=code)
        org = Org.objects.create(
            name=f"成都市{region.name}人力资源和社会保障局", kind="hrss_district", region_id=code
        )
    return _user_for(org, f"district_{code}", f"{org.name[3:6]}经办", "district_official")


def listing_on_record(
    org: Org,
    *,
    kind: str,
    occupation: tuple[str, str],
    valid_from: dt.date,
    policy: str,
    programme: str = "dte",
    itype: str = "general",
    volumes: dict[int, int] | None = None,
) -> Listing:
    from peiyu.core.numbering import reference_number

    until = validity_end(valid_from, 3)
    listing = Listing(
        number=reference_number("ML", Listing),
        programme=programme,
        institution=org,
        institution_name=org.name,
        kind=kind,
        institution_type=itype,
        occupation_code=occupation[0],
        occupation_name=occupation[1],
        levels=["初级", "中级"] if programme == "dte" else ["四级", "三级"],
        region_id=org.region_id,
        catalog_region_id=org.region_id[:2] + "0000" if programme == "dte" else org.region_id[:4] + "00",
        recommender=org.recommended_by,
        valid_from=valid_from,
        valid_until=until,
        policy_name=policy,
        policy_version=1,
    )
    listing.search_text = lst.search_text(listing)
    listing.save()
    ListingPeriod.objects.create(listing=listing, number=1, valid_from=valid_from, valid_until=until)
    for year, persons in (volumes or {}).items():
        ListingVolume.objects.create(
            listing=listing, year=year, persons=persons, source=ListingVolume.Source.DECLARED
        )
    # listed in an earlier round, before the platform kept the file: recorded as demo history
    audit_record(None, "demo.listing_created", listing, after={"valid_until": until.isoformat()})
    return listing


def _historic_listings(orgs: dict[str, Org], users: dict[str, User], today: dt.date) -> None:
    """Entries listed in earlier rounds: due for renewal, forfeited, expired, terminated, suspended."""
    start = validity_end(today, -3) + dt.timedelta(days=1)  # three years ago
    # journey 6: due for renewal in about three months, results pre-filled from declared volumes
    listing_on_record(
        orgs["inst_sy_ai"],
        kind="training",
        occupation=(CLOUD, "云计算工程技术人员"),
        valid_from=start + dt.timedelta(days=100),
        policy="liaoning-dte-batch2",
        volumes={start.year + 1: 420, start.year + 2: 610, start.year + 3: 380},
    )
    # trained nobody in its first period: forfeited at expiry with the 3-year ban (DIR-3)
    listing_on_record(
        orgs["inst_dl_data"],
        kind="training",
        occupation=(VR, "虚拟现实工程技术人员"),
        valid_from=start - dt.timedelta(days=60),
        policy="liaoning-dte-batch2",
    )
    # Chengdu entry past expiry, still within the 2-month grace (DIR-4): expired, not yet abandoned
    listing_on_record(
        orgs["inst_cd_employer"],
        kind="evaluation",
        occupation=(LATHE, "车工"),
        valid_from=start - dt.timedelta(days=20),
        policy="chengdu-skill",
        programme="skill",
        itype="employer",
    )
    terminated = listing_on_record(
        orgs["sy_vr"],
        kind="training",
        occupation=(IOT, "物联网工程技术人员"),
        valid_from=today - dt.timedelta(days=400),
        policy="liaoning-dte-batch2",
    )
    terminations.listing_terminate(
        actor=users["sy_vr_admin"],
        listing=terminated,
        reason="机构业务调整，不再开展该职业培训。",
        handling_plan="在训学员转入沈阳云帆信息技术有限公司继续完成培训。",
    )
    suspended = listing_on_record(
        orgs["sy_iiot"],
        kind="training",
        occupation=(AI, "人工智能工程技术人员"),
        valid_from=today - dt.timedelta(days=200),
        policy="liaoning-dte-batch2",
    )
    lst.listing_suspend(
        actor=users["ln_official"], listing=suspended, reason="专项检查发现考勤记录不全，限期整改期间暂停。"
    )
    expiry.listings_expire_due(today)

"""Demo filings of Chengdu (journey 5): three social organisations filed for 电工 up to the quota, a
fourth refused filing with its reason (SEL-6), one more application at the district."""

from __future__ import annotations

import datetime as dt

from peiyu.accounts.models import Org, User
from peiyu.core.errors import RuleViolation

from ..models import Application, Call
from ..services import experts as expert_services
from ..services import notices, review
from .support import ELECTRICIAN, LATHE, chengdu_form, panel_done, submit, user_for


def filings(
    orgs: dict[str, Org], users: dict[str, User], *, cd_call: Call, experts: dict[str, User], today: dt.date
) -> None:
    past = today - dt.timedelta(days=21)
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
        experts[f"expert_cd{i}"] = user_for(orgs["platform"], f"expert_cd{i}", name, "expert")
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
            or user_for(orgs[key], f"{key}_admin", orgs[key].name[:4] + "管理员", "institution_admin")
        )
        cd_apps.append(
            submit(
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
            actor=wuhou_off if app.region_id == "510107" else district_official(app, users, orgs),
            application=app,
            recommendation_reason="经区人社局初审，条件符合，择优推荐。",
        )
    panel_done(cdc_off, cd_apps, experts, size=3, seed="demo-chengdu-2026-technical-review")
    for app in cd_apps:
        review.application_pass(actor=cdc_off, application=app, comment="技术评审合格。")
    notices.notice_publish(
        actor=cdc_off, applications=cd_apps, title="（演示）成都市职业技能等级评价机构备案公示", on=past
    )
    notices.notices_end_due(today)
    for app in cd_apps[:4]:
        notices.application_file(actor=cd_off, application=app)
    # the fourth social organisation is refused filing: 3 per trade citywide (SEL-6, 001 Art. 8); the
    # refusal is stored, so cd_social4's administrator sees it with its reason on the application and to-dos
    try:
        notices.application_file(actor=cd_off, application=cd_apps[4])
    except RuleViolation:
        pass
    waiting_cd = submit(
        users["cd_social5_admin"],
        cd_call,
        "evaluation",
        LATHE,
        ["四级", "三级"],
        chengdu_form(orgs["cd_social5"], "social_organisation"),
        institution_type="social_organisation",
    )
    del waiting_cd


def district_official(app: Application, users: dict[str, User], orgs: dict[str, Org]) -> User:
    """A Chengdu applicant outside 武侯区 applies to its own district bureau (created on first use)."""
    code = app.region_id
    org = Org.objects.filter(kind="hrss_district", region_id=code).first()
    if org is None:
        from peiyu.accounts.models import Region

        region = Region.objects.get(pk=code)
        org = Org.objects.create(
            name=f"成都市{region.name}人力资源和社会保障局", kind="hrss_district", region_id=code
        )
    return user_for(org, f"district_{code}", f"{org.name[3:6]}经办", "district_official")

"""The directory's demo section (journeys 1–6), registered by institutions.hooks: calls, the extra
institutions and the Liaoning expert pool, then the Liaoning and national applications, the Chengdu
filings and the listings of earlier rounds. Everything goes through the services, on today's date; past
states are reached by publishing notices dated in the past and letting `tick` run. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.catalogs.models import Trade
from peiyu.core.identifiers import uscc_with_check

from ..models import Call, Expert
from ..services import expert_declarations
from ..services import experts as expert_services
from ..services.calls import call_create, calls_load
from . import calls as call_demo
from . import chengdu, liaoning, listings
from .support import ALL_DTE, ELECTRICIAN, EXPERTS, EXTRA_INSTITUTIONS, LATHE, user_for


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
    users["inst_dl_admin"] = user_for(
        orgs["inst_dl_data"], "inst_dl_admin", "大海数管理员", "institution_admin"
    )
    users["inst_cd_employer_admin"] = user_for(
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
        users[f"{key}_admin"] = user_for(orgs[key], f"{key}_admin", name[:4] + "管理员", "institution_admin")

    ln_off, cg_off = users["ln_official"], users["cg_official"]
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

    call_demo.draft(ln_off, today)  # journey 12: the province completes and publishes its next call

    # expert pool of the Liaoning department (journey 3); one expert works for an applicant
    experts: dict[str, User] = {}
    for i, (username, name, employer, title) in enumerate(EXPERTS, start=1):
        user = users.get(username) or user_for(orgs["platform"], username, name, "expert")
        experts[username] = user
        employer_org = Org.objects.filter(name=employer).first()
        expert_services.expert_create(
            actor=ln_off,
            name=name,
            employer=employer_org,
            employer_name=employer,
            title=title,
            fields=ALL_DTE,
            phone=f"1390240{i:04d}",
            user=user,
            region_code="210000",
        )
    # the expert's own page (journey 12): one declared relation, the list confirmed as current
    li = Expert.objects.get(user=experts["expert_li"])
    expert_declarations.expert_declare_conflict(
        actor=experts["expert_li"], expert=li, kind="cooperation", uscc=uscc_with_check("91210100MA0D8E901"),
        unit_name="沈阳智联技术咨询有限公司", note="2024 年起担任该公司技术顾问",
    )  # fmt: skip
    expert_services.expert_declarations_confirm(actor=experts["expert_li"], expert=li)

    liaoning.applications(orgs, users, ln_call=ln_call, nat_call=nat_call, experts=experts, today=today)
    chengdu.filings(orgs, users, cd_call=cd_call, experts=experts, today=today)
    listings.historic_listings(orgs, users, today)

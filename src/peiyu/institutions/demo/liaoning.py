"""Demo applications of Liaoning's DTE call and the national evaluation selection (journeys 1–4):
a draft, each review step, returned, flagged, scored by a panel, in notice, held by an objection, listed,
rejected."""

from __future__ import annotations

import datetime as dt

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record

from ..models import Call, Objection
from ..services import applications as apps
from ..services import notices, review
from .support import AI, BIGDATA, CHIP, CLOUD, IIOT, IOT, VR, dte_form, panel_done, submit


def applications(
    orgs: dict[str, Org],
    users: dict[str, User],
    *,
    ln_call: Call,
    nat_call: Call,
    experts: dict[str, User],
    today: dt.date,
) -> None:
    ln_off, sy_off, cg_off = users["ln_official"], users["sy_official"], users["cg_official"]

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
    waiting = submit(
        sy_ai, ln_call, "training", AI, ["初级", "中级"], dte_form(orgs["inst_sy_ai"], "training")
    )
    flagged = submit(
        inst("sy_new"),
        ln_call,
        "training",
        AI,
        ["初级"],
        dte_form(orgs["sy_new"], "training", founded="2020-03-09", scale=2300),
    )
    returned = submit(
        inst("sy_vr"), ln_call, "training", VR, ["初级", "中级"], dte_form(orgs["sy_vr"], "training")
    )
    review.application_return(
        actor=sy_off, application=returned, comment="师资名单缺少职称证明，请补充后重新提交。"
    )
    del waiting, flagged

    # recommended by Shenyang, now with the province's experts (journey 3)
    at_experts = [
        submit(
            inst("sy_cloud"),
            ln_call,
            "training",
            CLOUD,
            ["初级", "中级", "高级"],
            dte_form(orgs["sy_cloud"], "training"),
        ),
        submit(
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
        submit(
            inst("sy_chip"),
            ln_call,
            "training",
            CHIP,
            ["初级", "中级"],
            dte_form(orgs["sy_chip"], "training"),
        ),
        submit(users["dl_vr_admin"], ln_call, "training", VR, ["初级"], dte_form(orgs["dl_vr"], "training")),
        submit(
            users["inst_dl_admin"],
            ln_call,
            "training",
            BIGDATA,
            ["初级", "中级"],
            dte_form(orgs["inst_dl_data"], "training"),
        ),
        submit(inst("sy_cloud"), ln_call, "training", IIOT, ["初级"], dte_form(orgs["sy_cloud"], "training")),
    ]
    for app in later:
        city = users["sy_official"] if app.region_id.startswith("2101") else users["dl_official"]
        review.application_pass(actor=city, application=app, recommendation_reason="材料审核合格，择优推荐。")
    panel_done(ln_off, later, experts, size=5, seed="demo-liaoning-2026-panel-1")
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
    submit(
        inst("sy_chip"),
        nat_call,
        "evaluation",
        AI,
        ["初级", "中级"],
        dte_form(orgs["sy_chip"], "evaluation"),
        channel="industry",
        recommender=orgs["ln_miit"],
    )
    rejected = submit(
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

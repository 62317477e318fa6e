"""JOURNEYS.md 5 in a real Chromium against a live server: a Chengdu social evaluation organisation
applies for 电工 to its district bureau (the checks cite seed 001), the district recommends, the city
capacity centre passes the technical review and publishes the notice, the notice ends (clock moved,
`peiyu tick`), the city files it with a unified filing code, the institution sees the code and
downloads the filing receipt (PDF); a fourth social organisation of the same trade is refused at filing
and told why (SEL-6, SEL-10; seed 001 Art. 7–8)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .journey_support import (
    ELECTRICIAN,
    Shots,
    chengdu_call,
    chengdu_submitted,
    expert_pool,
    log_out,
    main_text,
    messages_of,
    nav_click,
    panel_scored,
    reload,
    sign_in,
    switch_user,
    todo_rows,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POOL = [
    ("罗振华", "西南交通大学", "高级技师"),
    ("邓雪梅", "成都工业职业技术学院", "高级技师"),
    ("曾文杰", "四川省电力公司", "高级技师"),
    ("谢宏", "成都市技师学院", "高级技师"),
]


def _act(page, app, button: str, comment_field: str, comment: str) -> None:
    act = page.locator("#act")
    act.locator(comment_field).fill(comment)
    act.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))


def test_chengdu_filing_receipt_and_the_refused_fourth_social_organisation(
    page, live_server, screenshots, time_machine, tmp_path
):
    from django.core.management import call_command
    from django.utils import timezone

    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.demo.support import chengdu_form
    from peiyu.institutions.models import Application, PublicNotice
    from peiyu.institutions.rules.forms import REQUIRED_ATTACHMENTS
    from peiyu.institutions.services import applications as app_services
    from peiyu.institutions.services import notices, review
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    f.chengdu_setup(world)
    call = chengdu_call(world)
    expert_pool(world, world.cdc_official, "510100", [ELECTRICIAN], POOL, prefix="cd_expert")
    others = [chengdu_submitted(world.users[f"cd_social{i}_admin"], call) for i in (2, 3, 4)]
    org = world.orgs["cd_social1"]
    fourth_org = world.orgs["cd_social4"]
    base = live_server.url
    shot = Shots(page, screenshots, 5)
    S = Application.Status

    # --- the social organisation applies to its district bureau ------------------------------------------------
    sign_in(page, base, world.cd_social1_admin, PASSWORD)
    nav_click(page, "机构申报")
    page.wait_for_url(re.compile(r"/directory/applications/$"))
    page.locator("main a", has_text=call.title).first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/new/\?call={call.code}$"))
    page.select_option("#kind", label="评价机构")
    page.select_option("#occupation_code", value=ELECTRICIAN)
    page.check("input[name=levels][value=四级]")
    page.check("input[name=levels][value=三级]")
    page.select_option("#institution_type", value="social_organisation")
    shot("new-application")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/directory/applications/\d+/edit/$"))
    app = Application.objects.get(pk=int(re.search(r"/applications/(\d+)/edit/", page.url).group(1)))
    assert (app.kind, app.institution_type, app.levels) == (
        "evaluation",
        "social_organisation",
        ["四级", "三级"],
    )
    # the long form through the service, the address typed here
    form = chengdu_form(org, "social_organisation")
    form.pop("address")
    app_services.application_update(actor=world.cd_social1_admin, application=app, form=form)
    page.reload()
    page.fill("#f-address", "成都市武侯区科华北路65号")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/edit/$"))
    assert "已保存" in messages_of(page), messages_of(page)
    assert reload(app).form["address"] == "成都市武侯区科华北路65号"
    # the attachments: one uploaded on the page, the others through the service
    page.goto(f"{base}/directory/applications/{app.pk}/")
    licence = tmp_path / "登记证书.pdf"
    licence.write_bytes(f.PDF)
    upload = page.locator("#attachments form[enctype='multipart/form-data']")
    upload.locator("#purpose").select_option("licence")
    upload.locator("#file").set_input_files(str(licence))
    upload.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/(#attachments)?$"))
    assert "材料已上传" in messages_of(page), messages_of(page)
    for purpose in REQUIRED_ATTACHMENTS["chengdu_evaluation"]:
        if purpose != "licence":
            app_services.attachment_add(
                actor=world.cd_social1_admin,
                application=app,
                purpose=purpose,
                uploaded=f.upload(f"{purpose}.pdf"),
            )
    page.reload()
    submit = page.locator("#submit form")
    submit.locator("input[name=commitment]").check()
    assert submit.locator("#signatory").input_value() == "杨帆"
    submit.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
    assert "已提交" in messages_of(page), messages_of(page)
    checks = page.locator("#checks").inner_text()
    assert "SEL-10" in checks or "SEL-6" in checks, checks
    assert "001" in checks or "成都" in checks, f"the checks do not cite seed 001: {checks}"
    cites_liaoning = "004" in checks  # asserted at the end, so the rest of the journey still runs
    assert page.locator("ol.route li.current").inner_text().strip() == "区县初审推荐"
    shot("submitted")
    shot.phone("submitted")
    app = reload(app)
    assert app.status == S.IN_REVIEW and app.step == "district_review"

    # --- the district bureau recommends --------------------------------------------------------------------------
    switch_user(page, base, world.wuhou_official, PASSWORD)
    todo = todo_rows(page, "区县初审推荐")
    assert todo.count() == 4, page.locator("#todo").inner_text()
    shot("district-todo")
    todo.filter(has_text=org.name).locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
    shot("district-review")
    _act(page, app, "推荐", "#rr", "该组织电工评价基础扎实，场地设备齐全，同意推荐。")
    assert "已办理" in messages_of(page), messages_of(page)
    assert page.locator("ol.route li.current").inner_text().strip() == "市职建中心技术评审"
    for other in others:
        review.application_pass(
            actor=world.wuhou_official, application=other, recommendation_reason="经区人社局初审，同意推荐。"
        )

    # --- the city capacity centre: technical review, then the notice -------------------------------------------------
    batch = [reload(app), *(reload(o) for o in others)]
    panel_scored(world.cdc_official, batch, size=3, seed="成都-电工-技术评审")
    switch_user(page, base, world.cdc_official, PASSWORD)
    todo = todo_rows(page, "市职建中心技术评审")
    assert todo.count() == 4, page.locator("#todo").inner_text()
    todo.filter(has_text=org.name).locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
    assert "评议已结束" in page.locator("#act").inner_text()
    shot("technical-review")
    _act(page, app, "通过", "#pc", "技术评审合格：题库、考场和考评人员符合要求。")
    assert page.locator("ol.route li.current").inner_text().strip() == "公示"
    for other in others:
        review.application_pass(actor=world.cdc_official, application=reload(other), comment="技术评审合格。")
    page.locator("#act a", has_text="发布公示").click()
    page.wait_for_url(re.compile(rf"/directory/notices/publish/#call-{app.call_id}$"))
    section = page.locator(f"#call-{app.call_id}")
    assert "5个工作日" in section.locator("p.notice").inner_text()  # the period before publishing
    for a in batch:
        assert section.locator(f"input[name=applications][value='{a.pk}']").is_checked()
    section.locator("input[name=title]").fill("成都市职业技能等级评价机构（电工）备案公示")
    shot("publish")
    section.get_by_role("button", name="发布公示").click()
    page.wait_for_url(re.compile(r"/notices/GS[^/]+/$"))
    notice = PublicNotice.objects.get()
    assert notice.publisher == world.orgs["cdc"] and notice.working_days == 5
    assert f"{notice.ends_on:%Y-%m-%d}" in main_text(page)
    shot("notice")
    shot.phone("notice")

    # --- the notice ends; the city files -------------------------------------------------------------------------------
    log_out(page)  # before the clock moves past the session's idle timeout
    after = dt.datetime.combine(
        notice.ends_on + dt.timedelta(days=1), dt.time(9, 0), tzinfo=timezone.get_current_timezone()
    )
    time_machine.move_to(after, tick=True)
    call_command("tick")
    assert all(reload(a).step == "filing_decision" for a in batch), [
        (a.number, reload(a).step) for a in batch
    ]
    switch_user(page, base, world.cd_official, PASSWORD)
    todo = todo_rows(page, "市人社部门备案")
    assert todo.count() == 4, page.locator("#todo").inner_text()
    shot("city-todo")
    todo.filter(has_text=org.name).locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
    page.locator("#act").get_by_role("button", name="备案并生成统一编码").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
    app = reload(app)
    assert app.status == S.APPROVED and app.filing_code == "S510100000001", (app.status, app.filing_code)
    assert app.filing_code in main_text(page)
    shot("filed")
    for other in others[:2]:
        notices.application_file(actor=world.cd_official, application=reload(other))
    fourth = others[2]
    page.goto(f"{base}/directory/applications/{fourth.pk}/")
    # the page says beforehand that the quota is full and what the button will do (the same check decides)
    act = page.locator("#act")
    full = act.locator("#quota-full").inner_text()
    filed_names = [reload(o).institution.name for o in (app, *others[:2])]
    assert "SEL-6" in full and all(name in full for name in filed_names), full
    assert act.get_by_role("button", name="备案并生成统一编码").count() == 0
    shot("fourth-before-refusal")
    act.get_by_role("button", name="记录不予备案（名额已满）").click()
    page.wait_for_load_state()
    refusal = messages_of(page) + main_text(page)
    assert "SEL-6" in refusal and "上限 3" in refusal, refusal
    assert "社评组织" in refusal or "社会培训评价组织" in refusal, refusal
    assert all(name in messages_of(page) for name in filed_names) and "ML20" not in refusal, refusal
    shot("fourth-refused-city")
    assert reload(fourth).filing_code is None

    # --- the institution sees its filing code and downloads the receipt ------------------------------------------------
    switch_user(page, base, world.cd_social1_admin, PASSWORD)
    nav_click(page, "机构申报")
    page.wait_for_url(re.compile(r"/directory/applications/$"))
    page.locator(f"main a[href$='/directory/applications/{app.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
    head = page.locator("main").inner_text()
    assert "S510100000001" in head, head
    receipt = page.locator("main a", has_text="备案回执")
    assert receipt.count() == 1
    assert (
        "S510100000001" in page.locator("main p.muted", has_text="备案回执").first.inner_text()
    )  # by the code
    response = page.request.get(base + receipt.get_attribute("href"))
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
    shot("institution-filed")
    shot.phone("institution-filed")

    assert not cites_liaoning, f"a Chengdu check cites the Liaoning call (seed 004): {checks}"

    # --- the fourth social organisation is told why it cannot be filed -------------------------------------------------
    switch_user(page, base, world.cd_social4_admin, PASSWORD)
    todo = page.locator("#todo").inner_text()
    shot("fourth-todo")
    page.goto(f"{base}/directory/applications/{fourth.pk}/")
    shot("fourth-application")
    shot.phone("fourth-application")
    own_page = main_text(page)
    status = page.locator("main p.muted strong").first.inner_text().strip()
    reason = ("已满", "上限 3", "不超过3", "不超过 3")
    told = {
        "application page: rule and reason": "SEL-6" in own_page and any(w in own_page for w in reason),
        "application page: no longer 审核中": status != "审核中",
        "to-do list: rule and reason": "SEL-6" in todo and any(w in todo for w in reason),
    }
    assert all(told.values()), (
        f"the refused fourth social organisation is not told why: {told}; status {status!r}"
    )
    assert fourth_org.name in own_page
    # the refusal names the filed institutions, not their catalog numbers
    assert all(name in own_page and name in todo for name in filed_names), (own_page, todo)
    assert "ML20" not in own_page and "ML20" not in todo, (own_page, todo)

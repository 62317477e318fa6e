"""JOURNEYS.md 4 in a real Chromium against a live server: the coordination group publishes the approved
institutions; the portal's notice page lists them with the end date counted in working days; an
anonymous visitor files an objection (a refused form keeps what was typed), gets a tracking number and
follows it; the publishing body dismisses it; the notice ends with no open objection (the clock moved
to the day after its end and `peiyu tick` run) and both institutions are in the public catalog, valid
for three years (SEL-7, DIR-1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .journey_support import (
    AI_NAME,
    Shots,
    expert_pool,
    liaoning_at_notice,
    liaoning_call,
    log_out,
    main_text,
    messages_of,
    phone_width,
    reload,
    sign_in,
    todo_rows,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OBJECTION = "该机构申报材料中的近五年培训规模与实际情况不符，请核查其2022年的培训记录。"
CONTACT = "13800001111"
RESOLUTION = "经核查，该机构2022年培训记录完整，异议不成立。"
POOL = [
    ("李文博", "东北大学", "教授"),
    ("王明远", "大连理工大学", "教授"),
    ("赵海峰", "辽宁大学", "研究员"),
    ("孙立新", "沈阳工业大学", "教授级高级工程师"),
    ("钱晓雯", "中国科学院沈阳自动化研究所", "研究员"),
]


def test_notice_objection_tracking_and_listing_after_the_notice(page, live_server, screenshots, time_machine):
    from django.core.management import call_command
    from django.utils import timezone

    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Application, Listing, Objection, PublicNotice
    from peiyu.institutions.rules import listings as lr
    from peiyu.institutions.services import notices
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    call = liaoning_call(world)
    experts = expert_pool(world, world.ln_official, "210000", [f.AI], POOL, prefix="ln_expert")
    app_sy, app_dl = liaoning_at_notice(world, call, experts, [world.sy_inst_admin, world.dl_inst_admin])
    period = notices.notice_period(call)
    starts, ends = period["starts_on"], period["ends_on"]
    assert ends > starts
    inst_sy, inst_dl = world.orgs["inst_sy"], world.orgs["inst_dl"]
    base = live_server.url
    shot = Shots(page, screenshots, 4)

    # --- the coordination group publishes the notice ----------------------------------------------------------
    sign_in(page, base, world.cg_official, PASSWORD)
    todo = todo_rows(page, "公示")
    assert todo.count() == 2, page.locator("#todo").inner_text()
    shot("publisher-todo")
    todo.filter(has_text=inst_sy.name).locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app_sy.pk}/$"))
    # the application leads to the page that shows the period before publishing, as the queue does
    page.goto(f"{base}/directory/review/")
    queue = page.locator("main section", has_text="公示")
    assert app_sy.institution.name in queue.first.inner_text()
    assert queue.first.locator("a", has_text="核对公示期并发布").count() == 1
    assert queue.first.locator("input[name=applications]").count() == 0  # no publishing without the period
    page.goto(f"{base}/directory/applications/{app_sy.pk}/")
    page.locator("#act a", has_text="发布公示").click()
    page.wait_for_url(re.compile(rf"/directory/notices/publish/#call-{call.pk}$"))
    group = page.locator(f"#call-{call.pk}")
    period_text = group.locator("p.notice").inner_text()
    assert f"{starts:%Y-%m-%d} 至 {ends:%Y-%m-%d}" in period_text, period_text
    assert f"{period['days']}个工作日" in period_text and "SEL-7" in period_text, period_text
    for app in (app_sy, app_dl):
        assert group.locator(f"#app-{app.pk}").is_checked()
    group.get_by_label(re.compile("公示标题")).fill("辽宁省数字技术工程师培育项目拟纳入目录机构名单公示")
    shot("publish")
    shot.phone("publish")
    group.get_by_role("button", name="发布公示").click()
    page.wait_for_url(re.compile(r"/notices/GS[^/]+/$"))
    notice = PublicNotice.objects.get()
    assert notice.ends_on == ends and page.url.endswith(f"/notices/{notice.number}/")
    assert f"{ends:%Y-%m-%d}" in messages_of(page), messages_of(page)
    log_out(page)

    # --- anyone: the notice page, an objection, a tracking number ---------------------------------------------
    page.goto(f"{base}/")
    page.locator("main a", has_text="公示").first.click()
    page.wait_for_url(re.compile(r"/notices/$"))
    row = page.locator("main table tbody tr", has_text=notice.number)
    assert row.count() == 1, main_text(page)
    assert f"{ends:%Y-%m-%d}" in row.inner_text() and "公示中" in row.inner_text(), row.inner_text()
    shot("notice-list")
    shot.phone("notice-list")
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/notices/{notice.number}/$"))
    details = main_text(page)
    assert f"{starts:%Y-%m-%d} 至 {ends:%Y-%m-%d}" in details, details
    entries = page.locator("main table tbody tr")
    assert entries.count() == 2
    for org in (inst_sy, inst_dl):
        listed = entries.filter(has_text=org.name)
        assert AI_NAME in listed.inner_text() and "初级、中级" in listed.inner_text(), listed.inner_text()
    shot("notice-detail")
    shot.phone("notice-detail")
    form = page.locator("#objection form")
    form.locator("#id_application").select_option(str(app_sy.pk))
    form.locator("#id_name").fill("张先生")
    form.locator("#id_text").fill("规模不实")
    form.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()
    errors = " ".join(page.locator("#objection p.error").all_inner_texts())
    assert "请填写联系方式" in errors and "不少于10字" in errors, errors
    assert page.input_value("#id_name") == "张先生" and page.input_value("#id_text") == "规模不实"
    assert page.locator("#id_application").input_value() == str(app_sy.pk)
    shot("objection-error")
    assert not Objection.objects.exists()
    page.fill("#id_contact", CONTACT)
    page.fill("#id_text", OBJECTION)
    page.locator("#objection").get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()
    tracking_no = page.locator("#tracking-no").inner_text().strip()
    objection = Objection.objects.get()
    assert tracking_no == objection.tracking_no and objection.application_id == app_sy.pk
    assert objection.status == Objection.Status.OPEN
    shot("objection-received")
    shot.phone("objection-received")
    page.locator("main a", has_text="查询处理结果").click()
    page.wait_for_url(re.compile(r"/objections/track/"))
    if page.input_value("#id_tracking_no") != tracking_no:
        page.fill("#id_tracking_no", tracking_no)
    page.fill("#id_contact", CONTACT)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    result = page.locator("#result").inner_text()
    assert tracking_no in result and "正在处理" in result, result
    assert OBJECTION not in main_text(page)  # the objection's text is not shown back
    shot("tracking-open")

    # --- the publishing body dismisses the objection ---------------------------------------------------------------
    sign_in(page, base, world.cg_official, PASSWORD)
    todo = todo_rows(page, f"新的公示异议 {tracking_no}")
    assert todo.count() == 1, page.locator("#todo").inner_text()
    assert inst_sy.name in todo.inner_text() and f"{ends:%Y-%m-%d}" in todo.inner_text(), todo.inner_text()
    shot("publisher-todo-objection")
    todo.locator("a").first.click()
    page.wait_for_url(re.compile(r"/directory/objections/"))
    card = page.locator("main section.card", has_text=tracking_no)
    assert card.count() == 1, main_text(page)
    assert "138****1111" in card.inner_text() and CONTACT not in card.inner_text(), card.inner_text()
    assert inst_sy.name in card.inner_text()
    shot("objection-to-resolve")
    card.get_by_label(re.compile("异议不成立")).check()
    card.get_by_label(re.compile("处理结果")).fill(RESOLUTION)
    card.get_by_role("button", name="提交处理结果").click()
    page.wait_for_load_state()
    assert reload(objection).status == Objection.Status.DISMISSED
    assert reload(app_sy).status == Application.Status.IN_NOTICE  # the notice runs on to its end
    log_out(page)

    # --- the visitor follows the tracking number ---------------------------------------------------------------------
    page.goto(f"{base}/objections/track/")
    page.fill("#id_tracking_no", tracking_no)
    page.fill("#id_contact", CONTACT)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    result = page.locator("#result").inner_text()
    assert "异议不成立" in result and RESOLUTION in result, result
    with phone_width(page):
        shot("tracking-resolved-phone")

    # --- the notice ends with no open objection: both institutions enter the catalog -------------------------------
    after = dt.datetime.combine(
        ends + dt.timedelta(days=1), dt.time(9, 0), tzinfo=timezone.get_current_timezone()
    )
    time_machine.move_to(after, tick=True)
    call_command("tick")
    assert reload(notice).status == PublicNotice.Status.ENDED
    listings = {lst.institution_id: lst for lst in Listing.objects.all()}
    assert set(listings) == {inst_sy.pk, inst_dl.pk}
    listing = listings[inst_sy.pk]
    valid_from = after.date()
    valid_until = lr.validity_end(valid_from, 3)
    assert (listing.valid_from, listing.valid_until) == (valid_from, valid_until)

    page.goto(f"{base}/notices/{notice.number}/")
    assert "公示结束" in main_text(page) and page.locator("#objection form").count() == 0
    page.goto(f"{base}/")
    page.locator("main a", has_text="机构目录").first.click()
    page.wait_for_url(re.compile(r"/catalog/"))
    page.get_by_label("关键字").fill(inst_sy.name)
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#catalog-results")).to_contain_text(
        listing.number
    )  # (the CSP forbids evaluated strings)
    row = page.locator("#catalog-results tbody tr", has_text=listing.number)
    text = row.inner_text()
    assert inst_sy.name in text and AI_NAME in text, text
    assert f"{valid_from:%Y-%m-%d}" in text and f"{valid_until:%Y-%m-%d}" in text, text
    assert "有效" in row.locator("td").last.inner_text(), text
    shot("catalog")
    shot.phone("catalog")
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/catalog/{re.escape(listing.number)}/$"))
    entry = main_text(page)
    assert inst_sy.name in entry and f"{valid_until:%Y-%m-%d}" in entry, entry
    shot("catalog-entry")

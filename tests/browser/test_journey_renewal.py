"""JOURNEYS.md 6 in a real Chromium against a live server: four months before its catalog entry expires
the institution finds the renewal on its to-do list, declares the current year's volume, starts the
renewal with its 3-year results report pre-filled, is refused without the industry authority's consent
(DIR-2), the authority consents on its page, the institution applies and the province finds it on its
list; an institution that trained nobody in its first period is forfeited at expiry (`peiyu tick`) and
sees, as the public catalog shows, until when it may not apply for that occupation again (DIR-3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .journey_support import (
    AI_NAME,
    Shots,
    log_out,
    main_text,
    messages_of,
    nav_click,
    old_listing,
    sign_in,
    switch_user,
    todo_rows,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "三年来面向沈阳市企业开展人工智能工程技术人员初级、中级培训，结业合格率稳定在九成以上。"


def test_renewal_reminder_consent_and_application_and_a_forfeited_entry(page, live_server, screenshots):
    from django.core.management import call_command
    from django.utils import timezone

    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Listing, Renewal
    from peiyu.institutions.selectors.listings import renewal_window_for
    from peiyu.institutions.services import listings as listing_services
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    today = timezone.localdate()
    inst_sy, inst_dl = world.orgs["inst_sy"], world.orgs["inst_dl"]
    # an entry four months before its expiry, with the years before this one declared on the platform
    listing = old_listing(inst_sy, valid_until=today + dt.timedelta(days=120))
    declared = {year: 260 + 40 * i for i, year in enumerate(range(listing.valid_from.year, today.year))}
    for year, persons in declared.items():
        listing_services.listing_volume_declare(
            actor=world.sy_inst_admin, listing=listing, year=year, persons=persons
        )
    window = renewal_window_for(listing)
    assert window.rule == "DIR-2" and window.closes > today
    # an entry that ended yesterday, its first period without anyone trained
    idle = old_listing(inst_dl, valid_until=today - dt.timedelta(days=1))
    base = live_server.url
    shot = Shots(page, screenshots, 6)

    # --- the reminder on the institution's to-do list, the pre-filled report ------------------------------------
    sign_in(page, base, world.sy_inst_admin, PASSWORD)
    todo = todo_rows(page, "申请延续")
    assert todo.count() == 1, page.locator("#todo").inner_text()
    assert AI_NAME in todo.inner_text() and f"{listing.valid_until:%Y-%m-%d}" in todo.inner_text(), (
        todo.inner_text()
    )
    assert f"{window.closes:%Y-%m-%d}" in todo.inner_text(), todo.inner_text()
    shot("institution-todo")
    shot.phone("institution-todo")
    todo.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/listings/{listing.pk}/"))
    renewal_card = page.locator("#renewal")
    assert f"{window.closes:%Y-%m-%d}" in renewal_card.inner_text() and "DIR-2" in renewal_card.inner_text()
    # this year's volume, which the platform has no record of, typed by the institution
    page.fill("#vol-year", str(today.year))
    page.fill("#vol-persons", "315")
    page.locator("#volumes").get_by_role("button", name="填报").click()
    page.wait_for_url(re.compile(rf"/directory/listings/{listing.pk}/"))
    volumes = page.locator("#volumes tbody").inner_text()
    assert str(today.year) in volumes and "315" in volumes, volumes
    page.locator("#renewal").get_by_role("button", name="申请延续").click()
    page.wait_for_url(re.compile(rf"/directory/listings/{listing.pk}/"))
    assert "工作成效报告已按平台数据预填" in messages_of(page), messages_of(page)
    report = page.locator("#renewal table.list").first
    rows = report.locator("tbody tr")
    years = [*declared, today.year]
    assert rows.count() == len(years), report.inner_text()
    for i, year in enumerate(years):
        row = rows.nth(i).inner_text()
        assert str(year) in row and str({**declared, today.year: 315}[year]) in row, row
    assert str(sum(declared.values()) + 315) in report.locator("tfoot").inner_text()
    # the upload control speaks the page's language, not Chromium's "Choose File / No file chosen"
    upload = page.locator("#renewal .file-pick")
    assert upload.locator("label.file-button").inner_text().strip() == "选择文件"
    assert upload.locator(".file-name").inner_text().strip() == "未选择文件"
    assert page.locator("#att-file").bounding_box()["width"] <= 1  # the native control is hidden
    page.set_input_files(
        "#att-file", files=[{"name": "同意函.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    assert upload.locator(".file-name").inner_text().strip() == "同意函.pdf"
    shot("report-prefilled")
    shot.phone("report-prefilled")
    page.set_input_files("#att-file", files=[])
    assert upload.locator(".file-name").inner_text().strip() == "未选择文件"
    # without the industry authority's consent the application is refused, citing its rule
    page.fill("#ren-summary", SUMMARY)
    page.locator("#renewal").get_by_role("button", name="提交延续申请").click()
    page.wait_for_load_state()
    refusal = messages_of(page) + page.locator("#renewal").inner_text()
    assert "缺少行业主管部门同意意见" in refusal and "DIR-2" in refusal, refusal
    assert page.input_value("#ren-summary") == SUMMARY
    shot("refused-without-consent")
    renewal = Renewal.objects.get(listing=listing)
    assert renewal.status == Renewal.Status.DRAFT

    # --- the industry authority consents ---------------------------------------------------------------------------
    switch_user(page, base, world.ia_official, PASSWORD)
    todo = todo_rows(page, "延续申请待出具同意意见")
    assert todo.filter(has_text=inst_sy.name).count() == 1, page.locator("#todo").inner_text()
    assert f"{window.closes:%Y-%m-%d}" in todo.inner_text(), todo.inner_text()
    shot("authority-todo")
    todo.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/listings/{listing.pk}/"))
    consent = page.locator("#renewal").get_by_role("button", name="同意该机构延续")
    assert consent.count() == 1, page.locator("#renewal").inner_text()
    shot("authority-consent")
    consent.click()
    page.wait_for_url(re.compile(rf"/directory/listings/{listing.pk}/"))
    assert "已出具同意意见" in messages_of(page), messages_of(page)
    assert world.orgs["ia"].name in page.locator("#renewal").inner_text()

    # --- the institution applies ---------------------------------------------------------------------------------------
    switch_user(page, base, world.sy_inst_admin, PASSWORD)
    page.goto(f"{base}/directory/listings/{listing.pk}/")
    assert world.orgs["ia"].name in page.locator("#renewal").inner_text()
    page.fill("#ren-summary", SUMMARY)
    page.locator("#renewal").get_by_role("button", name="提交延续申请").click()
    page.wait_for_url(re.compile(rf"/directory/listings/{listing.pk}/"))
    assert "延续申请已提交" in messages_of(page), messages_of(page)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED and renewal.consenting_authority == world.orgs["ia"]
    assert SUMMARY in page.locator("#renewals").inner_text()
    shot("applied")
    shot.phone("applied")
    page.goto(f"{base}/home/")
    assert todo_rows(page, "申请延续").count() == 0, page.locator("#todo").inner_text()

    # the province decides a training institution's renewal: it waits on the provincial official's list
    switch_user(page, base, world.ln_official, PASSWORD)
    waiting = todo_rows(page, "延续申请待审核")
    assert waiting.filter(has_text=inst_sy.name).count() == 1, page.locator("#todo").inner_text()
    shot("province-todo")
    log_out(page)

    # --- forfeiture: nobody trained in the first period ------------------------------------------------------------------
    call_command("tick")
    idle.refresh_from_db()
    assert idle.status == Listing.Status.FORFEITED, (idle.status, idle.status_reason)
    ban = idle.reapply_banned_until
    assert ban == idle.valid_until.replace(year=idle.valid_until.year + 3), ban
    sign_in(page, base, world.dl_inst_admin, PASSWORD)
    nav_click(page, "机构目录管理")
    page.wait_for_url(re.compile(r"/directory/listings/"))
    row = page.locator("main table tbody tr", has_text=AI_NAME)
    assert row.count() >= 1, main_text(page)
    shot("forfeited-list")
    page.locator(f"main a[href*='/directory/listings/{idle.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/directory/listings/{idle.pk}/"))
    status = page.locator("#status").inner_text()
    assert "视为主动放弃" in status and f"{ban:%Y-%m-%d} 前不得再次申报" in status, status
    assert "未开展培训" in status or "0 人次" in status, status
    shot("forfeited")
    shot.phone("forfeited")
    log_out(page)

    # the public catalog shows it, with the date until which it may not apply again
    page.goto(f"{base}/")
    page.locator("main a", has_text="机构目录").first.click()
    page.wait_for_url(re.compile(r"/catalog/"))
    page.get_by_label("关键字").fill(inst_dl.name)
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#catalog-results")).to_contain_text(
        idle.number
    )  # (the CSP forbids evaluated strings)
    row = page.locator("#catalog-results tbody tr", has_text=idle.number)
    assert "视为主动放弃" in row.inner_text(), row.inner_text()
    shot("catalog-forfeited")
    shot.phone("catalog-forfeited")
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/catalog/{re.escape(idle.number)}/$"))
    entry = main_text(page)
    assert "视为主动放弃" in entry and f"{ban:%Y-%m-%d}" in entry, entry
    shot("catalog-entry-forfeited")
    shot.phone("catalog-entry-forfeited")

"""A call published by an official, in a real Chromium (issue 12 point 2, journey 12): the Liaoning
provincial official drafts a call at desktop width — the quotas pre-filled from the profile, the founding
cutoff fixed by it, a refused save that keeps what was typed — and publishes it after confirming; then
anyone on a phone (390 px) finds it on the portal among the calls open to Shenyang, and it is not listed
for Hubei."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.journey_support import nav_click

from .training_support import log_in, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")
TITLE = "辽宁省数字技术工程师培育项目第三批机构申报"


def test_provincial_official_publishes_a_call_the_portal_shows_on_a_phone(page, live_server, screenshots):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Call
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    base = live_server.url
    shot = shooter(page, screenshots, "calls")
    today = dt.date.today()

    device = TOTPDevice.objects.create(user=world.ln_official, name="手机认证器", confirmed=True)
    log_in(page, base, "ln_official", PASSWORD, device=device)
    nav_click(page, "申报通知管理")
    page.wait_for_url(re.compile(r"/directory/calls/$"))
    page.locator("main a", has_text="起草申报通知").click()
    page.wait_for_url(re.compile(r"/directory/calls/new/$"))
    # pre-filled from the profile: the quotas as inputs, the founding cutoff shown but fixed
    assert page.input_value("#f-quota_table\\.quota_training-default") == "2"
    assert "沈阳市 5" in page.input_value("#f-quota_table\\.quota_training-overrides")
    assert page.locator("input[name=founded_on_or_before]").count() == 0
    assert "2018-12-31" in page.locator("#item-founded_on_or_before").inner_text()
    shot("01-new-prefilled")

    page.fill("#f-title", TITLE)
    page.check("input[name=kinds][value=training]")
    page.check(f"input[name=occupation_codes][value='{f.AI}']")
    page.fill("#f-deadline", (today - dt.timedelta(days=3)).isoformat())  # before the first day: refused
    page.fill("#f-quota_table\\.quota_training-default", "3")
    page.locator("#call-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "截止日期不能早于开始受理日期" in page.locator("#call-form").inner_text()
    assert page.input_value("#f-title") == TITLE
    assert page.input_value("#f-quota_table\\.quota_training-default") == "3"
    assert page.is_checked(f"input[name=occupation_codes][value='{f.AI}']")
    shot("02-field-error-kept")
    assert not Call.objects.exists()

    page.fill("#f-deadline", (today + dt.timedelta(days=30)).isoformat())
    page.locator("#call-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/directory/calls/\d+/$"))
    assert "已保存申报通知草稿" in messages_of(page)
    assert page.locator("#call-status").inner_text().strip() == "草稿"
    assert "已调整" in page.locator("#prefilled").inner_text()
    shot("03-draft")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#act button", has_text="发布").click()
    page.wait_for_load_state()
    assert page.locator("#call-status").inner_text().strip() == "已发布", messages_of(page)
    assert "申报通知已发布" in messages_of(page)
    assert page.locator("#act button", has_text="发布").count() == 0
    assert page.locator("#checks").inner_text().count("通过") >= 4
    shot("04-published")
    call = Call.objects.get()
    assert call.status == Call.Status.PUBLISHED and call.quota_table["quota_training"]["default"] == 3
    page.context.clear_cookies()

    # --- the portal on a phone ----------------------------------------------------------------------
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/calls/?region=210100")
    open_calls = page.locator("#open-calls")
    assert open_calls.locator("a", has_text=TITLE).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the phone
    shot("05-portal-phone")
    page.goto(f"{base}/calls/?region=420100")
    assert page.locator("main a", has_text=TITLE).count() == 0
    page.goto(f"{base}/calls/?region=210100")
    open_calls.locator("a", has_text=TITLE).click()
    page.wait_for_url(re.compile(rf"/calls/{call.code}/$"))
    body = page.locator("main").inner_text()
    assert "人工智能工程技术人员" in body and "默认 3" in body and "在线申报" in body
    assert CJK.search(page.locator("main h1").inner_text())
    shot("06-portal-detail-phone")

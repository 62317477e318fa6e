"""A city official logs in with password and TOTP, sees the Chinese workbench, switches to English
and logs out to the public portal, in a real Chromium against a live server (SEC-1: officials pass
two factors)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")


def _html_lang(page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def test_city_official_logs_in_with_totp_switches_language_and_logs_out(page, live_server, screenshots):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.audit.models import AuditEvent
    from tests.personas import PASSWORD, build_world

    world = build_world()
    official = world.sy_official
    device = TOTPDevice.objects.create(user=official, name="手机认证器", confirmed=True)

    # password
    page.goto(f"{live_server.url}/accounts/login/")
    assert _html_lang(page) == "zh-hans"
    page.fill("#id_username", "sy_official")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()

    # second factor: an official with a confirmed device is sent to the verify page
    page.wait_for_url(re.compile(r"/accounts/otp/verify/"))
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.locator("main form button[type=submit]").click()

    # the Chinese workbench with its to-do section
    page.wait_for_url(re.compile(r"/home/$"))
    assert page.locator("main h1").first.inner_text().strip() == "工作台"
    todo = page.locator("#todo")
    assert todo.is_visible()
    assert todo.locator("h2").inner_text().strip() == "待办事项"
    page.screenshot(path=str(screenshots / "home-zh.png"), full_page=True)
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor_id=official.pk).exists()

    # switch to English with the top-bar button
    page.locator("header form.lang button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # (the CSP forbids evaluated strings)
    assert page.url.endswith("/home/")
    assert _html_lang(page) == "en"
    heading = page.locator("main h1").first.inner_text().strip()
    todo_heading = page.locator("#todo h2").inner_text().strip()
    page.screenshot(path=str(screenshots / "home-en.png"), full_page=True)
    assert heading == "Workbench", f"heading not translated: {heading!r}"
    assert todo_heading == "To do", f"to-do heading not translated: {todo_heading!r}"
    logout = page.locator("header form[action$='/accounts/logout/'] button[type=submit]")
    assert not CJK.search(logout.inner_text()), "the top bar is not translated"
    # the switch offers the way back
    assert page.locator("header form.lang button[name=language][value=zh-hans]").is_visible()

    # log out from the top bar and land on the public portal
    logout.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    assert page.locator("main h1").first.is_visible()
    assert page.locator("header a[href$='/accounts/login/']").is_visible()
    assert page.locator("header form[action$='/accounts/logout/']").count() == 0
    page.screenshot(path=str(screenshots / "portal-after-logout.png"), full_page=True)

    # the session is gone: the workbench asks for a login again
    page.goto(f"{live_server.url}/home/")
    assert "/accounts/login/" in page.url

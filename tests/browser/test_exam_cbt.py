"""The computer-based theory exam in a real Chromium (issue 13 points 7 and 13, EVL-6): a candidate
passes the identity check, answers (autosaved by cbt.js), reloads mid-exam and finds her answers; her
laptop "crashes" (a new browser context at phone width), the new computer waits, the proctor approves
the resumption on the console, and she finishes on the new computer with her answers kept.
Screenshots at 1280 px and 390 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.training_support import log_in, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _identify(page, base, reg, id_number):
    page.goto(f"{base}/exam/sit/")
    page.fill("#f-id", id_number)
    page.fill("#f-ticket", reg.ticket_number)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_candidate_sits_the_exam_through_a_reload_and_a_crash_with_the_proctors_approval(
    page, live_server, screenshots
):
    from django.utils import timezone

    from peiyu.exams.models import Attempt
    from peiyu.exams.tests import factories
    from peiyu.exams.tests.cbt_support import build_exam
    from tests.personas import PASSWORD

    world = factories.build()
    exam = build_exam(world, candidates=2, starts=timezone.now() - dt.timedelta(minutes=2))
    reg, id_number = exam.candidates[0]
    base = live_server.url
    shot = shooter(page, screenshots, "exam-cbt")

    _identify(page, base, reg, id_number)
    page.wait_for_url(re.compile(r"/exam/sit/paper/$"))
    items = page.locator(".cbt-item")
    chosen = []
    for i in range(3):
        option = items.nth(i).locator("input").nth(1)
        option.check()
        chosen.append((items.nth(i).get_attribute("data-position"), option.get_attribute("value")))
        # (expect, not wait_for_function: the page's CSP forbids evaluating strings as script)
        expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^已保存"))
    expect(page.locator("[data-revision]")).to_have_value("3")
    assert re.match(r"\d+:\d\d", page.locator("[data-countdown]").inner_text())
    shot("1280-paper")
    page.reload()  # mid-exam: everything is still there
    for position, value in chosen:
        assert page.locator(f".cbt-item[data-position='{position}'] input[value='{value}']").is_checked()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # only counts when hidden
    attempt = Attempt.objects.get(registration=reg)
    assert attempt.revision == 3 and len(attempt.answers) == 3

    # the laptop crashes: another computer (a fresh browser, phone width to see the layout there)
    spare = page.context.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    spare.set_default_timeout(15_000)
    phone = spare.new_page()
    phone.on("dialog", lambda d: d.accept())
    _identify(phone, base, reg, id_number)
    phone.wait_for_url(re.compile(r"/exam/sit/wait/$"))
    assert "等待监考人员确认" in phone.locator("main").inner_text()
    shooter(phone, screenshots, "exam-cbt")("390-wait")

    proctor = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    console = proctor.new_page()
    log_in(console, base, "cd_proctor", PASSWORD)
    console.goto(f"{base}/exams/proctor/sittings/{exam.sitting.pk}/")
    assert "续考申请" in console.locator("main").inner_text()
    shooter(console, screenshots, "exam-cbt")("1280-console-request")
    console.fill("input[name=note]", "原计算机死机，已核对身份证")
    with console.expect_navigation():
        console.locator("button[value=approve]").click()
    assert "已同意" in console.locator("main ul.messages").inner_text()
    shooter(console, screenshots, "exam-cbt")("1280-console-approved")

    # the waiting page refreshes itself every few seconds (and has a 刷新 link): now it goes on
    phone.wait_for_url(re.compile(r"/exam/sit/paper/$"), timeout=60_000)  # a loaded machine is slow
    for position, value in chosen:
        assert phone.locator(f".cbt-item[data-position='{position}'] input[value='{value}']").is_checked()
    fourth = phone.locator(".cbt-item").nth(3).locator("input").first
    fourth.check()
    expect(phone.locator("[data-revision]")).to_have_value("4")
    shooter(phone, screenshots, "exam-cbt")("390-paper-resumed")
    phone.locator("button[value=submit]").click()
    phone.wait_for_url(re.compile(r"/exam/sit/done/$"))
    assert "已交卷" in phone.locator("main").inner_text()
    shooter(phone, screenshots, "exam-cbt")("390-done")

    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.devices == 2 and len(attempt.answers) == 4
    assert attempt.objective_score is not None
    page.goto(f"{base}/exam/sit/paper/")  # the crashed laptop's session is no longer bound
    page.wait_for_url(re.compile(r"/exam/sit/$"))
    console.goto(f"{base}/exams/proctor/sittings/{exam.sitting.pk}/")
    shooter(console, screenshots, "exam-cbt")("1280-console-after")
    spare.close()
    proctor.close()

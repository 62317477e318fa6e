"""Registration in a real Chromium (issue 13 point 5, EVL-8): a candidate on a phone (390 px) registers
for the Chengdu electrician session, sees live which application condition holds and why, signs the
commitment and submits; the institution approves; she downloads her admission ticket. Screenshots at
390 px and 1280 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.training_support import log_in, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_candidate_on_a_phone_registers_signs_and_downloads_her_ticket(page, live_server, screenshots):
    from django.utils import timezone

    from peiyu.exams.models import Registration
    from peiyu.exams.services import registrations as svc
    from peiyu.exams.tests import factories
    from peiyu.exams.tests.registrations_support import candidate, open_session
    from tests.personas import PASSWORD

    world = factories.build()
    session = open_session(world)
    today = timezone.localdate()
    session.registration_opens_on = today - dt.timedelta(days=1)
    session.registration_closes_on = today + dt.timedelta(days=10)
    session.theory_starts_at = timezone.now() + dt.timedelta(days=20)
    session.save(update_fields=["registration_opens_on", "registration_closes_on", "theory_starts_at"])
    candidate(world, "cand1")
    base = live_server.url
    shot = shooter(page, screenshots, "exam-registration")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "cand1", PASSWORD)
    page.goto(f"{base}/exam/register/")
    card = page.locator(f"#session-{session.pk}")
    card.locator("input[name=name]").fill("李晓红")
    card.locator("input[name=id_number]").fill("510107199203040020")
    shot("sessions-390")
    card.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/exam/my/\d+/$"))

    page.select_option("#f-education", "高中")
    page.fill("#f-years", "5")
    expect(page.locator("#live-conditions")).to_contain_text("尚差1年")
    assert "暂不符合任何一条申报条件" in page.locator("#live-conditions").inner_text()
    shot("live-refused-390")
    page.select_option("#f-lower", "五级")
    page.fill("#f-lower-on", "2021-06-30")
    expect(page.locator("#live-conditions .badge.ok").first).to_contain_text("符合申报条件")
    live = page.locator("#live-conditions").inner_text()
    assert "满足" in live and "满4年" in live
    shot("live-holds-390")
    page.locator("#save-facts").click()
    page.wait_for_load_state()
    assert "告知承诺书" in page.locator("#commitment-text").inner_text()
    page.check("#agree")
    page.locator("#sign").click()
    page.wait_for_load_state()
    assert "已签署" in page.locator("main").inner_text()
    page.locator("#submit-registration").click()
    page.wait_for_load_state()
    assert "待资格审核" in page.locator("#status").inner_text()
    shot("submitted-390")

    reg = Registration.objects.get(person__user__username="cand1")
    svc.registration_review(actor=world.users["cd_exam_admin"], registration=reg, action="approve")
    page.reload()
    assert "审核通过" in page.locator("#status").inner_text()
    shot("approved-390")
    with page.expect_download() as download:
        page.locator("#ticket-download").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("approved-1280")

"""The certificate data pipeline in a real Chromium (issue 14 point 4, CRT-3): the Hubei province
reviews a submitted batch and returns one candidate with a reason while confirming the rest; the
institution's batch page on a phone shows the returned candidate, the deadlines and the progress of
issuing. Screenshots at 1280 px and at phone width (390 px)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.training_support import log_in, log_out, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_returns_one_candidate_and_the_institution_sees_it_on_a_phone(
    page, live_server, screenshots, time_machine
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.certificates.models import BatchEntry
    from peiyu.certificates.services import batches as svc
    from peiyu.certificates.tests.support import BEIJING, hubei_dte_session
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    time_machine.move_to(factories.DAY, tick=False)
    world = factories.build()
    session = hubei_dte_session(world, time_machine)
    time_machine.move_to(dt.datetime(2026, 4, 24, 10, 0, tzinfo=BEIJING), tick=True)
    batch = svc.batch_create(actor=world.hb_eval_admin, session_id=session.pk)
    svc.batch_submit(actor=world.hb_eval_admin, batch=batch, exam_report="考核组织规范，无违纪情况。")
    first = BatchEntry.objects.filter(batch=batch).order_by("pk").first()
    base = live_server.url
    shot = shooter(page, screenshots, "certificate-batches")

    device = TOTPDevice.objects.create(user=world.hb_official, name="手机认证器", confirmed=True)
    log_in(page, base, "hb_official", PASSWORD, device=device)
    page.goto(f"{base}/certificates/batches/{batch.pk}/")
    assert "2026-05-12" in page.inner_text("#current-due")
    page.check(f"#ret-{first.pk}")
    page.fill(f"input[name=reason_{first.pk}]", "照片不清晰，请重新采集")
    shot("review-1280")
    page.locator("#review button[type=submit]").click()
    page.wait_for_load_state()
    assert "已确认证书数据" in messages_of(page)
    log_out(page)

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "hb_eval_admin", PASSWORD)
    page.goto(f"{base}/certificates/batches/{batch.pk}/")
    assert "省级退回：照片不清晰，请重新采集" in page.inner_text("#entries + table")
    shot("institution-390")

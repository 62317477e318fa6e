"""Journey 14 end to end in a real Chromium (issue 14 points 4, 5, 6, 7, 10 and 12; CRT-3…CRT-7): a Hubei
DTE session's passing list goes through the pipeline — the evaluation institution makes and submits the
certificate data with its exam report, the province confirms and forwards it, the coordination group
office approves it with one candidate returned (partial approval), the institution issues the rest in
the background and watches the progress; at a job fair an employer scans one certificate's QR code on a
phone, and checks its payload in the offline verifier with the network cut; later an official records
a cheating finding, the institution states the facts, the official decides, and the verification page
shows the certificate invalidated. Screenshots at 1280 px and 390 px (journey14-NN-*.png)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import DESKTOP, PHONE, Shots, main_text, switch_user
from tests.browser.training_support import messages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_journey14_a_hubei_passing_list_is_confirmed_approved_issued_verified_offline_and_invalidated(
    page, live_server, screenshots, time_machine, settings, monkeypatch
):
    from django.urls import reverse

    from peiyu.certificates.models import BatchEntry, Certificate, IssuanceBatch
    from peiyu.certificates.services.batches_issue import TASK, batch_issue_run
    from peiyu.certificates.tests.support import BEIJING, HUBEI, hubei_dte_session
    from peiyu.core.tasks import task_named
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    time_machine.move_to(factories.DAY, tick=False)
    world = factories.build()
    session = hubei_dte_session(world, time_machine)  # exam 2026-04-02, notice over, passing list frozen
    time_machine.move_to(dt.datetime(2026, 4, 24, 10, 0, tzinfo=BEIJING), tick=True)
    base = live_server.url
    shot = Shots(page, screenshots, 14)
    page.set_viewport_size(DESKTOP)

    # the evaluation institution makes the certificate data from the passing list and submits it
    switch_user(page, base, world.hb_eval_admin, PASSWORD)
    page.goto(f"{base}/certificates/batches/")
    ready = page.locator("#sessions-ready")
    assert session.title in ready.inner_text()
    _click(page, f"#sessions-ready a[href$='?session={session.pk}']")
    _click(page, "main form button.primary")
    assert "已根据合格名单生成证书数据" in messages_of(page)
    batch = IssuanceBatch.objects.get(session_id=session.pk)
    assert page.url.endswith(f"/certificates/batches/{batch.pk}/")
    page.fill(
        "#id_exam_report", "理论知识考试为上机考试，专业能力考核由考评组现场评分；考场视频完整，无违纪情况。"
    )
    shot("institution-submits")
    _click(page, "#submit button.primary")
    batch.refresh_from_db()
    assert batch.status == "submitted"
    shot.phone("submitted")

    # the province confirms it within its working days and forwards it to the coordination group office
    switch_user(page, base, world.hb_official, PASSWORD)
    page.goto(f"{base}/certificates/batches/{batch.pk}/")
    assert "2026-05-12" in page.inner_text("#current-due")  # 10 PRC working days, the May Day holiday skipped
    shot("province-reviews")
    _click(page, "#review button.primary")
    assert "已确认证书数据" in messages_of(page)
    _click(page, "#steps form:has(input[value=forward]) button")
    batch.refresh_from_db()
    assert batch.status == "forwarded"

    # the coordination group office approves, returning one candidate with a reason
    entries = list(BatchEntry.objects.filter(batch=batch).order_by("pk"))
    assert len(entries) == len([h for h in HUBEI if float(h[1]) >= 60 and float(h[2]) >= 60]) == 3
    returned = entries[-1]
    switch_user(page, base, world.cg_official, PASSWORD)
    page.goto(f"{base}/certificates/batches/{batch.pk}/")
    page.check(f"#ret-{returned.pk}")
    page.fill(f"input[name=reason_{returned.pk}]", "专业能力考核评分记录缺少考评员签字，请补正后另行报送")
    shot("office-returns-one")
    _click(page, "#review button.primary")
    batch.refresh_from_db()
    assert batch.status == "approved"
    assert "专业能力考核评分记录缺少考评员签字" in main_text(page)

    # the institution issues the approved candidates in the background and watches the progress
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[tuple] = []
    monkeypatch.setattr(task_named(TASK), "delay", lambda *args: queued.append(args))
    switch_user(page, base, world.hb_eval_admin, PASSWORD)
    page.goto(f"{base}/certificates/batches/{batch.pk}/")
    _click(page, "#steps form:has(input[value=issue]) button")
    progress = page.locator("#issue-progress")
    assert "正在颁发证书" in progress.inner_text() and "已完成 0 / 2 本" in progress.inner_text()
    shot("issuing")
    assert queued == [(batch.pk, world.hb_eval_admin.pk)]
    batch_issue_run(*queued[0])  # the worker's turn
    # the page polls (htmx, every 2 s) and shows the batch issued without a reload
    expect(page.locator("#issue-progress")).to_contain_text("已颁发证书 2 / 2 本", timeout=15_000)
    issued = list(Certificate.objects.filter(batch=batch).order_by("number"))
    assert len(issued) == 2 and all(c.kind == "level" and c.payload for c in issued)
    page.reload()
    assert all(c.number in page.inner_text("#entries + table") for c in issued)
    shot("issued")
    returned.refresh_from_db()
    assert returned.certificate_id is None and returned.status == "returned"
    cert = issued[0]

    # at a job fair: an employer scans the QR code on the printed certificate with a phone
    fair = page.context.browser.new_context(locale="zh-CN", viewport=PHONE)
    phone = fair.new_page()
    phone_shot = Shots(phone, screenshots, "14-fair")
    phone.goto(base + reverse("cert_public:verify_qr", args=[cert.payload]))
    assert phone.inner_text("#verdict").startswith("有效")
    assert "二维码签名有效" in phone.inner_text("#signature")
    table = phone.inner_text("#certificate")
    assert cert.number in table and "湖北" in table and "初级" in table and cert.holder_name not in table
    phone_shot("employer-scans-390")

    # the fair's network is down: the offline verifier, loaded before, checks the signature alone
    phone.goto(base + reverse("cert_public:offline_verifier"))
    assert "已载入公钥" in phone.inner_text("#keys-status")
    fair.set_offline(True)
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    phone.fill("#payloads", base + reverse("cert_public:verify_qr", args=[cert.payload]))
    phone.locator("#verify-button").click()
    result = phone.locator("#results-body li").first
    assert result.inner_text().startswith("✔") and cert.number in result.inner_text()
    assert requests == []
    phone_shot("offline-verifier-390")
    fair.set_offline(False)

    # later: the province records a cheating finding; the institution states the facts; the province decides
    switch_user(page, base, world.hb_official, PASSWORD)
    page.goto(f"{base}/certificates/{cert.pk}/invalidate/")
    page.check("input[name=cause][value=cheating]")
    page.check("input[name=scope][value=certificate]")
    page.fill("#id_finding", "巡考视频显示该考生在专业能力考核中由他人代为操作模型部署，考务记录与视频一致。")
    shot("finding")
    _click(page, "main form.card button.primary")
    finding_url = page.url
    assert re.search(r"/certificates/invalidations/\d+/$", finding_url)

    switch_user(page, base, world.hb_eval_admin, PASSWORD)
    page.goto(finding_url)
    page.fill(
        "#id_statement", "经核实，该考生专业能力考核时确有他人协助操作，监考人员未及时发现，本机构已整改。"
    )
    _click(page, "form.card:has(input[value=state]) button.primary")
    shot.phone("statement")

    switch_user(page, base, world.hb_official, PASSWORD)
    page.goto(finding_url)
    page.fill("#id_note", "依据001第二十九条，考核中存在替考行为，宣布证书无效。")
    _click(page, "form.card:has(input[value=decide]) button.primary")
    cert.refresh_from_db()
    assert cert.status == "invalidated"
    shot("decided")

    # every verifier sees it at once: by number, and by the same QR code on the employer's phone
    phone.goto(base + reverse("cert_public:verify") + f"?number={cert.number}")
    verdict = phone.inner_text("#verdict")
    assert verdict.startswith("已宣布无效") and "考试作弊" in verdict
    phone_shot("invalidated-390")
    phone.goto(base + reverse("cert_public:verify_qr", args=[cert.payload]))
    assert phone.inner_text("#verdict").startswith("已宣布无效")
    page.goto(base + reverse("cert_public:verify") + f"?number={cert.number}")
    assert page.inner_text("#verdict").startswith("已宣布无效")
    shot("invalidated")
    fair.close()

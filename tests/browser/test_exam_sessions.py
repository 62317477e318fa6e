"""Exam sessions in a real Chromium (issue 13 point 4, EVL-5): the Chengdu evaluation organisation creates a
session — first at a site the bureau has not accepted, refused with EVL-9 shown next to what was typed —
then at its accepted site, announces it and opens registration; the step bar follows. Screenshots at
1280 px and at phone width (390 px), and the public announcement."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.training_support import log_in, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_institution_creates_announces_and_opens_a_session(page, live_server, screenshots):
    from django.utils import timezone

    from peiyu.exams.models import EvaluationSession
    from peiyu.exams.tests import factories
    from peiyu.exams.tests.sessions_support import full_bank
    from tests.personas import PASSWORD

    world = factories.build()
    org = world.orgs["cd_social1"]
    accepted = factories.site(org, name="武侯科华考点")
    pending = factories.site(org, status="reported", name="高新待受理考点")
    full_bank(world)
    today = timezone.localdate()
    base = live_server.url
    shot = shooter(page, screenshots, "exam-session")

    log_in(page, base, "cd_exam_admin", PASSWORD)
    page.goto(f"{base}/exams/sessions/")
    page.get_by_role("link", name="新建考核批次").click()
    page.wait_for_url(re.compile(r"/exams/sessions/new/$"))
    page.select_option("#id_listing", str(world.listings["cd_elec"].pk))
    page.select_option("#id_level", "四级")
    page.fill("#id_title", "2026年第四批电工四级认定")
    page.select_option("#id_site", str(pending.pk))
    page.select_option("#id_bank", index=1)
    page.fill("#id_capacity", "40")
    page.fill("#id_fee", "300")
    page.fill("#id_registration_opens_on", today.isoformat())
    page.fill("#id_registration_closes_on", (today + dt.timedelta(days=10)).isoformat())
    page.fill("#id_theory_starts_at", f"{(today + dt.timedelta(days=20)).isoformat()}T09:00")
    page.fill("#id_practical_on", (today + dt.timedelta(days=21)).isoformat())
    page.fill("#id_announcement", "报名条件见本机构年度评价计划，考试采用上机考试。")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_load_state()
    refusal = page.locator("#refusal")
    assert "EVL-9" in refusal.inner_text() and "尚未经人社部门受理" in refusal.inner_text()
    assert page.input_value("#id_title") == "2026年第四批电工四级认定"  # nothing typed is lost
    shot("refused-1280")

    page.select_option("#id_site", str(accepted.pk))
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/exams/sessions/\d+/$"))
    session = EvaluationSession.objects.get()
    assert "考核批次已创建" in messages_of(page)
    assert page.locator("#steps li.current").count() == 0  # in draft: no step under way yet
    shot("draft-1280")

    page.get_by_role("button", name="发布考核公告").click()
    page.wait_for_load_state()
    assert "已办理" in messages_of(page)
    assert page.locator("#steps li.current").inner_text() == "公告发布"
    page.get_by_role("button", name="开始报名").click()
    page.wait_for_load_state()
    session.refresh_from_db()
    assert session.status == "registration"
    assert page.locator("#steps li.current").inner_text() == "报名受理"
    assert "报名中" in page.locator("#status").inner_text()
    shot("registration-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot("registration-390")
    page.goto(f"{base}/exams/sessions/")
    assert session.number in page.inner_text("main")
    shot("list-390")
    page.goto(f"{base}/exam/sessions/{session.number}/")
    assert "武侯科华考点" in page.inner_text("main")
    shot("announcement-390")

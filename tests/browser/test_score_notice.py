"""The score notice in a real Chromium (issue 13 points 9 and 13, EVL-5): the Chengdu evaluation
organisation publishes the notice from its results page (the period shown as a from–to range in working
days), and a member of the public opens it on a phone, sees masked names and files an objection, getting
a tracking number. Screenshots at 1280 px and at phone width (390 px)."""

from __future__ import annotations

import re

import pytest

from tests.browser.training_support import log_in, log_out, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_institution_publishes_the_notice_and_the_public_objects_on_a_phone(page, live_server, screenshots):
    from peiyu.exams.models import ScoreNotice, ScoreObjection
    from peiyu.exams.tests import factories
    from peiyu.exams.tests.scores_support import graded_session
    from tests.personas import PASSWORD

    world = factories.build()
    session = graded_session(world)
    base = live_server.url
    shot = shooter(page, screenshots, "score-notice")

    log_in(page, base, "cd_exam_admin", PASSWORD)
    page.goto(f"{base}/exams/scores/sessions/{session.pk}/")
    assert re.search(
        r"\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}（5个工作日），自发布次日起算", page.inner_text("#publish")
    )
    shot("results-1280")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#publish button[type=submit]").click()
    page.wait_for_load_state()
    assert "已发布成绩公示" in messages_of(page)
    notice = ScoreNotice.objects.get(session=session)
    assert notice.number in page.inner_text("#notice-period")
    shot("published-1280")
    log_out(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/exam/score-notices/{notice.number}/")
    rows = page.inner_text("#notice-rows")
    assert "王**" in rows and "王小明" not in rows and "免考理论" in rows
    shot("public-390")
    page.select_option("#id_registration", index=3)
    page.fill("#id_name", "陈异议")
    page.fill("#id_phone", "1380013800")  # one digit short: refused, nothing typed lost
    page.fill("#id_content", "该考生实操考核时我在场，评分明显偏低，请求复核。")
    page.locator("#objection button[type=submit]").click()
    page.wait_for_load_state()
    assert page.input_value("#id_content").startswith("该考生实操考核")
    assert page.locator("#objection .error").count() >= 1
    shot("objection-error-390")
    page.fill("#id_phone", "13800138000")
    page.locator("#objection button[type=submit]").click()
    page.wait_for_load_state()
    objection = ScoreObjection.objects.get()
    assert page.inner_text("#tracking-number") == objection.tracking_number
    shot("objection-created-390")

"""Practical scoring in a real Chromium (issue 13 point 8, EVL-6): the three examiners of a drawn practical
panel each score a candidate per criterion on a phone (390 px), and the panel leader confirms the panel's
scores; the candidate's practical score is the mean. Screenshots at phone width and at 1280 px."""

from __future__ import annotations

import re

import pytest

from tests.browser.training_support import log_in, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_examiners_score_a_candidate_on_a_phone_and_the_leader_confirms(page, live_server, screenshots):
    from peiyu.exams.services.panels import panel_draw
    from peiyu.exams.tests import factories
    from peiyu.exams.tests.examiners_support import session_with_candidates
    from tests.personas import PASSWORD

    world = factories.build()
    sess, regs = session_with_candidates(world, n=1)
    panel = panel_draw(actor=world.users["cd_exam_admin"], session=sess, kind="practical", seed="浏览器")
    members = list(panel.members.select_related("examiner__user").order_by("role", "id"))
    base = live_server.url
    shot = shooter(page, screenshots, "exam-scoring")
    page.set_viewport_size({"width": 390, "height": 844})
    marks = [("36", "50"), ("38", "55"), ("30", "45.5")]
    for m, (safety, wiring) in zip(members, marks, strict=True):
        log_in(page, base, m.examiner.user.username, PASSWORD)
        page.goto(f"{base}/exams/panels/{panel.pk}/score/{regs[0].pk}/")
        page.fill("#m-1", safety)
        page.fill("#m-2", "abc")
        page.locator("#score-form button.primary").click()
        page.wait_for_load_state()
        assert "应为数字" in page.locator("#score-form").inner_text()
        assert page.input_value("#m-1") == safety  # what was typed is kept
        if m.role == "leader":
            shot("error-390")
        page.fill("#m-2", wiring)
        page.locator("#score-form button.primary").click()
        page.wait_for_url(re.compile(rf"/exams/panels/{panel.pk}/score/$"))
        assert "已保存" in messages_of(page)
        if m.role == "leader":
            shot("saved-390")
        page.context.clear_cookies()  # the next examiner signs in on the same phone
    leader = members[0]
    assert leader.role == "leader"
    log_in(page, base, leader.examiner.user.username, PASSWORD)
    page.goto(f"{base}/exams/panels/{panel.pk}/")
    page.locator("#confirm-form button.primary").click()
    page.wait_for_load_state()
    assert "已确认本组成绩" in messages_of(page)
    shot("confirmed-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    shot("confirmed-1280")
    regs[0].refresh_from_db()
    assert str(regs[0].practical_score) == "84.8"  # (86 + 93 + 75.5) / 3 = 84.83

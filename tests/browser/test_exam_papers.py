"""Papers in a real Chromium (issue 13 point 3, EVL-2/EVL-5): the Chengdu organisation's exam
administrator opens the session's papers page (forms and overlap pre-filled from the session), asks
for more forms than the bank can support at that overlap (refused with the short cells and amounts in
Chinese, nothing assembled), assembles two forms, seals them (digests shown, never content) and voids
one with a reason. Screenshots at 1280 px and at phone width (390 px)."""

from __future__ import annotations

import pytest

from tests.browser.training_support import log_in, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_assembles_seals_and_voids_forms(page, live_server, screenshots):
    from peiyu.exams.models import AssemblyRun, Paper
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    world = factories.build()
    bank = factories.bank(world.orgs["cd_social1"], world.users["cd_setter"], per_cell=1.5, practical=4)
    session = factories.session(world, status="papers", bank_=bank)
    base = live_server.url
    shot = shooter(page, screenshots, "exam-papers")

    log_in(page, base, "cd_exam_admin", PASSWORD)
    page.goto(f"{base}/exams/papers/sessions/{session.pk}/")
    assert page.input_value("#f-forms") == "2" and page.input_value("#f-max_overlap") == "30%"
    shot("session-1280")
    page.fill("#f-forms", "6")
    page.fill("#f-max_overlap", "10%")
    page.locator("#assemble button.primary").click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "题库无法满足权重表" in text and "至少需" not in text  # the table, not the raw message
    assert "缺少" in text and "单项选择题" in text and "4 套" in text  # practical sets counted in 套
    assert not Paper.objects.filter(session=session).exists()
    shot("infeasible-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("infeasible-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.fill("#f-forms", "2")
    page.fill("#f-max_overlap", "60%")
    page.locator("#assemble button.primary").click()
    page.wait_for_load_state()
    assert "组卷成功" in messages_of(page)
    run = AssemblyRun.objects.filter(session=session, outcome="assembled").get()
    page.locator(f"#run-{run.pk} form button").click()
    page.wait_for_load_state()
    assert "已封存4套试卷" in messages_of(page)
    paper = Paper.objects.get(session=session, kind="theory", form="A")
    assert paper.digest in page.inner_text("#forms")
    shot("sealed-1280")
    row = page.locator("#forms tr", has_text=paper.digest)
    row.locator("input[name=reason]").fill("试卷疑似泄露")
    row.locator("form:has(input[value=void]) button").click()
    page.wait_for_load_state()
    assert "试卷已作废" in messages_of(page)
    paper.refresh_from_db()
    assert paper.status == "voided" and "试卷疑似泄露" in page.inner_text("#forms")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("voided-390")

"""Question banks in a real Chromium (issue 13 point 2, EVL-2): the Chengdu organisation's question setter
writes a single-choice item (a wrong answer letter is refused on the form, nothing typed lost) and submits
it; the reviewer finds it in the review queue, opens its content (audited) and passes it; the approver
approves it — three different people. Screenshots at 1280 px and at phone width (390 px)."""

from __future__ import annotations

import re

import pytest

from tests.browser.training_support import log_in, log_out, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_setter_writes_reviewer_reviews_approver_approves(page, live_server, screenshots):
    from peiyu.audit.models import AuditEvent
    from peiyu.exams.models import Item
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    world = factories.build()
    bank = factories.bank(world.orgs["cd_social1"], world.users["cd_setter"], per_cell=0)
    base = live_server.url
    shot = shooter(page, screenshots, "exam-bank")

    log_in(page, base, "cd_setter", PASSWORD)
    page.goto(f"{base}/exams/banks/{bank.pk}/")
    shot("bank-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("bank-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/exams/banks/{bank.pk}/items/new/?type=single")
    page.select_option("#f-area", "B")
    page.select_option("#f-diff", "2")
    page.fill("#f-stem", "安全电压一般不超过（  ）V。")
    page.fill("#f-options", "36\n110\n220\n380")
    page.fill("#f-answer", "E")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_load_state()
    assert "标准答案应为选项字母" in page.inner_text("main")
    assert page.input_value("#f-stem") == "安全电压一般不超过（  ）V。"
    shot("refused-1280")
    page.fill("#f-answer", "A")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/exams/items/\d+/$"))
    item = Item.objects.get(bank=bank)
    page.locator("form:has(input[value=submit]) button").click()
    page.wait_for_load_state()
    assert "已办理" in messages_of(page)
    log_out(page)

    log_in(page, base, "cd_reviewer", PASSWORD)
    page.goto(f"{base}/exams/items/queue/")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("queue-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"a:has-text('{item.code}')").first.click()
    page.locator("a:has-text('查看试题内容')").click()
    page.wait_for_load_state()
    assert "安全电压" in page.inner_text("main")
    assert AuditEvent.objects.filter(action="exam_item.content_viewed", actor_repr="cd_reviewer").exists()
    shot("review-1280")
    page.locator("form:has(input[value=review]) button").click()
    page.wait_for_load_state()
    log_out(page)

    log_in(page, base, "cd_approver", PASSWORD)
    page.goto(f"{base}/exams/items/{item.pk}/")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("approve-390")
    page.locator("form:has(input[value=approve]) button").click()
    page.wait_for_load_state()
    shot("approved-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("approved-1280")
    item.refresh_from_db()
    assert item.status == "approved"
    assert (item.written_by.username, item.reviewed_by.username, item.approved_by.username) == (
        "cd_setter", "cd_reviewer", "cd_approver",
    )  # fmt: skip

"""The folded 考核 menu in a real Chromium: the exam administrator's evaluation entries sit under one
entry of the top bar; clicking it shows them, clicking one follows it, a click elsewhere folds it
again. At 1280 px it drops down; at phone width it opens inside the unfolded menu."""

from __future__ import annotations

import re

import pytest

from tests.browser.journey_support import DESKTOP, PHONE, nav_click, open_menu
from tests.browser.training_support import log_in, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_exam_administrators_menu_folds_and_unfolds(page, live_server, screenshots, size):
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    factories.build()
    base = live_server.url
    page.set_viewport_size(size)
    shot = shooter(page, screenshots, f"exam-menu-{size['width']}")
    log_in(page, base, "cd_exam_admin", PASSWORD)
    open_menu(page)
    group = page.locator(
        "header nav.main-nav details.nav-group", has=page.locator("summary", has_text="考核")
    )
    assert group.count() == 1
    sessions = group.locator("a", has_text="考核批次")
    assert not sessions.is_visible()
    group.locator("summary").click()
    assert sessions.is_visible()
    shot("open")
    page.mouse.click(8, size["height"] - 8)  # a click elsewhere on the page
    assert group.get_attribute("open") is None
    nav_click(page, "考核批次")
    page.wait_for_url(re.compile(r"/exams/sessions/$"))
    assert page.locator("h1").first.inner_text().strip()

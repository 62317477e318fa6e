"""The expert panel pages as their users read them (issue 12, point 7): names and draw positions instead
of internal ids (the ids in the technical-details fold), the step by its name, a refused score saying what
is wrong, the panel linked from the application it reviews, and Chengdu's panels citing Chengdu's
measures."""

from __future__ import annotations

import re

import pytest

from .test_panels import Journey

pytestmark = pytest.mark.urls("peiyu.institutions.tests.test_panels")


@pytest.fixture
def journey(world, policies):
    return Journey(world)


def _text(html: str) -> str:
    """The page's visible text outside the technical-details folds, tags dropped."""
    html = re.sub(r"<details class=\"tech\".*?</details>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_application_under_review_links_its_panel(journey, login_as):
    journey.pool(3)
    panel = journey.draw(size=2)
    page = login_as(journey.official).get(f"/directory/applications/{journey.app_sy.pk}/").content.decode()
    act = page[page.index('id="act"') :]
    assert f'href="/directory/panels/{panel.pk}/"' in act
    assert "查看专家组（缺评、结束评议）" in act

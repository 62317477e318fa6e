"""The demo-only accounts page (issue 12, point 8): every demo account grouped by the journey of
JOURNEYS.md that uses it, the accounts a section registers (`register_demo_accounts`) in their journeys
without a change in the demo app; only while the demo setting is on — a 404 otherwise, and always in
production."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from peiyu.core import registry
from peiyu.demo.journeys import by_journey

pytestmark = pytest.mark.django_db
URL = "/demo/accounts/"


def test_the_page_is_a_404_unless_the_demo_setting_is_on(world, settings):
    settings.PEIYU_DEMO = False
    assert Client().get(URL).status_code == 404
    settings.PEIYU_DEMO = True
    assert Client().get(URL).status_code == 200  # before signing in: a newcomer needs it to sign in


def test_production_settings_switch_the_page_off():
    import ast
    from pathlib import Path

    import peiyu.config.settings as package

    source = (Path(package.__path__[0]) / "production.py").read_text()
    assigned = {
        t.id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name) and isinstance(node.value, ast.Constant)
    }
    assert assigned["PEIYU_DEMO"] is False


def test_accounts_are_grouped_by_journey_with_names_and_roles(world, settings):
    settings.PEIYU_DEMO = True
    html = Client().get(reverse("demo:accounts")).content.decode()
    two = html.split('id="journey-2"')[1].split("</section>")[0]
    assert "sy_official" in two and "dl_official" in two and "市级人社工作人员" in two
    assert "auditor" not in two
    admins = html.split('id="journey-0"')[1].split("</section>")[0]
    assert "sysadmin" in admins and "auditor" in admins
    assert "无需登录" in html.split('id="journey-9"')[1].split("</section>")[0]
    assert "Peiyu@2026demo" in html


def test_a_sections_registered_accounts_appear_in_their_journeys(world, monkeypatch):
    """Data-driven: a section that registers an account for a journey shows it there (and an account
    that does not exist in the database is left out rather than printed as if it could sign in)."""
    monkeypatch.setattr(registry._registry, "demo_logins", dict(registry._registry.demo_logins))
    registry.register_demo_accounts(
        "test_section",
        [
            registry.DemoLogin("ia_official", (6, 12), "行业主管部门：出具延续同意意见"),
            registry.DemoLogin("nobody_here", (12,), "不存在的账户"),
        ],
    )
    groups = {j.number: j for j in by_journey()}
    assert "ia_official" in [a.username for a in groups[6].accounts]
    assert "行业主管部门：出具延续同意意见" in [a.does for a in groups[12].accounts]
    assert all(a.username != "nobody_here" for j in groups.values() for a in j.accounts)

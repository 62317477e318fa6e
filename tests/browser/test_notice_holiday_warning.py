"""The official who publishes a notice whose period runs into a year without holiday data sees the
warning on the publish page, before and after publishing, at desktop and phone width (issue 12 points 3
and 6); the period reads as a range from the day of publication with where counting starts."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import pytest

from .journey_support import Shots, expert_pool, liaoning_at_notice, liaoning_call, messages_of, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CST = dt.timezone(dt.timedelta(hours=8))
POOL = [("李文博", "东北大学", "教授"), ("王明远", "大连理工大学", "教授"), ("赵海峰", "辽宁大学", "研究员")]


def test_the_publishing_official_is_warned_of_a_year_without_holiday_data(
    page, live_server, screenshots, time_machine
):
    from peiyu.core.calendar import CalendarDataWarning
    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import PublicNotice
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    warnings.simplefilter("ignore", CalendarDataWarning)
    time_machine.move_to(dt.datetime(2026, 12, 28, 9, 0, tzinfo=CST))  # + 5 working days runs into 2027
    world = build_world()
    load_policy_files()
    f.load_reference()
    call = liaoning_call(world, code="ln-holiday")
    experts = expert_pool(world, world.ln_official, "210000", [f.AI], POOL, prefix="hw_expert")
    liaoning_at_notice(world, call, experts, [world.sy_inst_admin])
    base = live_server.url
    shot = Shots(page, screenshots, 40)

    sign_in(page, base, world.cg_official, PASSWORD)
    page.goto(f"{base}/directory/notices/publish/")
    group = page.locator("main section.card", has_text=call.title)
    period = group.locator("p.notice").inner_text()
    assert "2026-12-28 至 2027-01-04（5个工作日），自发布次日起算" in period, period
    warning = group.locator("p.error").inner_text()
    assert "2027年没有官方节假日数据" in warning and "周一至周五" in warning, warning
    shot("publish-warned")
    shot.phone("publish-warned")

    group.get_by_role("button", name="发布公示").click()
    page.wait_for_url(re.compile(r"/notices/GS[^/]+/$"))
    told = messages_of(page)
    assert "2027年没有官方节假日数据" in told and "2027-01-04" in told, told
    notice = PublicNotice.objects.get()
    assert notice.ends_on == dt.date(2027, 1, 4)
    shot("published-warned")
    shot.phone("published-warned")

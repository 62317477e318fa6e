"""The period of a public notice (公示, SEL-7, SEL-10): an explicit range from the day of publication to its
last day; whether the day of publication is the first counted working day is the profile's
`notice_counts_publication_day` (shipped: not counted, ADR 0008); and the
official who publishes a period running into a year without holiday data is warned on the spot."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pytest
import yaml
from django.contrib.messages import get_messages

from peiyu.core.calendar import CalendarDataWarning
from peiyu.core.errors import PolicyMissing
from peiyu.core.models import Decision, PolicyProfile
from peiyu.core.policy import POLICY_DIR, policy_named, policy_version_create
from peiyu.core.policy_schema import PARAMETERS
from peiyu.institutions.models import PublicNotice
from peiyu.institutions.services import notices

from .test_notices import CST, NOTICE_END, PUBLISH_DAY, at_notice_cd, at_notice_ln, chengdu_call, travel

pytestmark = pytest.mark.usefixtures("today_in_call")

PARAM = "notice_counts_publication_day"
# 2026-12-28 (Mon) + 5 working days runs into 2027, a year the holiday data does not cover (test_calendar)
LATE_DECEMBER = dt.datetime(2026, 12, 28, 10, 0, tzinfo=CST)


@pytest.fixture(autouse=True)
def _quiet_calendar():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarDataWarning)
        yield


@pytest.fixture
def cd_call(directory, time_machine):
    travel(time_machine, dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST))
    return chengdu_call(directory)


def count_publication_day(world, profile: str, value: bool, rule: str) -> None:
    """An administrator's new version of `profile` that says whether the day of publication counts."""
    prof = PolicyProfile.objects.get(name=profile)
    last = prof.versions.order_by("-version").first()
    params = dict(last.parameters)
    params[PARAM] = {"value": value, "rule": rule, "note": "测试：发布当日计入"}
    policy_version_create(
        actor=world.sysadmin,
        profile=prof,
        parameters=params,
        effective_from=last.effective_from,
        note="发布当日计入公示期",
    )


# --- the parameter -------------------------------------------------------------------------------------


def test_every_profile_with_a_notice_step_says_whether_the_publication_day_counts(policies):
    spec = PARAMETERS[PARAM]
    assert spec.kind == "bool" and spec.rules == {"SEL-7", "SEL-10"}
    with_routes = [
        p.stem
        for p in sorted(Path(POLICY_DIR).glob("*.yaml"))
        if "review_routes" in yaml.safe_load(p.read_text(encoding="utf-8"))["parameters"]
    ]
    assert {"national-dte", "liaoning-dte-batch2", "chengdu-skill"} <= set(with_routes)
    for name in with_routes:
        policy = policy_named(name, on=dt.date(2026, 9, 30))
        assert policy[PARAM] is False, name  # the default the ADR records: counting starts the next day
        assert policy.rule(PARAM) == policy.rule("publicity_working_days"), name


def test_by_default_the_day_of_publication_is_not_counted(directory, ln_call, time_machine):
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    travel(time_machine, PUBLISH_DAY)  # Wednesday 2026-09-30, a working day; National Day week follows
    notice = notices.notice_publish(actor=directory.cg_official, applications=[app])
    assert (notice.starts_on, notice.ends_on, notice.counts_publication_day) == (
        dt.date(2026, 9, 30),
        NOTICE_END,
        False,
    )
    facts = Decision.objects.get(pk=notice.decision_id).checks[0]["facts"]
    assert facts["counts_publication_day"] is False and facts["calendar_warning"] == ""
    assert notices.notice_period_text(notice) == "2026-09-30 至 2026-10-13（5个工作日），自发布次日起算"


def test_a_profile_that_counts_the_day_of_publication_ends_a_working_day_earlier(
    directory, ln_call, time_machine
):
    count_publication_day(directory, "liaoning-dte-batch2", True, "SEL-7")
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    travel(time_machine, PUBLISH_DAY)
    notice = notices.notice_publish(actor=directory.cg_official, applications=[app])
    # 09-30 (1), 10-08, 10-09, 10-10 (adjusted working Saturday), 10-12 (5)
    assert notice.ends_on == dt.date(2026, 10, 12) and notice.counts_publication_day
    assert notices.notice_period_text(notice) == "2026-09-30 至 2026-10-12（5个工作日），含发布当日"
    decision = Decision.objects.get(pk=notice.decision_id)
    assert decision.policy_version == 2 and decision.checks[0]["facts"]["counts_publication_day"] is True


def test_counting_the_day_of_publication_starts_at_the_next_working_day_when_published_on_a_holiday(
    directory, cd_call, time_machine
):
    count_publication_day(directory, "chengdu-skill", True, "SEL-10")
    app = at_notice_cd(directory, cd_call, "cd_social1")
    travel(time_machine, dt.datetime(2026, 10, 3, 10, 0, tzinfo=CST))  # a National Day holiday
    notice = notices.notice_publish(actor=directory.cdc_official, applications=[app])
    # the holiday is not a working day: 10-08 (1), 10-09, 10-10, 10-12, 10-13 (5)
    assert notice.ends_on == dt.date(2026, 10, 13)


def test_a_profile_that_does_not_say_refuses_to_publish_and_names_the_parameter(
    directory, cd_call, time_machine
):
    prof = PolicyProfile.objects.get(name="chengdu-skill")
    last = prof.versions.order_by("-version").first()
    params = {k: v for k, v in last.parameters.items() if k != PARAM}
    policy_version_create(
        actor=directory.sysadmin,
        profile=prof,
        parameters=params,
        effective_from=last.effective_from,
        note="删去发布当日是否计入",
    )
    app = at_notice_cd(directory, cd_call, "cd_social1")
    with pytest.raises(PolicyMissing) as exc:
        notices.notice_publish(actor=directory.cdc_official, applications=[app])
    assert {"SEL-7", "SEL-10"} <= set(exc.value.rule.split("/"))
    # said in words (the profile's title, the parameter's label); the codes kept in the details
    assert "成都市职业技能等级认定" in exc.value.message and "“公示发布当日计入公示期”" in exc.value.message
    assert PARAM not in exc.value.message and exc.value.details["parameter"] == PARAM
    assert not PublicNotice.objects.exists()


# --- shown as a range --------------------------------------------------------------------------------------


def test_publish_page_and_notice_pages_show_the_period_as_a_range(directory, ln_call, time_machine, login_as):
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    travel(time_machine, PUBLISH_DAY)
    client = login_as(directory.cg_official)
    before = client.get("/directory/notices/publish/").content.decode()
    assert "2026-09-30 至 2026-10-13（5个工作日），自发布次日起算" in before
    client.post("/directory/notices/publish/", {"applications": [app.pk]})
    notice = PublicNotice.objects.get()
    # the public pages: the range under the one label 公示期; the detail also says where counting starts
    listed = " ".join(re.sub(r"<[^>]+>", " ", client.get("/notices/").content.decode()).split())
    assert "2026-09-30 至 2026-10-13 5个工作日" in listed
    detail = re.sub(r"<[^>]+>", "", client.get(f"/notices/{notice.number}/").content.decode())
    assert "2026-09-30 至 2026-10-13（5个工作日，自发布次日起算）" in detail
    body = client.get(f"/api/v1/directory/notices/{notice.number}").json()
    assert body["period"] == "2026-09-30 至 2026-10-13（5个工作日），自发布次日起算"
    assert body["counts_publication_day"] is False and body["warnings"] == []
    assert (body["starts_on"], body["ends_on"]) == ("2026-09-30", "2026-10-13")


# --- the holiday warning, for the official who publishes -------------------------------------------------------


def test_publishing_into_a_year_without_holiday_data_warns_the_official_on_the_publish_page(
    directory, ln_call, time_machine, login_as
):
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    travel(time_machine, LATE_DECEMBER)
    client = login_as(directory.cg_official)
    page = client.get("/directory/notices/publish/").content.decode()
    assert "2027年没有官方节假日数据" in page and "周一至周五" in page
    response = client.post("/directory/notices/publish/", {"applications": [app.pk]}, follow=True)
    notice = PublicNotice.objects.get()
    assert notice.ends_on == dt.date(2027, 1, 4)  # 12-29, 12-30, 12-31, 2027-01-01 (weekends only), 01-04
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    assert any("2027年没有官方节假日数据" in text for text in shown)
    facts = Decision.objects.get(pk=notice.decision_id).checks[0]["facts"]
    assert "2027年" in facts["calendar_warning"]


def test_publishing_into_a_year_without_holiday_data_warns_through_the_api(
    directory, ln_call, time_machine, login_as
):
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    travel(time_machine, LATE_DECEMBER)
    response = login_as(directory.cg_official).post(
        "/api/v1/directory/notices", {"applications": [app.pk]}, content_type="application/json"
    )
    assert response.status_code == 201
    warnings_ = response.json()["warnings"]
    assert len(warnings_) == 1 and "2027年没有官方节假日数据" in warnings_[0]


def test_no_warning_within_years_the_calendar_covers(directory, cd_call):
    period = notices.notice_period(cd_call, dt.date(2026, 9, 30))
    assert period["calendar_warning"] == "" and period["ends_on"] == NOTICE_END
    late = notices.notice_period(cd_call, dt.date(2026, 12, 28))
    assert "2027年" in late["calendar_warning"]

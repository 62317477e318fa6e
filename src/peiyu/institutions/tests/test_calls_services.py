"""Calls made in the product (issue 12, point 2): the provincial official drafts a call whose quotas,
exclusions and founding cutoff come from the profile, changes only what the profile allows, publishes it
once complete, and the tick closes it at its deadline; another body or another province is refused;
an application to a draft or closed call is refused citing SEL-6; the shipped call loads published."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.core.policy import policy_named
from peiyu.institutions.models import Call
from peiyu.institutions.selectors import calls as selectors
from peiyu.institutions.services import applications as app_services
from peiyu.institutions.services import calls as services

from . import factories as f
from .call_support import NOW, TODAY, complete, ln_draft, travel

pytestmark = pytest.mark.django_db

K = Call.Status


@pytest.fixture
def now(time_machine):
    travel(time_machine)


def _events(call: Call) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type__icontains="call", object_id=str(call.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_provincial_official_drafts_a_call_prefilled_from_the_profile(directory, now):
    call = ln_draft(directory)
    policy = policy_named("liaoning-dte-batch2", on=TODAY)
    assert call.status == K.DRAFT and call.issuer == directory.orgs["ln"] and call.region_id == "210000"
    assert (call.policy_name, call.policy_version) == ("liaoning-dte-batch2", policy.version)
    assert call.quota_table["quota_training"]["overrides"] == {"210100": 5, "210200": 5}
    assert call.quota_table["quota_evaluation"]["default"] == 1
    assert sorted(call.excluded_occupations["evaluation"]) == sorted(
        policy["evaluation_excluded_occupations"]
    )
    assert call.founded_on_or_before == dt.date(2018, 12, 31)
    assert call.publicity_working_days == 5
    assert call.code.startswith("liaoning-dte-batch2-20270301")
    assert call.created_by == directory.ln_official
    log = TransitionLog.objects.get(subject_type="institutions.call", subject_id=str(call.pk))
    assert (log.from_status, log.to_status) == ("", K.DRAFT)
    assert _events(call) == ["call.created"]
    decision = Decision.objects.get(subject_type="institutions.call", subject_id=str(call.pk))
    assert decision.kind == "call_draft" and decision.policy_version == policy.version
    assert set(decision.rules) == {"SEL-3", "SEL-6", "SEL-7"}


def test_an_editable_quota_changes_and_a_fixed_cutoff_does_not(directory, now):
    quotas = {"quota_training": {"default": 3, "overrides": {"210100": 6}}}
    call = ln_draft(directory, quota_table=quotas)
    assert call.quota_table["quota_training"] == {
        "default": 3,
        "overrides": {"210100": 6},
        "step": "city_recommendation",
        "counts": "applications",
    }
    assert call.quota_table["quota_evaluation"]["default"] == 1  # left out: the profile's
    with pytest.raises(RuleViolation) as exc:
        ln_draft(directory, founded_on_or_before="2020-12-31")
    assert exc.value.rules == ["SEL-3"]
    assert "成立日期不晚于" in exc.value.message and "2018-12-31" in exc.value.message
    with pytest.raises(RuleViolation) as exc:
        ln_draft(directory, publicity_working_days=7)
    assert exc.value.rules == ["SEL-7"]
    assert Call.objects.count() == 1


def test_chengdu_sets_its_notice_days_but_not_the_social_org_quota(directory, now):
    data = {
        "title": "成都市职业技能等级评价机构备案",
        "programme": "skill",
        "kinds": ["evaluation"],
        "occupation_codes": ["6-31-01-03"],
        "levels": ["五级", "四级"],
        "opens_on": TODAY,
        "deadline": TODAY + dt.timedelta(days=20),
    }
    call = services.call_create(
        actor=directory.cd_official, region_code="510100", publicity_working_days=7, **data
    )
    assert call.publicity_working_days == 7 and call.policy_name == "chengdu-skill"
    services.call_publish(actor=directory.cd_official, call=call)
    with pytest.raises(RuleViolation) as exc:
        services.call_create(
            actor=directory.cd_official,
            region_code="510100",
            quota_table={"quota_social_org_per_trade": {"default": 5, "overrides": {}}},
            publicity_working_days=7,
            **data,
        )
    assert exc.value.rules == ["SEL-6"]


def test_chengdu_cannot_publish_without_notice_days(directory, now):
    call = services.call_create(
        actor=directory.cd_official,
        region_code="510100",
        title="成都备案",
        programme="skill",
        kinds=["evaluation"],
        occupation_codes=["6-31-01-03"],
        opens_on=TODAY,
        deadline=TODAY + dt.timedelta(days=20),
    )
    with pytest.raises(RuleViolation) as exc:
        services.call_publish(actor=directory.cd_official, call=call)
    assert exc.value.rules == ["SEL-10"] and "公示期" in exc.value.message


def test_a_city_bureau_may_not_publish_a_liaoning_call(directory, now):
    with pytest.raises(RuleViolation) as exc:
        services.call_create(actor=directory.sy_official, region_code="210100", **complete())
    assert exc.value.rules == ["SEL-9"]
    assert "省级人社部门" in exc.value.message
    assert not Call.objects.exists()


def test_another_provinces_official_finds_no_liaoning_call(directory, now):
    with pytest.raises(NotFound):
        services.call_create(actor=directory.hb_official, region_code="210000", **complete())
    call = ln_draft(directory)
    with pytest.raises(NotFound):
        selectors.call_get_for(directory.hb_official, call.pk)
    for act in (
        lambda: services.call_update(actor=directory.hb_official, call=call, title="改"),
        lambda: services.call_publish(actor=directory.hb_official, call=call),
        lambda: services.call_close(actor=directory.hb_official, call=call, reason="原因"),
    ):
        with pytest.raises(NotFound):
            act()
    assert selectors.calls_visible_to(directory.hb_official).count() == 0
    assert list(selectors.calls_visible_to(directory.ln_official)) == [call]
    assert selectors.calls_visible_to(directory.sy_inst_admin).count() == 0


def test_bad_input_is_refused_per_field_in_chinese(directory, now):
    with pytest.raises(InvalidInput) as exc:
        services.call_create(
            actor=directory.ln_official,
            region_code="210000",
            **complete(
                deadline="2026年10月1日",
                kinds=["training", "school"],
                occupation_codes=["9-99-99-99"],
                levels=["特级"],
                quota_table={"quota_training": {"default": "两家", "overrides": {"2101": 5}}},
            ),
        )
    fields = exc.value.fields
    assert fields["deadline"] == ["截止日期不能早于开始受理日期"]
    assert "机构类别" in fields["kinds"][0]
    assert "9-99-99-99" in fields["occupation_codes"][0]
    assert "初级" in fields["levels"][0]
    assert any("整数" in m for m in fields["quota_table.quota_training"])
    assert any("6位数字" in m for m in fields["quota_table.quota_training"])


def test_a_draft_changes_and_a_published_call_does_not(directory, now):
    call = ln_draft(directory)
    call = services.call_update(actor=directory.ln_official, call=call, title="新标题", levels=["高级"])
    assert (call.title, call.levels, call.kinds) == ("新标题", ["高级"], ["training", "evaluation"])
    assert _events(call)[-1] == "call.updated"
    services.call_publish(actor=directory.ln_official, call=call)
    with pytest.raises(Conflict):
        services.call_update(actor=directory.ln_official, call=call, title="再改")


def test_publishing_checks_completeness_and_keeps_the_decision(directory, now):
    call = ln_draft(directory, occupation_codes=[], title="")
    with pytest.raises(RuleViolation) as exc:
        services.call_publish(actor=directory.ln_official, call=call)
    assert exc.value.rules == ["SEL-9"] and "标题" in exc.value.message
    call.refresh_from_db()
    assert call.status == K.DRAFT
    refused = Decision.objects.filter(subject_id=str(call.pk), kind="call_publish").get()
    assert (
        refused.outcome == "refused"
        and refused.policy_name == "liaoning-dte-batch2"
        and refused.policy_version
    )
    call = services.call_update(actor=directory.ln_official, call=call, title="标题", occupation_codes=[f.AI])
    call = services.call_publish(actor=directory.ln_official, call=call)
    assert call.status == K.PUBLISHED and call.published_at is not None
    assert _events(call)[-1] == "call.published"
    assert Decision.objects.filter(subject_id=str(call.pk), kind="call_publish", outcome="published").exists()


def test_a_call_whose_deadline_passed_is_not_published(directory, time_machine):
    travel(time_machine)
    call = ln_draft(directory, deadline=TODAY + dt.timedelta(days=2))
    travel(time_machine, NOW + dt.timedelta(days=5))
    with pytest.raises(RuleViolation) as exc:
        services.call_publish(actor=directory.ln_official, call=call)
    assert exc.value.rules == ["SEL-6"] and "已过" in exc.value.message


def test_the_tick_closes_a_call_at_its_deadline_once(directory, time_machine):
    travel(time_machine)
    call = services.call_publish(actor=directory.ln_official, call=ln_draft(directory))
    assert services.calls_close_due(call.deadline) == 0
    assert services.calls_close_due(call.deadline + dt.timedelta(days=1)) == 1
    assert services.calls_close_due(call.deadline + dt.timedelta(days=1)) == 0
    call.refresh_from_db()
    assert call.status == K.CLOSED
    event = AuditEvent.objects.filter(object_id=str(call.pk), action="call.closed").get()
    assert event.actor_id is None


def test_the_issuer_closes_early_with_a_reason(directory, now):
    call = services.call_publish(actor=directory.ln_official, call=ln_draft(directory))
    with pytest.raises(InvalidInput):
        services.call_close(actor=directory.ln_official, call=call, reason="")
    call = services.call_close(actor=directory.ln_official, call=call, reason="名额已满，提前截止")
    assert call.status == K.CLOSED
    log = TransitionLog.objects.filter(subject_id=str(call.pk), to_status=K.CLOSED).get()
    assert log.reason == "名额已满，提前截止"


def test_no_application_to_a_draft_or_closed_call(directory, now):
    call = ln_draft(directory)
    args = {"kind": "training", "occupation_code": f.AI, "levels": ["初级"]}
    with pytest.raises(RuleViolation) as exc:
        app_services.application_create(actor=directory.sy_inst_admin, call=call, **args)
    assert exc.value.rules == ["SEL-6"] and "尚未发布" in exc.value.message
    call = services.call_publish(actor=directory.ln_official, call=call)
    app = app_services.application_create(actor=directory.sy_inst_admin, call=call, **args)
    assert app.call == call
    call = services.call_close(actor=directory.ln_official, call=call, reason="提前截止")
    with pytest.raises(RuleViolation) as exc:
        app_services.application_create(actor=directory.dl_inst_admin, call=call, **args)
    assert exc.value.rules == ["SEL-6"] and "不再受理" in exc.value.message


def test_the_shipped_liaoning_call_loads_published_and_closes_after_its_deadline(directory):
    call = f.liaoning_call(directory)
    assert call.status == K.PUBLISHED and call.policy_version
    assert call.quota_table["quota_training"]["overrides"]["210100"] == 5
    log = TransitionLog.objects.get(subject_type="institutions.call", subject_id=str(call.pk))
    assert (log.from_status, log.to_status) == ("", K.PUBLISHED)
    assert services.calls_load() == []  # loaded once
    assert services.calls_close_due(dt.date(2023, 6, 15)) == 0
    assert services.calls_close_due(dt.date(2023, 6, 16)) == 1
    call.refresh_from_db()
    assert call.status == K.CLOSED

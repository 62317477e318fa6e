"""Training classes: created only under a filed plan, in the institution's own region (TRN-9), within the
plan's dates; announced with the exam conditions (TRN-3) and no prohibited claim (TRN-9); 合格证类 classes
open only on the city's approval of the opening application (TRN-12); a suspended catalog entry opens
no class (SUP-7); every move locked, logged and audited; scoped reads."""

from __future__ import annotations

import pytest

from peiyu.accounts.models import Org, Region
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.training.models import TrainingClass
from peiyu.training.selectors import classes as sel
from peiyu.training.services import classes as svc
from peiyu.training.services import plans as plan_svc
from tests.personas import _org, _user

from .classes_support import class_data, fz_class, fz_filed_plan

pytestmark = pytest.mark.django_db
S = TrainingClass.Status


def _xiamen_official(world):
    Region.objects.get_or_create(
        code="350200", defaults={"name": "厦门市", "level": 2, "parent_id": "350000"}
    )
    org = _org(world, "xm", "厦门市人力资源和社会保障局", "hrss_city", "350200")
    return _user(world, "xm_official", org, "city_official")


# --- create ---------------------------------------------------------------------------------------------


def test_a_class_under_a_filed_plan_is_created_as_a_draft_with_a_number(training):
    klass = fz_class(training)
    assert klass.status == S.DRAFT and klass.number.startswith("TC")
    assert klass.region_id == "350102" and klass.created_by == training.fz_inst_admin
    assert AuditEvent.objects.filter(action="training_class.created", object_id=str(klass.pk)).exists()


def test_a_class_outside_the_institutions_region_is_refused_as_cross_region_training(training):
    plan = fz_filed_plan(training)
    with pytest.raises(RuleViolation) as exc:
        svc.class_create(actor=training.fz_inst_admin, plan=plan, data=class_data(region="210102"))
    assert exc.value.rule == "TRN-9" and "跨区域" in exc.value.message
    assert "region" in exc.value.fields
    assert not TrainingClass.objects.exists()


def test_a_class_under_a_draft_plan_is_refused(training):
    plan = fz_filed_plan(training)
    plan.status = plan.Status.DRAFT
    plan.save()
    with pytest.raises(RuleViolation) as exc:
        svc.class_create(actor=training.fz_inst_admin, plan=plan, data=class_data())
    assert exc.value.rule == "TRN-2"


def test_dates_outside_the_plan_and_zero_capacity_are_field_errors(training):
    plan = fz_filed_plan(training)
    with pytest.raises(InvalidInput) as exc:
        svc.class_create(
            actor=training.fz_inst_admin,
            plan=plan,
            data=class_data(starts_on="2026-03-01", ends_on="2026-07-31", capacity=0),
        )
    assert {"starts_on", "ends_on", "capacity"} <= set(exc.value.fields)


def test_another_institution_cannot_open_a_class_under_the_plan(training):
    plan = fz_filed_plan(training)
    with pytest.raises(NotFound):
        svc.class_create(actor=training.sy_inst_admin, plan=plan, data=class_data())


def test_an_online_platform_only_for_a_plan_with_online_hours(training):
    platform = Org.objects.create(name="八闽学习平台", kind="online_platform")
    klass = fz_class(training, online_platform=platform.pk)
    assert klass.online_platform_id == platform.pk
    offline = fz_filed_plan(training, online=0)
    with pytest.raises(InvalidInput) as exc:
        svc.class_create(
            actor=training.fz_inst_admin, plan=offline, data=class_data(online_platform=platform.pk)
        )
    assert "online_platform" in exc.value.fields


def test_a_draft_is_edited_and_an_announced_class_is_not(training):
    klass = fz_class(training)
    klass = svc.class_update(actor=training.fz_inst_admin, klass=klass, data=class_data(capacity=80))
    assert klass.capacity == 80
    svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    with pytest.raises(Conflict):
        svc.class_update(actor=training.fz_inst_admin, klass=klass, data=class_data(capacity=90))


# --- announcement (TRN-3, TRN-9) --------------------------------------------------------------------------


def test_announcing_publishes_with_a_decision_citing_trn3_and_trn9(training):
    klass = fz_class(training, announce=True)
    assert klass.status == S.ANNOUNCED and klass.announced_at
    d = klass.decision
    assert d.kind == "class_announcement" and d.outcome == "published"
    assert {"TRN-3", "TRN-9"} <= set(d.rules) and d.policy_name == "fujian-training"
    log = TransitionLog.objects.exclude(from_status="").get(  # the first row is the creation
        subject_type="training.trainingclass", subject_id=str(klass.pk)
    )
    assert (log.from_status, log.to_status, log.actor) == ("draft", "announced", training.fz_inst_admin)


@pytest.mark.parametrize("claim", ["包过", "包 过", "保过"])
def test_an_announcement_promising_a_pass_is_refused_and_nothing_published(training, claim):
    klass = fz_class(training, announcement=f"名师授课，{claim}，学完即可拿证。")
    with pytest.raises(RuleViolation) as exc:
        svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "TRN-9" and claim in exc.value.message
    klass.refresh_from_db()
    assert klass.status == S.DRAFT and klass.announced_at is None
    assert klass.decision.outcome == "refused"
    assert not sel.announcements_public().filter(pk=klass.pk).exists()
    assert (
        not TransitionLog.objects.filter(subject_type="training.trainingclass", subject_id=str(klass.pk))
        .exclude(from_status="")
        .exists()
    )


def test_a_claim_in_the_class_title_is_refused_too(training):
    klass = fz_class(training, title="电工五级包就业班")
    with pytest.raises(RuleViolation) as exc:
        svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "TRN-9" and "班级名称" in exc.value.message


def test_an_announcement_without_exam_conditions_is_refused(training):
    klass = fz_class(training, exam_conditions="  ")
    with pytest.raises(RuleViolation) as exc:
        svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "TRN-3" and "应写明考核申报条件" in exc.value.message
    klass.refresh_from_db()
    assert klass.status == S.DRAFT


def test_a_suspended_listing_blocks_announcing_and_starting(training):
    klass = fz_class(training)
    listing = training.listings["fz_elec"]
    listing.status = "suspended"
    listing.save()
    with pytest.raises(RuleViolation) as exc:
        svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "SUP-7"
    klass.refresh_from_db()
    assert klass.status == S.DRAFT
    listing.status = "active"
    listing.save()
    klass = svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    listing.status = "suspended"
    listing.save()
    with pytest.raises(RuleViolation) as exc:
        svc.class_start(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "SUP-7"
    klass.refresh_from_db()
    assert klass.status == S.ANNOUNCED


# --- start, opening (TRN-12), cancel ---------------------------------------------------------------------


def test_a_certificate_class_starts_without_an_opening_application(training):
    klass = fz_class(training, announce=True)
    klass = svc.class_start(actor=training.fz_inst_admin, klass=klass)
    assert klass.status == S.RUNNING and klass.started_at


def test_a_qualification_class_cannot_start_without_an_approved_opening(training):
    klass = fz_class(training, "qualification", announce=True)
    with pytest.raises(RuleViolation) as exc:
        svc.class_start(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "TRN-12"
    klass = svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    assert klass.status == S.OPENING and klass.opening_requested_at
    with pytest.raises(RuleViolation):
        svc.class_start(actor=training.fz_inst_admin, klass=klass)


def test_only_qualification_classes_request_an_opening(training):
    klass = fz_class(training, announce=True)
    with pytest.raises(RuleViolation) as exc:
        svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rule == "TRN-12"


def test_the_city_approves_the_opening_and_the_class_runs(training):
    klass = fz_class(training, "qualification", announce=True)
    svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    klass = svc.class_decide_opening(actor=training.fz_official, klass=klass, approve=True, note="材料齐全")
    assert klass.status == S.RUNNING and klass.started_at and klass.opening_decided_by == training.fz_official
    assert klass.decision.kind == "class_opening" and klass.decision.outcome == "approved"
    assert "TRN-12" in klass.decision.rules
    steps = [(h.from_status, h.to_status) for h in sel.class_history(klass)]
    assert steps == [("draft", "announced"), ("announced", "opening"), ("opening", "running")]


def test_a_refused_opening_goes_back_to_announced_with_the_reason_and_may_be_asked_again(training):
    klass = fz_class(training, "qualification", announce=True)
    svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    with pytest.raises(InvalidInput):
        svc.class_decide_opening(actor=training.fz_official, klass=klass, approve=False, note="")
    klass = svc.class_decide_opening(
        actor=training.fz_official, klass=klass, approve=False, note="场地未核实"
    )
    assert klass.status == S.ANNOUNCED and klass.opening_note == "场地未核实"
    klass = svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    assert klass.status == S.OPENING and klass.opening_decided_at is None


def test_a_second_decision_on_a_decided_opening_is_a_conflict(training):
    klass = fz_class(training, "qualification", announce=True)
    svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    stale = TrainingClass.objects.get(pk=klass.pk)  # what a second official loaded before the first acted
    svc.class_decide_opening(actor=training.fz_official, klass=klass, approve=True)
    with pytest.raises(Conflict):
        svc.class_decide_opening(actor=training.fz_official, klass=stale, approve=False, note="重复")
    klass.refresh_from_db()
    assert klass.status == S.RUNNING
    assert Decision.objects.filter(kind="class_opening", subject_id=str(klass.pk)).count() == 1
    assert TransitionLog.objects.filter(subject_id=str(klass.pk), to_status="running").count() == 1


def test_a_city_official_of_another_city_gets_404_on_the_decision(training):
    xm = _xiamen_official(training)
    klass = fz_class(training, "qualification", announce=True)
    svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    for other in (xm, training.dl_official):
        with pytest.raises(NotFound):
            svc.class_decide_opening(actor=other, klass=klass, approve=True)
        with pytest.raises(NotFound):
            sel.class_get_for(other, klass.pk)


def test_the_province_sees_the_opening_but_the_city_decides_it(training):
    klass = fz_class(training, "qualification", announce=True)
    svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    assert sel.class_get_for(training.fj_official, klass.pk) == klass
    with pytest.raises(PermissionDenied):
        svc.class_decide_opening(actor=training.fj_official, klass=klass, approve=True)
    assert [k.pk for k in sel.openings_waiting_for(training.fz_official)] == [klass.pk]
    assert sel.openings_waiting_for(training.fj_official) == []


def test_a_suspended_listing_blocks_approving_an_opening(training):
    klass = fz_class(training, "qualification", announce=True)
    svc.class_request_opening(actor=training.fz_inst_admin, klass=klass)
    training.listings["fz_elec"].status = "suspended"
    training.listings["fz_elec"].save()
    with pytest.raises(RuleViolation) as exc:
        svc.class_decide_opening(actor=training.fz_official, klass=klass, approve=True)
    assert exc.value.rule == "SUP-7"
    klass.refresh_from_db()
    assert klass.status == S.OPENING


def test_cancel_needs_a_reason_and_a_running_class_is_not_cancelled(training):
    klass = fz_class(training, announce=True)
    with pytest.raises(InvalidInput):
        svc.class_cancel(actor=training.fz_inst_admin, klass=klass, reason=" ")
    other = fz_class(training, plan=klass.plan, announce=True)
    svc.class_start(actor=training.fz_inst_admin, klass=other)
    with pytest.raises(Conflict):
        svc.class_cancel(actor=training.fz_inst_admin, klass=other, reason="停办")
    klass = svc.class_cancel(actor=training.fz_inst_admin, klass=klass, reason="报名人数不足")
    assert klass.status == S.CANCELLED and klass.cancelled_reason == "报名人数不足"
    assert AuditEvent.objects.filter(action="training_class.cancelled", object_id=str(klass.pk)).exists()


def test_an_over_long_cancellation_reason_is_refused_not_shortened(training):
    klass = fz_class(training, announce=True)
    with pytest.raises(InvalidInput) as exc:
        svc.class_cancel(actor=training.fz_inst_admin, klass=klass, reason="停" * 2001)
    assert exc.value.fields == {"reason": ["不能超过2000个字"]}
    klass.refresh_from_db()
    assert klass.status == S.ANNOUNCED and klass.cancelled_reason == ""


# --- scoped reads ------------------------------------------------------------------------------------------


def test_drafts_are_the_institutions_own_and_officials_see_announced_classes(training):
    draft = fz_class(training)
    announced = fz_class(training, plan=draft.plan, announce=True)
    assert set(sel.classes_visible_to(training.fz_inst_admin)) == {draft, announced}
    assert set(sel.classes_visible_to(training.fz_official)) == {announced}
    assert set(sel.classes_visible_to(training.fj_official)) == {announced}
    assert not sel.classes_visible_to(training.sy_inst_admin).exists()
    assert not sel.classes_visible_to(training.sy_official).exists()
    with pytest.raises(NotFound):
        sel.class_get_for(training.fz_official, draft.pk)


def test_the_supervising_industry_authority_sees_its_industry_led_classes(training):
    klass = fz_class(training, "industry", announce=True)
    other = fz_class(training, announce=True)
    assert list(sel.classes_visible_to(training.fj_ia_official)) == [klass]
    assert other not in sel.classes_visible_to(training.ia_official)
    assert not sel.classes_visible_to(training.ia_official).exists()


def test_a_withdrawn_plan_keeps_its_cancelled_classes(training):
    klass = fz_class(training)
    svc.class_cancel(actor=training.fz_inst_admin, klass=klass, reason="计划调整")
    plan = plan_svc.plan_withdraw(actor=training.fz_inst_admin, plan=klass.plan, reason="调整")
    assert plan.status == plan.Status.WITHDRAWN


def test_cancelling_a_class_withdraws_its_trainees_with_the_reason(training):
    from peiyu.training.models import Enrolment

    from .attendance_support import trainee

    klass = fz_class(training, announce=True)
    people = [trainee(training, name) for name in ("张三", "李四")]
    for p in people:
        Enrolment.objects.create(klass=klass, trainee=p, source="institution")
    svc.class_cancel(actor=training.fz_inst_admin, klass=klass, reason="报名人数不足")
    rows = Enrolment.objects.filter(klass=klass)
    assert {e.status for e in rows} == {"withdrawn"}
    assert all("报名人数不足" in e.withdrawn_reason for e in rows)

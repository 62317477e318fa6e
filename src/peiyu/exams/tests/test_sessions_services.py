"""Exam sessions (EVL-5): creation under an active entry with every refusal citing its rule and stored as
a Decision with the profile version (SUP-7, DIR-1, EVL-9, EVL-2), the steps up to grading with their
checks, the stored deadlines, cancellation, 403/404/409, and the tick that closes registration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.exams.models import EvaluationSession
from peiyu.exams.services import sessions as svc
from peiyu.exams.services import sessions_steps as steps
from peiyu.exams.services.sessions_steps import sessions_close_registration_due

from . import factories
from .sessions_support import admit, form, full_bank

S = EvaluationSession.Status


def _create(w, **over):
    return svc.session_create(
        actor=w.users["cd_exam_admin"], institution=w.orgs["cd_social1"], data=form(w, **over)
    )


def _refusal(w, **over) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        _create(w, **over)
    return caught.value


def test_a_session_is_created_in_draft_with_its_checks_deadlines_and_log(exams):
    s = _create(exams)
    assert s.status == S.DRAFT and s.number.startswith("KH")
    assert s.region_code == "510107" and s.programme == "skill" and not s.review_required
    d = s.decision
    assert d.outcome == "created" and {"SUP-7", "DIR-1", "EVL-9", "EVL-2"} <= set(d.rules)
    assert d.policy_name == "chengdu-skill" and d.policy_version
    # deadlines in working days (rules.sessions): announce 5 working days before registration opens
    assert s.announce_by < s.registration_opens_on
    assert s.review_due_on > s.registration_closes_on and s.grading_due_on > s.practical_on
    assert TransitionLog.objects.filter(subject_id=str(s.pk), to_status="draft").exists()
    assert AuditEvent.objects.filter(action="evaluation_session.created").exists()


def test_level_two_needs_the_comprehensive_review_from_the_profile(exams):
    s = _create(exams, level="二级", bank=str(full_bank(exams, level="二级").pk))
    assert s.review_required


def test_a_suspended_entry_is_refused_with_sup7_and_the_refusal_stored(exams):
    listing = exams.listings["cd_elec"]
    listing.status = "suspended"
    listing.save()
    exc = _refusal(exams)
    assert exc.rules == ["SUP-7"]
    stored = Decision.objects.get(pk=exc.details["decision"])
    assert stored.outcome == "refused" and "SUP-7" in stored.rules and stored.policy_version
    assert stored.subject_type == "accounts.org" and stored.subject_id == str(exams.orgs["cd_social1"].pk)
    assert not EvaluationSession.objects.exists()
    assert AuditEvent.objects.filter(action="evaluation_session.create_refused").exists()


def test_a_level_the_entry_does_not_cover_is_refused_with_dir1(exams):
    exc = _refusal(exams, level="一级", bank=str(full_bank(exams, level="一级").pk))
    assert exc.rules == ["DIR-1"] and "不含“一级”" in exc.message


def test_an_exam_after_the_entry_expires_is_refused_with_dir1(exams):
    listing = exams.listings["cd_elec"]
    listing.valid_until = timezone.localdate() + dt.timedelta(days=25)
    listing.save()
    assert _refusal(exams).rules == ["DIR-1"]


def test_an_expired_entry_is_refused_with_dir1(exams):
    listing = exams.listings["cd_elec"]
    listing.status = "expired"
    listing.save()
    assert "DIR-1" in _refusal(exams).rules


def test_another_institutions_listing_is_not_offered(exams):
    with pytest.raises(InvalidInput) as caught:
        _create(exams, listing=str(exams.listings["cd_turner"].pk))
    assert "listing" in caught.value.fields


@pytest.mark.parametrize("status", ["reported", "returned", "withdrawn"])
def test_a_site_not_accepted_is_refused_with_evl9(exams, status):
    site = factories.site(exams.orgs["cd_social1"], status=status)
    assert _refusal(exams, site=site.pk).rules == ["EVL-9"]


def test_another_institutions_site_is_refused_with_evl9(exams):
    site = factories.site(exams.orgs["cd_employer"])
    exc = _refusal(exams, site=site.pk)
    assert exc.rules == ["EVL-9"] and "不得借用" in exc.message


@pytest.mark.parametrize(
    ("theory", "practical", "ok"), [(1199, 10, False), (1200, 9, False), (1200, 10, True)]
)
def test_the_bank_minimum_boundary_cites_evl2_with_the_counts(exams, theory, practical, ok):
    bank = full_bank(exams, theory=theory, practical=practical)
    if ok:
        assert _create(exams, bank=str(bank.pk)).status == S.DRAFT
        return
    exc = _refusal(exams, bank=str(bank.pk))
    assert exc.rules == ["EVL-2"] and str(min(theory, 1200) if theory < 1200 else practical) in exc.message


def test_no_bank_fails_the_minimum(exams):
    assert _refusal(exams, bank="").rules == ["EVL-2"]


def test_every_failed_rule_is_named_at_once(exams):
    listing = exams.listings["cd_elec"]
    listing.status = "suspended"
    listing.save()
    exc = _refusal(exams, site=factories.site(exams.orgs["cd_employer"]).pk, bank="")
    assert exc.rules == ["SUP-7", "EVL-9", "EVL-2"]


def test_bad_input_gives_chinese_field_errors(exams):
    with pytest.raises(InvalidInput) as caught:
        _create(exams, title="", capacity="0", registration_closes_on="2026-01-01", theory_starts_at="明天")
    fields = caught.value.fields
    assert fields["title"] == ["请填写批次名称"] and "capacity" in fields and "theory_starts_at" in fields


def test_only_the_institutions_exam_managers_create(exams):
    data = form(exams)
    with pytest.raises(PermissionDenied):
        svc.session_create(actor=exams.users["cd_proctor"], institution=exams.orgs["cd_social1"], data=data)
    with pytest.raises(NotFound):
        svc.session_create(
            actor=exams.users["cd_employer_exam"], institution=exams.orgs["cd_social1"], data=data
        )
    assert not EvaluationSession.objects.exists()


# --- the steps ---------------------------------------------------------------------------------------------


def test_announce_checks_claims_and_publishes(exams, time_machine):
    s = _create(exams)
    admin = exams.users["cd_exam_admin"]
    s.announcement = "本次考核包过，不过退费"
    s.save()
    with pytest.raises(RuleViolation) as caught:
        steps.session_announce(actor=admin, session=s)
    assert caught.value.rules == ["TRN-9"]
    assert Decision.objects.filter(subject_id=str(s.pk), kind="session_announce", outcome="refused").exists()
    s.announcement = "报名条件见年度计划"
    s.save()
    steps.session_announce(actor=admin, session=s)
    s.refresh_from_db()
    assert s.status == S.ANNOUNCED and s.announced_at
    assert AuditEvent.objects.filter(action="evaluation_session.announced").exists()


def test_registration_opens_only_within_its_dates(exams, time_machine):
    s = _create(exams)
    admin = exams.users["cd_exam_admin"]
    steps.session_announce(actor=admin, session=s)
    with pytest.raises(RuleViolation) as caught:
        steps.session_open_registration(actor=admin, session=s)
    assert caught.value.rules == ["EVL-5"]
    time_machine.move_to(factories.DAY + dt.timedelta(days=10), tick=False)
    steps.session_open_registration(actor=admin, session=s)
    assert s.status == S.REGISTRATION


def test_a_suspension_after_creation_stops_the_announcement(exams):
    s = _create(exams)
    listing = exams.listings["cd_elec"]
    listing.status = "suspended"
    listing.save()
    with pytest.raises(RuleViolation) as caught:
        steps.session_announce(actor=exams.users["cd_exam_admin"], session=s)
    assert caught.value.rules == ["SUP-7"]


def test_the_review_finishes_only_when_no_registration_waits(exams):
    s = factories.session(exams, status="eligibility")
    admin = exams.users["cd_exam_admin"]
    admit(s, 2)
    waiting = admit(s, 1, start=10, status="submitted")[0]
    with pytest.raises(RuleViolation) as caught:
        steps.session_finish_review(actor=admin, session=s)
    assert caught.value.rules == ["EVL-5"] and "1份" in caught.value.message
    waiting.status = "approved"
    waiting.ticket_number = "T-1"
    waiting.save()
    steps.session_finish_review(actor=admin, session=s)
    assert s.status == S.ROOMS


def test_the_review_needs_an_admitted_candidate(exams):
    s = factories.session(exams, status="eligibility")
    with pytest.raises(RuleViolation):
        steps.session_finish_review(actor=exams.users["cd_exam_admin"], session=s)


def test_the_exam_starts_only_with_the_forms_sealed(exams):
    s = factories.session(
        exams, status="papers", bank_=factories.bank(exams.orgs["cd_social1"], exams.users["cd_setter"])
    )
    admin = exams.users["cd_exam_admin"]
    factories.sealed_paper(s, form="A")
    with pytest.raises(RuleViolation) as caught:
        steps.session_start_exam(actor=admin, session=s)
    assert caught.value.rules == ["EVL-5"] and "少于" in caught.value.message
    factories.sealed_paper(s, form="B")
    steps.session_start_exam(actor=admin, session=s)
    assert s.status == S.EXAM and s.grading_due_on


def test_grading_starts_when_every_sitting_is_closed(exams):
    s = factories.session(exams, status="exam")
    sitting = factories.sitting(s, status="open")
    admin = exams.users["cd_exam_admin"]
    with pytest.raises(RuleViolation):
        steps.session_start_grading(actor=admin, session=s)
    sitting.status = "closed"
    sitting.save()
    steps.session_start_grading(actor=admin, session=s)
    assert s.status == S.GRADING


def test_cancel_needs_a_reason_and_is_refused_after_the_exam(exams):
    admin = exams.users["cd_exam_admin"]
    s = factories.session(exams, status="registration")
    with pytest.raises(InvalidInput):
        steps.session_cancel(actor=admin, session=s, reason=" ")
    steps.session_cancel(actor=admin, session=s, reason="报名人数不足")
    s.refresh_from_db()
    assert s.status == S.CANCELLED and s.cancelled_reason == "报名人数不足"
    held = factories.session(exams, status="exam")
    with pytest.raises(InvalidTransition):
        steps.session_cancel(actor=admin, session=held, reason="x")
    assert held.status == "exam"


def test_a_step_the_status_does_not_allow_is_409_and_writes_nothing(exams):
    s = factories.session(exams, status="draft")
    before = TransitionLog.objects.count()
    with pytest.raises(InvalidTransition):
        steps.session_close_registration(actor=exams.users["cd_exam_admin"], session=s)
    assert TransitionLog.objects.count() == before


def test_an_official_cannot_move_the_institutions_session(exams):
    s = factories.session(exams, status="announced")
    with pytest.raises(PermissionDenied):
        steps.session_open_registration(actor=exams.users["cd_official"], session=s)


def test_unknown_action_is_refused_in_chinese(exams):
    s = factories.session(exams)
    with pytest.raises(InvalidInput) as caught:
        steps.session_act(actor=exams.users["cd_exam_admin"], session=s, action="publish", data={})
    assert caught.value.fields["action"] == ["无效的操作"]


# --- the tick ----------------------------------------------------------------------------------------------


def test_the_tick_closes_registration_after_the_closing_day_once(exams, time_machine):
    s = factories.session(exams, status="registration")
    other = factories.session(exams, status="registration")
    other.registration_closes_on = (factories.DAY + dt.timedelta(days=40)).date()
    other.save()
    time_machine.move_to(factories.DAY + dt.timedelta(days=15), tick=False)  # the closing day itself
    assert sessions_close_registration_due(timezone.now()) == 0
    time_machine.move_to(factories.DAY + dt.timedelta(days=16), tick=False)
    assert sessions_close_registration_due(timezone.now()) == 1
    assert sessions_close_registration_due(timezone.now()) == 0  # run twice: nothing more
    s.refresh_from_db()
    other.refresh_from_db()
    assert s.status == S.ELIGIBILITY and other.status == S.REGISTRATION
    log = TransitionLog.objects.get(subject_id=str(s.pk), to_status="eligibility")
    assert log.actor is None

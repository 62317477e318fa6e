"""Room preparation and the sittings (EVL-1, EVL-3, EVL-5): sittings only in rooms of the session's own site
that fit; proctors only from the institution's exam staff; seats numbered from 1, once per candidate and
kind, never beyond the room's capacity — also when two allocations run at once; the rooms-ready check
before the papers; a sitting opens only with its internal quality supervisor checked in (stored Decision
citing EVL-3)."""

from __future__ import annotations

import threading

import pytest

from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from peiyu.core.models import Decision
from peiyu.exams.models import ExamRoom, Registration, SeatAssignment, Sitting
from peiyu.exams.services import sessions_steps as steps
from peiyu.exams.services import sittings as sit

from . import factories
from .sessions_support import admit, supervisor_for


def _rooms(exams, **kw):
    s = factories.session(exams, status="rooms", **kw)
    theory = s.site.rooms.get(kind="theory")
    return s, theory


def _new(exams, s, room, kind="theory", **data):
    return sit.sitting_create(
        actor=exams.users["cd_exam_admin"], session=s, data={"kind": kind, "room": room.pk, **data}
    )


def test_a_theory_sitting_defaults_to_the_exam_time_and_logs_its_creation(exams):
    s, room = _rooms(exams)
    x = _new(exams, s, room, proctor=exams.users["cd_proctor"].pk)
    assert x.starts_at == s.theory_starts_at and x.proctor == exams.users["cd_proctor"]
    assert x.status == "scheduled"


def test_a_room_of_the_wrong_kind_or_another_site_is_refused(exams):
    s, _ = _rooms(exams)
    with pytest.raises(RuleViolation) as caught:
        _new(exams, s, s.site.rooms.get(kind="practical"), kind="theory")
    assert caught.value.rules == ["EVL-1"]
    other = factories.site(exams.orgs["cd_social1"], name="另一考点").rooms.get(kind="theory")
    with pytest.raises(InvalidInput) as caught2:
        _new(exams, s, other)
    assert "room" in caught2.value.fields


def test_a_theory_room_not_one_per_desk_is_refused(exams):
    s, room = _rooms(exams)
    ExamRoom.objects.filter(pk=room.pk).update(one_per_desk=False)
    with pytest.raises(RuleViolation) as caught:
        _new(exams, s, room)
    assert "单人单桌" in caught.value.message


def test_a_review_sitting_only_where_the_level_needs_one(exams):
    s, _ = _rooms(exams)
    with pytest.raises(InvalidInput) as caught:
        _new(exams, s, s.site.rooms.get(kind="defence"), kind="review")
    assert "kind" in caught.value.fields


def test_only_the_institutions_exam_staff_can_proctor(exams):
    s, room = _rooms(exams)
    with pytest.raises(InvalidInput) as caught:
        _new(exams, s, room, proctor=exams.users["cd_official"].pk)
    assert "proctor" in caught.value.fields
    x = _new(exams, s, room)
    sit.sitting_assign_proctor(
        actor=exams.users["cd_exam_admin"], sitting=x, proctor=exams.users["cd_exam_admin"].pk
    )
    x.refresh_from_db()
    assert x.proctor == exams.users["cd_exam_admin"]


def test_sittings_are_prepared_only_in_the_rooms_step(exams):
    s = factories.session(exams, status="eligibility")
    with pytest.raises(Conflict):
        _new(exams, s, s.site.rooms.get(kind="theory"))


def test_seats_are_numbered_from_one_and_mirror_the_ticket_fields(exams):
    s, room = _rooms(exams)
    people = admit(s, 3)
    x = _new(exams, s, room)
    seats = sit.seats_allocate(actor=exams.users["cd_exam_admin"], sitting=x)
    assert [seat.seat_no for seat in seats] == [1, 2, 3]
    first = Registration.objects.get(pk=people[0].pk)
    assert first.theory_sitting_id == x.pk and first.seat == "001"
    with pytest.raises(Conflict):  # everyone is seated for theory
        sit.seats_allocate(actor=exams.users["cd_exam_admin"], sitting=x)


def test_a_full_room_is_refused_with_evl1(exams):
    s, room = _rooms(exams)
    ExamRoom.objects.filter(pk=room.pk).update(seats=2, computers=2)
    admit(s, 3)
    x = _new(exams, s, room)
    assert len(sit.seats_allocate(actor=exams.users["cd_exam_admin"], sitting=x)) == 2
    with pytest.raises(RuleViolation) as caught:
        sit.seats_allocate(actor=exams.users["cd_exam_admin"], sitting=x)
    assert caught.value.rules == ["EVL-1"] and SeatAssignment.objects.filter(sitting=x).count() == 2


def test_a_candidate_exempt_from_theory_gets_no_theory_seat(exams):
    s, room = _rooms(exams)
    admit(s, 1)
    admit(s, 1, start=5, theory_exempt=True)
    x = _new(exams, s, room)
    assert len(sit.seats_allocate(actor=exams.users["cd_exam_admin"], sitting=x)) == 1


def test_papers_are_prepared_only_when_every_candidate_is_seated_and_proctored(exams):
    s, room = _rooms(exams)
    admin = exams.users["cd_exam_admin"]
    admit(s, 2)
    theory = _new(exams, s, room)
    sit.seats_allocate(actor=admin, sitting=theory)
    with pytest.raises(RuleViolation) as caught:
        steps.session_prepare_papers(actor=admin, session=s)
    message = caught.value.message
    assert "技能操作考核尚有2人未安排" in message and "未指定监考" in message
    practical = _new(
        exams, s, s.site.rooms.get(kind="practical"), kind="practical", proctor=exams.users["cd_proctor"].pk
    )
    sit.seats_allocate(actor=admin, sitting=practical)
    sit.sitting_assign_proctor(actor=admin, sitting=theory, proctor=exams.users["cd_proctor"].pk)
    steps.session_prepare_papers(actor=admin, session=s)
    assert s.status == "papers"
    assert Decision.objects.filter(
        subject_id=str(s.pk), kind="session_prepare_papers", outcome="done"
    ).exists()


def test_another_institution_cannot_allocate(exams):
    s, room = _rooms(exams)
    admit(s, 1)
    x = _new(exams, s, room)
    with pytest.raises(PermissionDenied):
        sit.seats_allocate(actor=exams.users["cd_proctor"], sitting=x)


# --- opening and closing --------------------------------------------------------------------------------------


def _exam_sitting(exams):
    s = factories.session(exams, status="exam")
    return factories.sitting(s, proctor=exams.users["cd_proctor"])


def test_a_sitting_opens_only_with_its_internal_supervisor_checked_in(exams):
    x = _exam_sitting(exams)
    proctor = exams.users["cd_proctor"]
    with pytest.raises(RuleViolation) as caught:
        sit.sitting_open(actor=proctor, sitting=x)
    assert caught.value.rules == ["EVL-3"] and "未安排" in caught.value.message
    refused = Decision.objects.get(pk=caught.value.details["decision"])
    assert refused.outcome == "refused" and refused.rules == ["EVL-3"] and refused.policy_version
    assignment = supervisor_for(exams, x, checked_in=False)
    with pytest.raises(RuleViolation) as caught2:
        sit.sitting_open(actor=proctor, sitting=x)
    assert "尚未到岗" in caught2.value.message
    assignment.checked_in_at = factories.DAY
    assignment.save()
    sit.sitting_open(actor=proctor, sitting=x)
    x.refresh_from_db()
    assert x.status == "open" and x.opened_at
    sit.sitting_close(actor=proctor, sitting=x)
    x.refresh_from_db()
    assert x.status == "closed" and x.closed_at


def test_an_external_supervisor_alone_does_not_open_a_sitting(exams):
    x = _exam_sitting(exams)
    supervisor_for(exams, x, kind="external")
    with pytest.raises(RuleViolation):
        sit.sitting_open(actor=exams.users["cd_proctor"], sitting=x)


def test_a_sitting_does_not_open_before_the_session_starts_its_exam(exams):
    s = factories.session(exams, status="papers")
    x = factories.sitting(s)
    supervisor_for(exams, x)
    with pytest.raises(Conflict):
        sit.sitting_open(actor=exams.users["cd_proctor"], sitting=x)


def test_an_exam_administrator_without_proctoring_cannot_open(exams):
    x = _exam_sitting(exams)
    with pytest.raises(PermissionDenied):
        sit.sitting_open(actor=exams.users["cd_setter"], sitting=x)


# --- concurrency ------------------------------------------------------------------------------------------------


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(fn):
        from django.db import connections

        try:
            barrier.wait()
            outcomes.append(f"ok:{len(fn())}")
        except (RuleViolation, Conflict) as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_allocations_at_once_never_overfill_a_room(exams):
    s, room = _rooms(exams)
    ExamRoom.objects.filter(pk=room.pk).update(seats=10, computers=10)
    admit(s, 14)
    x = _new(exams, s, room)
    admin = exams.users["cd_exam_admin"]
    outcomes = _race([lambda: sit.seats_allocate(actor=admin, sitting=Sitting(pk=x.pk, session=s))] * 2)
    assert sorted(outcomes) == ["ok:10", "room_full"], outcomes
    numbers = list(SeatAssignment.objects.filter(sitting=x).values_list("seat_no", flat=True))
    assert sorted(numbers) == list(range(1, 11))


@pytest.mark.django_db(transaction=True)
def test_two_rooms_filled_at_once_seat_each_candidate_once(exams):
    s, room = _rooms(exams)
    ExamRoom.objects.filter(pk=room.pk).update(seats=8, computers=8)
    second = ExamRoom.objects.create(site=s.site, kind="theory", name="第二理论考场", seats=8, computers=8,
                                     one_per_desk=True, desk_spacing_cm=90, video_monitoring=True)  # fmt: skip
    admit(s, 12)
    a, b = _new(exams, s, room), _new(exams, s, second)
    admin = exams.users["cd_exam_admin"]
    outcomes = _race([
        lambda: sit.seats_allocate(actor=admin, sitting=Sitting(pk=a.pk, session=s)),
        lambda: sit.seats_allocate(actor=admin, sitting=Sitting(pk=b.pk, session=s)),
    ])  # fmt: skip
    assert sorted(outcomes) in (["ok:4", "ok:8"],), outcomes
    seated = list(SeatAssignment.objects.filter(sitting__session=s).values_list("registration_id", flat=True))
    assert len(seated) == len(set(seated)) == 12

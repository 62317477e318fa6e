"""Room preparation (考场准备, EVL-5) and the sittings' opening and closing: while a session is in room
preparation its institution creates sittings (theory, practical, comprehensive review) in rooms of the
session's own accepted site that fit (EVL-1: room kind, one per desk, seats and computers), names each
sitting's proctor (a staff member holding exam.proctor), and allocates the admitted candidates to sittings
and seats. Seats are numbered from 1 and never exceed the room's capacity: an allocation holds the
session's row lock (so two allocations at once — to one sitting or to two sittings of the same kind —
queue, and a candidate is seated once per kind), and the table's unique constraints back it up.

On the exam day the proctor opens a sitting only when its internal quality supervisor has checked in
(逢考必督, EVL-3: rules.supervision.check_internal_supervisor over the sitting's supervision
assignments, which the examiners area makes); the check is stored as a Decision either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import raise_collected
from peiyu.core.errors import Conflict, InvalidTransition
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for
from peiyu.core.registry import extensions

from ..flows import SITTING_FLOW
from ..models import EvaluationSession, ExamRoom, Registration, SeatAssignment, Sitting, SupervisionAssignment
from ..rules import sessions as rs
from ..rules.supervision import check_internal_supervisor
from ..selectors import sessions as sel
from .sessions import clean_moment

S = EvaluationSession.Status
SI = Sitting.Status
KIND_LABELS = dict(Sitting.Kind.choices)


def _in_rooms_step(session: EvaluationSession) -> None:
    if session.status != S.ROOMS:
        raise Conflict("只有在“考场编排”阶段才能编排考场和座位", code="session_not_in_rooms")


def _locked_session(session_id: int) -> EvaluationSession:
    return EvaluationSession.objects.select_for_update().get(pk=session_id)


def sitting_create(*, actor: Any, session: EvaluationSession, data: dict[str, Any]) -> Sitting:
    """A sitting of `kind` in a room of the session's site; defaults: the theory exam's time for theory,
    the practical or review day from 09:00 for the others."""
    require(actor, "exam.manage", org_id=session.institution_id)
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in KIND_LABELS:
        errors["kind"] = ["请选择科目"]
    elif kind == "review" and not session.review_required:
        errors["kind"] = ["本批次等级不需要综合评审"]
    room = None
    if str(data.get("room") or "").isdigit():
        room = ExamRoom.objects.filter(pk=int(data["room"]), site_id=session.site_id, is_active=True).first()
    if room is None:
        errors["room"] = ["请选择本批次考核站点的考场"]
    starts = (
        clean_moment(data.get("starts_at"), errors, "starts_at", "开始时间")
        if data.get("starts_at")
        else _default_start(session, kind)
    )
    ends: dt.datetime | None = None
    if data.get("ends_at"):
        ends = clean_moment(data.get("ends_at"), errors, "ends_at", "结束时间")
    elif starts is not None:
        ends = starts + dt.timedelta(minutes=session.theory_minutes)
    if starts is not None and ends is not None and ends <= starts:
        errors["ends_at"] = ["结束时间应晚于开始时间"]
    proctor = _proctor(session, data.get("proctor"), errors)
    raise_collected(errors, "场次信息填写有误")
    assert room is not None and starts is not None and ends is not None
    capacity = rs.sitting_capacity(kind=kind, seats=room.seats, computers=room.computers)
    check = rs.check_room_fits(
        kind=kind, room_kind=room.kind, room_name=room.name, capacity=capacity, one_per_desk=room.one_per_desk
    )
    refuse_failed([check], code="sitting_refused")
    with transaction.atomic():
        locked = _locked_session(session.pk)
        _in_rooms_step(locked)
        sitting = Sitting.objects.create(
            session=locked, kind=kind, room=room, starts_at=starts, ends_at=ends, proctor=proctor
        )
        SITTING_FLOW.created(
            sitting, actor=actor, after={"room": room.name, "kind": kind, "capacity": capacity}
        )
    return sitting


def _default_start(session: EvaluationSession, kind: str) -> dt.datetime | None:
    if kind == "theory":
        return session.theory_starts_at
    day = session.practical_on if kind == "practical" else session.review_on
    day = day or timezone.localdate(session.theory_starts_at)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _proctor(session: EvaluationSession, raw: Any, errors: dict[str, list[str]]) -> Any:
    if raw in (None, ""):
        return None
    user = sel.proctor_choices(session).filter(pk=int(raw)).first() if str(raw).isdigit() else None
    if user is None:
        errors["proctor"] = ["请选择本机构的考务人员"]
    return user


def sitting_assign_proctor(*, actor: Any, sitting: Sitting, proctor: Any) -> Sitting:
    require(actor, "exam.manage", org_id=sitting.session.institution_id)
    errors: dict[str, list[str]] = {}
    user = _proctor(sitting.session, proctor, errors)
    if user is None and not errors:
        errors["proctor"] = ["请选择考务人员"]
    raise_collected(errors, "监考人员选择有误")
    with transaction.atomic():
        _in_rooms_step(_locked_session(sitting.session_id))
        row = Sitting.objects.select_for_update().get(pk=sitting.pk)
        before = row.proctor_id
        row.proctor = user
        row.save(update_fields=["proctor", "updated_at"])
        audit_record(
            actor,
            "exam_sitting.proctor_assigned",
            row,
            before={"proctor": before},
            after={"proctor": user.pk},
        )
    sitting.proctor = user
    return row


def seats_allocate(*, actor: Any, sitting: Sitting, limit: int | None = None) -> list[SeatAssignment]:
    """Seat the session's admitted candidates who have no seat of this sitting's kind yet (theory: not
    those exempt from it), by ticket number, up to the room's free seats (or `limit`). Under the
    session's row lock; refused with EVL-1 when the room is full."""
    require(actor, "exam.manage", org_id=sitting.session.institution_id)
    with transaction.atomic():
        session = _locked_session(sitting.session_id)
        _in_rooms_step(session)
        row = Sitting.objects.select_related("room").get(pk=sitting.pk)
        capacity = sel.capacity_of(row)
        taken = SeatAssignment.objects.filter(sitting=row).count()
        waiting = Registration.objects.filter(session=session, status=Registration.Status.APPROVED).exclude(
            seat_assignments__sitting__kind=row.kind
        )
        if row.kind == "theory":
            waiting = waiting.filter(theory_exempt=False)
        candidates = list(waiting.order_by("ticket_number", "pk"))
        if not candidates:
            raise Conflict("没有待安排座位的考生", code="no_candidates_to_seat")
        free = capacity - taken
        count = min(len(candidates), free, limit if limit is not None else free)
        check = rs.check_capacity(
            taken=taken, adding=max(count, 1), capacity=capacity, room_name=row.room.name
        )
        refuse_failed([check], code="room_full")
        last = SeatAssignment.objects.filter(sitting=row).aggregate(m=Max("seat_no"))["m"] or 0
        used = set(SeatAssignment.objects.filter(sitting=row).values_list("seat_no", flat=True))
        numbers = [n for n in range(1, capacity + 1) if n not in used][:count]
        seats = SeatAssignment.objects.bulk_create(
            [
                SeatAssignment(sitting=row, registration=r, seat_no=n)
                for r, n in zip(candidates, numbers, strict=False)
            ]
        )
        _mirror(row, candidates[:count], numbers)
        audit_record(
            actor,
            "exam_sitting.seats_allocated",
            row,
            after={"seated": count, "taken": taken + count, "capacity": capacity, "last_before": last},
        )
    return seats


def _mirror(sitting: Sitting, candidates: list[Registration], numbers: list[int]) -> None:
    """The registration's sitting and seat fields the admission ticket reads (theory and practical)."""
    field = {"theory": "theory_sitting", "practical": "practical_sitting"}.get(sitting.kind)
    if field is None:
        return
    for registration, number in zip(candidates, numbers, strict=False):
        setattr(registration, field, sitting)
        updated = [field]
        if sitting.kind == "theory":
            registration.seat = f"{number:03d}"
            updated.append("seat")
        registration.save(update_fields=updated)


# --- opening and closing on the exam day ----------------------------------------------------------------------


def _proctor_of(actor: Any, sitting: Sitting) -> None:
    require(actor, "exam.proctor", org_id=sitting.session.institution_id)


def sitting_open(*, actor: Any, sitting: Sitting) -> Sitting:
    """Open the sitting (the session is in its exam): refused without a checked-in internal quality
    supervisor (EVL-3), the check stored as a Decision citing EVL-3 either way."""
    _proctor_of(actor, sitting)
    refused = None
    with transaction.atomic():
        row = Sitting.objects.select_for_update().select_related("session").get(pk=sitting.pk)
        if row.status != SI.SCHEDULED:
            raise InvalidTransition(f"场次当前状态为“{row.get_status_display()}”，不能开考")
        if row.session.status != S.EXAM:
            raise Conflict("考核批次开考后才能开启场次", code="session_not_in_exam")
        assignments = SupervisionAssignment.objects.filter(sitting=row).values_list(
            "supervisor__kind", "checked_in_at"
        )
        check = check_internal_supervisor((str(kind), at is not None) for kind, at in assignments)
        policy = policy_for(row.session.programme, row.session.region_code, on=timezone.localdate())
        decision = Decision.record(
            sel.SITTING_SUBJECT,
            row.pk,
            kind="sitting_open",
            outcome="done" if check.ok else "refused",
            checks=[check],
            policy=policy,
        )
        if check.ok:
            SITTING_FLOW.transition(
                row,
                SI.OPEN,
                actor=actor,
                changes={"opened_at": timezone.now()},
                locked=True,
                audit_extra={"decision": decision.pk},
            )
            # the candidates' attempts prepared (services.cbt_prepare)
            for opened in extensions("exams.sitting_opened"):
                opened(actor=actor, sitting=row)
        else:
            audit_record(
                actor, "exam_sitting.open_refused", row, after={"decision": decision.pk, "rules": ["EVL-3"]}
            )
            refused = (check, decision)
    if refused is not None:
        refuse_failed([refused[0]], code="sitting_open_refused", details={"decision": refused[1].pk})
    sitting.refresh_from_db(fields=["status", "opened_at"])
    return row


def sitting_close(*, actor: Any, sitting: Sitting) -> Sitting:
    _proctor_of(actor, sitting)
    row = SITTING_FLOW.transition(sitting, SI.CLOSED, actor=actor, changes={"closed_at": timezone.now()})
    assert isinstance(row, Sitting)
    return row


SITTING_ACTIONS: dict[str, Callable[..., Any]] = {
    "open": lambda actor, s, data: sitting_open(actor=actor, sitting=s),
    "close": lambda actor, s, data: sitting_close(actor=actor, sitting=s),
    "assign_proctor": lambda actor, s, data: sitting_assign_proctor(
        actor=actor, sitting=s, proctor=data.get("proctor")
    ),
    "allocate_seats": lambda actor, s, data: seats_allocate(actor=actor, sitting=s),
}


def sitting_act(*, actor: Any, sitting: Sitting, action: str, data: dict[str, Any]) -> Any:
    return dispatch(SITTING_ACTIONS, action, actor, sitting, data)

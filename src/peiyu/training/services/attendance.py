"""Sessions and offline attendance (TRN-5, TRN-13).

A class's institution plans its sessions (课次) within the class's dates, never two at once. An offline
session carries a QR token: the trainee, signed in with the account linked to the Trainee, scans it
to check in, and scans again later to check out. Staff of the institution may also check a trainee in
and out. Minutes credited are the part of [check-in, check-out] inside [start, end] of the session.

No check-out yet, nothing credited. Closing a session (`session_close`, by staff, once it has ended)
checks out at the session's end everyone still checked in: the institution answers for having closed
it, the audit trail says who did, and a check-in outside the session is flagged as an anomaly anyway.
`Enrolment.offline_minutes` is recomputed (sum over the enrolment's attendance) in the transaction
of every change. The device id is kept only as its SHA-256 digest."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from ..models import Attendance, Enrolment, Teacher, TrainingClass, TrainingSession
from ..rules import attendance as rules
from .anomalies import anomaly_detect_later

OPEN_CLASS_STATUSES = (
    TrainingClass.Status.DRAFT,
    TrainingClass.Status.ANNOUNCED,
    TrainingClass.Status.OPENING,
    TrainingClass.Status.RUNNING,
)


def _staff(actor, klass: TrainingClass) -> None:
    require(actor, "training.manage", org_id=klass.plan.institution_id)


def _klass(klass: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_related("plan").get(pk=klass.pk)


def _when(raw, field: str, label: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        try:
            value = dt.datetime.fromisoformat(str(raw or "").strip())
        except ValueError:
            errors[field] = [f"请填写{label}（年-月-日 时:分）"]
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- sessions ------------------------------------------------------------------------------------------------


def session_create(*, actor, klass: TrainingClass, data: dict[str, Any]) -> TrainingSession:
    klass = _klass(klass)
    _staff(actor, klass)
    if klass.status not in OPEN_CLASS_STATUSES:
        raise Conflict("该班级已结业或已取消，不能再安排课次", code="class_closed")
    errors: dict[str, list[str]] = {}
    topic = collect(
        errors, "topic", clean_text, data.get("topic"), max_length=200, required=True, label="课程内容"
    )
    mode = data.get("mode") or TrainingSession.Mode.OFFLINE
    if mode not in TrainingSession.Mode.values:
        errors["mode"] = ["请选择方式"]
    kind = data.get("kind") or "theory"
    if kind not in ("theory", "practice"):
        errors["kind"] = ["请选择类别"]
    venue = collect(errors, "venue", clean_text, data.get("venue"), max_length=200, label="地点")
    starts = _when(data.get("starts_at"), "starts_at", "开始时间", errors)
    ends = _when(data.get("ends_at"), "ends_at", "结束时间", errors)
    if starts and ends:
        errors.update(
            rules.session_time_errors(
                starts, ends, klass.starts_on, klass.ends_on, timezone.get_current_timezone()
            )
        )
    teacher = None
    if data.get("teacher") not in (None, ""):
        try:
            teacher = Teacher.objects.get(
                pk=int(data["teacher"]), institution_id=klass.plan.institution_id, active=True
            )
        except (Teacher.DoesNotExist, TypeError, ValueError):
            errors["teacher"] = ["所选师资不属于本机构或已不在册"]
    if errors:
        raise InvalidInput("课次信息有误", fields=errors)
    # else _when and collect(required=True) have named the field in errors
    assert starts is not None and ends is not None and topic is not None
    with transaction.atomic():
        TrainingClass.objects.select_for_update().filter(pk=klass.pk).first()  # serialise per class
        clash = (
            TrainingSession.objects.filter(klass_id=klass.pk, starts_at__lt=ends, ends_at__gt=starts)
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            local = timezone.localtime(clash.starts_at)
            raise Conflict(
                f"与已有课次“{clash.topic}”（{local:%Y-%m-%d %H:%M}）时间重叠",
                code="session_overlap",
                fields={"starts_at": ["与已有课次时间重叠"]},
            )
        session = TrainingSession.objects.create(
            klass_id=klass.pk,
            topic=topic,
            mode=mode,
            kind=kind,
            starts_at=starts,
            ends_at=ends,
            venue=venue or klass.venue,
            teacher=teacher,
            # online sessions are not scanned; the column is unique, so they get an unguessable token too
            qr_token=secrets.token_urlsafe(32),
        )
        audit_record(
            actor,
            "training_session.created",
            session,
            after={"class": klass.number, "mode": mode, "starts_at": starts, "ends_at": ends},
            region_code=klass.region_id,
        )
    return session


def session_delete(*, actor, session: TrainingSession) -> None:
    klass = _klass(session.klass)
    _staff(actor, klass)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None:
            raise NotFound()
        if Attendance.objects.filter(session_id=locked.pk).exists():
            raise Conflict("该课次已有考勤记录，不能删除", code="session_has_attendance")
        audit_record(
            actor,
            "training_session.deleted",
            locked,
            before={"topic": locked.topic, "starts_at": locked.starts_at, "ends_at": locked.ends_at},
            region_code=klass.region_id,
        )
        locked.delete()


def session_close(*, actor, session: TrainingSession) -> int:
    """Check out, at the session's end, everyone still checked in; returns how many. Only once the
    session has ended."""
    klass = _klass(session.klass)
    _staff(actor, klass)
    if timezone.now() < session.ends_at:
        raise Conflict("课次尚未结束，不能结束签到", code="session_not_ended")
    with transaction.atomic():
        rows = list(
            Attendance.objects.select_for_update()
            .filter(session_id=session.pk, check_out_at__isnull=True)
            .order_by("pk")
        )
        for a in rows:
            _set_check_out(a, session, session.ends_at)
        _recompute({a.enrolment_id for a in rows})
        audit_record(
            actor,
            "training_session.closed",
            session,
            after={"checked_out": len(rows), "at": session.ends_at},
            region_code=klass.region_id,
        )
    return len(rows)


# --- attendance ----------------------------------------------------------------------------------------------


def _recompute(enrolment_ids) -> None:
    """offline_minutes = the sum over the enrolment's attendance, inside the caller's transaction."""
    for eid in sorted(enrolment_ids):
        total = Attendance.objects.filter(enrolment_id=eid).aggregate(s=Sum("minutes"))["s"] or 0
        Enrolment.objects.filter(pk=eid).update(offline_minutes=total, updated_at=timezone.now())


def _set_check_out(a: Attendance, session: TrainingSession, at: dt.datetime) -> None:
    a.check_out_at = at
    a.minutes = rules.credited_minutes(a.check_in_at, at, session.starts_at, session.ends_at)
    a.save(update_fields=["check_out_at", "minutes", "updated_at"])


def _check_in(
    *, actor, session: TrainingSession, enrolment: Enrolment, at, method: str, device: str, ip
) -> Attendance:
    if session.mode != TrainingSession.Mode.OFFLINE:
        raise Conflict("线上课次不在此签到，学习记录由线上平台推送", code="session_online")
    if enrolment.klass_id != session.klass_id or enrolment.status != Enrolment.Status.ENROLLED:
        raise Conflict("该学员不在本班在训名单中", code="not_enrolled")
    try:
        with transaction.atomic():
            a = Attendance.objects.create(
                session=session,
                enrolment=enrolment,
                check_in_at=at,
                method=method,
                device=rules.device_digest(device),
                ip=ip or None,
                recorded_by=actor,
            )
            audit_record(
                actor,
                "attendance.checked_in",
                a,
                after={"session": session.pk, "enrolment": enrolment.pk, "at": at, "method": method},
                region_code=session.klass.region_id,
            )
            anomaly_detect_later(
                session.klass_id, session_ids=[session.pk], trainee_ids=[enrolment.trainee_id]
            )
    except IntegrityError as exc:
        raise Conflict("该学员本课次已签到", code="already_checked_in") from exc
    return a


def attendance_check_in(
    *, actor, session: TrainingSession, enrolment: Enrolment, at=None, device: str = "", ip=None
) -> Attendance:
    """Staff of the institution record a trainee's check-in (at `at`, default now)."""
    klass = _klass(session.klass)
    _staff(actor, klass)
    errors: dict[str, list[str]] = {}
    at = timezone.now() if at in (None, "") else _when(at, "at", "签到时间", errors)
    if errors:
        raise InvalidInput("签到信息有误", fields=errors)
    return _check_in(
        actor=actor,
        session=session,
        enrolment=enrolment,
        at=at,
        method=Attendance.Method.STAFF,
        device=device,
        ip=ip,
    )


def attendance_check_out(*, actor, attendance: Attendance, at=None) -> Attendance:
    """Staff record a check-out (at `at`, default now); the minutes inside the session are credited."""
    session = TrainingSession.objects.select_related("klass", "klass__plan").get(pk=attendance.session_id)
    _staff(actor, session.klass)
    errors: dict[str, list[str]] = {}
    at = timezone.now() if at in (None, "") else _when(at, "at", "签退时间", errors)
    if errors:
        raise InvalidInput("签退信息有误", fields=errors)
    return _check_out(actor, attendance, session, at)


def _check_out(actor, attendance: Attendance, session: TrainingSession, at: dt.datetime) -> Attendance:
    with transaction.atomic():
        locked = Attendance.objects.select_for_update().get(pk=attendance.pk)
        if locked.check_out_at is not None:
            raise Conflict("该学员本课次已签退", code="already_checked_out")
        if at <= locked.check_in_at:
            raise InvalidInput("签退时间应晚于签到时间", fields={"at": ["签退时间应晚于签到时间"]})
        _set_check_out(locked, session, at)
        _recompute([locked.enrolment_id])
        audit_record(
            actor,
            "attendance.checked_out",
            locked,
            after={"at": at, "minutes": locked.minutes},
            region_code=session.klass.region_id,
        )
    return locked


def attendance_scan(*, actor, token: str, device: str = "", ip=None) -> tuple[Attendance, str]:
    """The trainee scans the session's QR code: the first scan checks in, the next one checks out.
    Returns (attendance, 'checked_in' | 'checked_out')."""
    trainee = getattr(actor, "trainee", None) if getattr(actor, "is_authenticated", False) else None
    if trainee is None:
        raise PermissionDenied("请使用学员本人账号登录后扫码签到", code="not_a_trainee")
    session = (
        TrainingSession.objects.select_related("klass").filter(qr_token=str(token or "")[:43]).first()
        if token
        else None
    )
    if session is None or session.mode != TrainingSession.Mode.OFFLINE:
        raise NotFound("签到二维码无效")
    enrolment = Enrolment.objects.filter(
        klass_id=session.klass_id, trainee=trainee, status=Enrolment.Status.ENROLLED
    ).first()
    if enrolment is None:
        raise PermissionDenied("您不在本班在训名单中，不能签到", code="not_enrolled")
    now = timezone.now()
    existing = Attendance.objects.filter(session=session, enrolment=enrolment).first()
    if existing is None:
        a = _check_in(
            actor=actor, session=session, enrolment=enrolment, at=now, method=Attendance.Method.QR,
            device=device, ip=ip,
        )  # fmt: skip
        return a, "checked_in"
    if existing.check_out_at is not None:
        raise Conflict("您本课次已签到并签退", code="already_checked_out")
    if (now - existing.check_in_at).total_seconds() < 60:
        raise Conflict("您已签到，离开时请再次扫码签退", code="already_checked_in")
    return _check_out(actor, existing, session, now), "checked_out"

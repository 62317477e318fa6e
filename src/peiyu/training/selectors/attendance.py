"""Scoped reads of sessions, attendance, hours and anomalies (TRN-5): the institution sees its own
classes, the officials of the class's region see them, and an industry authority sees the classes of
the industry-led plans it supervises (TRN-12), as for plans. Out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from peiyu.accounts.masking import id_tail, phone_tail
from peiyu.core.errors import PermissionDenied
from peiyu.core.lookups import one_or_404

from ..models import Anomaly, Attendance, Enrolment, TrainingClass, TrainingSession
from .classes import class_get_for
from .scope import class_disclosure, class_q, manages_class

class_managed_by = manages_class


def sessions_for(actor, klass_id) -> QuerySet[TrainingSession]:
    klass = class_get_for(actor, klass_id)
    return TrainingSession.objects.filter(klass=klass).select_related("teacher").order_by("starts_at")


def session_get_for(actor, session_id) -> TrainingSession:
    return one_or_404(
        TrainingSession.objects.filter(class_q(actor, "klass__")).select_related(
            "klass", "klass__plan", "teacher"
        ),
        pk=session_id,
    )


def attendance_for(actor, session_id) -> QuerySet[Attendance]:
    session = session_get_for(actor, session_id)
    return (
        Attendance.objects.filter(session=session)
        .select_related("enrolment__trainee", "recorded_by")
        .order_by("check_in_at")
    )


def attendance_get_for(actor, attendance_id) -> Attendance:
    return one_or_404(Attendance.objects.filter(class_q(actor, "session__klass__")), pk=attendance_id)


def enrolment_in_class(klass: TrainingClass, enrolment_id) -> Enrolment:
    return one_or_404(
        Enrolment.objects.select_related("trainee"), "该学员不在本班", pk=enrolment_id, klass=klass
    )


def anomalies_visible_to(actor) -> QuerySet[Anomaly]:
    return Anomaly.objects.filter(class_q(actor, "klass__")).select_related(
        "klass", "klass__plan", "trainee", "session", "resolved_by"
    )


def anomaly_get_for(actor, anomaly_id) -> Anomaly:
    return one_or_404(anomalies_visible_to(actor), pk=anomaly_id)


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def hours_for(actor, klass_id) -> list[dict[str, Any]]:
    """Per trainee of the class (not withdrawn): offline and online minutes and hours, and the online
    share of the total (TRN-4 looks at it; the cap is the policy's, checked at completion)."""
    klass = class_get_for(actor, klass_id)
    rows = (
        Enrolment.objects.filter(klass=klass)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("pk", "trainee_id", "trainee__name", "status", "offline_minutes", "online_minutes")
        .order_by("trainee__name", "pk")
    )
    labels = dict(Enrolment.Status.choices)
    shown = class_disclosure(actor, klass, what="class_hours")
    out = []
    for pk, trainee_id, name, status, offline, online in rows:
        total = offline + online
        out.append(
            {
                "enrolment_id": pk,
                "trainee_id": trainee_id,
                "name": shown.name(name),
                "status": status,
                "status_label": str(labels.get(status, status)),
                "offline_minutes": offline,
                "online_minutes": online,
                "offline_hours": _hours(offline),
                "online_hours": _hours(online),
                "total_hours": _hours(total),
                "online_share_pct": round(online * 100 / total, 1) if total else 0.0,
            }
        )
    return out


PICKER_LIMIT = 30


def _ends_with(digits: str, *values: str | None) -> bool:
    return any((v or "").upper().endswith(digits) for v in values)


def checkin_candidates(actor, session: TrainingSession, q: str = "") -> list[dict[str, Any]]:
    """The enrolled trainees of the session's class a staff member may check in by hand, found by part
    of the name or by the last digits of the ID number or phone; namesakes are told apart by the masked
    tails of both (the tails stay masked for everyone); every match, by name (the page shows the first
    PICKER_LIMIT, the API pages them). Only the class's own institution manages attendance, so anyone
    else gets PermissionDenied (the session itself is already in scope)."""
    klass = session.klass
    if not manages_class(actor, klass):
        raise PermissionDenied("只有本班所属机构可以登记签到", code="permission_denied")
    present = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "check_out_at"))
    enrolments = list(
        Enrolment.objects.filter(klass=klass, status=Enrolment.Status.ENROLLED)
        .select_related("trainee")
        .order_by("trainee__name", "pk")
    )
    q = (q or "").strip()[:30]
    digits = q.upper() if q and all(c.isdigit() or c in "xX" for c in q) else ""
    found = [
        e
        for e in enrolments
        if not q
        or (q in e.trainee.name)
        or (len(digits) >= 3 and _ends_with(digits, e.trainee.id_number, e.trainee.phone))
    ]
    names: dict[str, int] = {}
    for e in enrolments:
        names[e.trainee.name] = names.get(e.trainee.name, 0) + 1
    shown = class_disclosure(actor, klass, what="checkin_picker") if found else None
    return [
        {
            "enrolment_id": e.pk,
            "trainee_id": e.trainee_id,
            "name": shown.name(e.trainee.name) if shown else "",
            "id_tail": id_tail(e.trainee.id_number),
            "phone_tail": phone_tail(e.trainee.phone),
            "namesake": names[e.trainee.name] > 1,
            "checked_in": e.pk in present,
            "checked_out": present.get(e.pk) is not None,
        }
        for e in found
    ]

"""Scoped reads of sessions, attendance, hours and anomalies (TRN-5): the institution sees its own
classes, the officials of the class's region see them, and an industry authority sees the classes of
the industry-led plans it supervises (TRN-12), as for plans. Out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from peiyu.core.identifiers import mask_name
from peiyu.core.lookups import one_or_404

from ..models import Anomaly, Attendance, Enrolment, TrainingClass, TrainingSession
from .classes import class_get_for
from .scope import class_q, manages_class

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
    out = []
    for pk, trainee_id, name, status, offline, online in rows:
        total = offline + online
        out.append(
            {
                "enrolment_id": pk,
                "trainee_id": trainee_id,
                "name": mask_name(name),
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

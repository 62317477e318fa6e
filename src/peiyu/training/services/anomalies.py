"""Attendance anomalies (TRN-5): detected from the stored records, kept with their evidence, and
explained (by the institution or an official) or confirmed (by an official).

`anomalies_detect(klass)` is idempotent: the rules give each fact a stable key and Anomaly is unique on
(kind, key), so running it again flags nothing new. It is run after each check-in and session close
(limited to that session) and after each accepted online batch (limited to that batch's trainees)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.audit.services import audit_record
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.identifiers import mask_name

from ..models import Anomaly, Attendance, Enrolment, OnlineRecord, TrainingClass
from ..rules import anomalies as ar


def _checkins(klass: TrainingClass, session_ids: Iterable[int] | None) -> list[ar.CheckIn]:
    qs = Attendance.objects.filter(session__klass_id=klass.pk)
    if session_ids is not None:
        qs = qs.filter(session_id__in=list(session_ids))
    rows = qs.values_list(
        "pk",
        "session_id",
        "enrolment__trainee_id",
        "enrolment__trainee__name",
        "check_in_at",
        "session__starts_at",
        "session__ends_at",
        "device",
        "method",
    )
    return [
        ar.CheckIn(pk, sid, klass.pk, klass.number, tid, mask_name(name), at, starts, ends, device, method)
        for pk, sid, tid, name, at, starts, ends, device, method in rows
    ]


def _intervals(enrolment_q: Q, window=None) -> list[ar.Interval]:
    """Attendance and online records of the enrolments matching `enrolment_q` (a filter on
    Enrolment), as intervals; within `window` (start, end) when given."""
    out: list[ar.Interval] = []
    att = Attendance.objects.filter(enrolment__in=Enrolment.objects.filter(enrolment_q))
    onl = OnlineRecord.objects.filter(enrolment__in=Enrolment.objects.filter(enrolment_q))
    if window:
        att = att.filter(check_in_at__lt=window[1], session__ends_at__gt=window[0])
        onl = onl.filter(started_at__lt=window[1], ended_at__gt=window[0])
    for pk, sid, kid, number, tid, name, start, out_at, ends in att.values_list(
        "pk",
        "session_id",
        "session__klass_id",
        "session__klass__number",
        "enrolment__trainee_id",
        "enrolment__trainee__name",
        "check_in_at",
        "check_out_at",
        "session__ends_at",
    ):
        end = out_at or ends
        if end > start:
            out.append(ar.Interval(f"a{pk}", kid, number, tid, mask_name(name), start, end, sid))
    for pk, kid, number, tid, name, start, end in onl.values_list(
        "pk",
        "enrolment__klass_id",
        "enrolment__klass__number",
        "enrolment__trainee_id",
        "enrolment__trainee__name",
        "started_at",
        "ended_at",
    ):
        if end > start:
            out.append(ar.Interval(f"o{pk}", kid, number, tid, mask_name(name), start, end))
    return out


def _overlaps(klass: TrainingClass, trainee_ids: Iterable[int] | None, window=None) -> list[ar.Finding]:
    """Only trainees of this class who are also in another class can overlap: found with one indexed
    query over the class's enrolments, and nothing more is read when there are none (the usual case);
    `trainee_ids` (a list or a lazy queryset) is read only then. `window` (start, end) limits the
    class's own intervals to those of the write that triggered the check (an online batch), so the
    work stays the size of that write, not of the trainees' whole history."""
    shared = set(
        Enrolment.objects.filter(
            trainee_id__in=Enrolment.objects.filter(klass_id=klass.pk).values("trainee_id")
        )
        .exclude(klass_id=klass.pk)
        .values_list("trainee_id", flat=True)
        .distinct()
    )
    if shared and trainee_ids is not None:
        shared &= set(trainee_ids)
    if not shared:
        return []
    shared_ids = sorted(shared)
    own = _intervals(Q(klass_id=klass.pk, trainee_id__in=shared_ids), window)
    if not own:
        return []
    window = (min(i.start for i in own), max(i.end for i in own))
    others = _intervals(Q(trainee_id__in=shared_ids) & ~Q(klass_id=klass.pk), window)
    return ar.overlaps(own, others)


def anomalies_detect(
    klass: TrainingClass,
    *,
    session_ids: Iterable[int] | None = None,
    trainee_ids: Iterable[int] | None = None,
    window: tuple | None = None,
) -> int:
    """Flag what the rules find for the class (check-ins of `session_ids` only, overlaps of
    `trainee_ids` only, when given); returns how many new anomalies were stored."""
    session_ids = None if session_ids is None else list(session_ids)
    checkins = [] if session_ids == [] else _checkins(klass, session_ids)
    findings = [
        *ar.outside_session(checkins),
        *ar.shared_devices(checkins),
        *_overlaps(klass, trainee_ids, window),
    ]
    if not findings:
        return 0
    wanted = {(f.kind, f.key): f for f in findings}
    existing = set(Anomaly.objects.filter(key__in=[f.key for f in findings]).values_list("kind", "key"))
    new = [f for k, f in wanted.items() if k not in existing]
    if not new:
        return 0
    with transaction.atomic():
        Anomaly.objects.bulk_create(
            [
                Anomaly(
                    klass_id=f.klass_id,
                    kind=f.kind,
                    key=f.key,
                    trainee_id=f.trainee_id,
                    session_id=f.session_id,
                    evidence=f.evidence,
                )
                for f in new
            ],
            ignore_conflicts=True,
        )
        audit_record(
            None,
            "anomaly.detected",
            klass,
            after={"new": len(new), "kinds": dict(Counter(f.kind for f in new))},
        )
    return len(new)


def anomaly_detect_later(klass_id: int, **limits) -> None:
    """Run the detection once the current transaction has committed (and not at all if it rolls
    back); a failure of the detection never undoes the write that triggered it."""

    def run() -> None:
        klass = TrainingClass.objects.filter(pk=klass_id).first()
        if klass is not None:
            anomalies_detect(klass, **limits)

    transaction.on_commit(run)


# --- resolving -----------------------------------------------------------------------------------------------


def anomaly_role(actor, klass: TrainingClass) -> str | None:
    """'official' when the actor supervises the class (its region, or the industry authority of an
    industry-led plan), 'institution' when the actor manages its institution, else None."""
    supervise = scope_for(actor, "training.supervise")
    if supervise.granted:
        if supervise.covers_region(klass.region_id):
            return "official"
        if klass.plan.supervising_authority_id and klass.plan.supervising_authority_id == getattr(
            actor, "primary_org_id", None
        ):
            return "official"
    manage = scope_for(actor, "training.manage")
    if manage.granted and klass.plan.institution_id in manage.org_ids:
        return "institution"
    return None


def anomaly_resolve(*, actor, anomaly: Anomaly, status: str, resolution: str) -> Anomaly:
    """The institution explains an open anomaly; an official explains or confirms it (an explained
    one may still be confirmed). A confirmed anomaly is final."""
    klass = TrainingClass.objects.select_related("plan").get(pk=anomaly.klass_id)
    role = anomaly_role(actor, klass)
    if role is None:
        raise NotFound()
    resolution = (resolution or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in (Anomaly.Status.EXPLAINED, Anomaly.Status.CONFIRMED):
        errors["status"] = ["请选择处理结果"]
    elif status == Anomaly.Status.CONFIRMED and role != "official":
        raise PermissionDenied("只有监管部门可以确认异常", code="official_only")
    if not resolution:
        errors["resolution"] = ["请填写处理说明"]
    elif len(resolution) > 2000:
        errors["resolution"] = ["处理说明不能超过2000个字"]
    if errors:
        raise InvalidInput("处理信息有误", fields=errors)
    with transaction.atomic():
        locked = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
        if locked.status == Anomaly.Status.CONFIRMED:
            raise Conflict("该异常已确认，不能再处理", code="anomaly_confirmed")
        if locked.status == Anomaly.Status.EXPLAINED and role != "official":
            raise Conflict("该异常已说明，等待监管部门核实", code="anomaly_explained")
        before = {"status": locked.status, "resolution": locked.resolution}
        locked.status = status
        locked.resolution = resolution
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"])
        audit_record(
            actor,
            "anomaly.resolved",
            locked,
            before=before,
            after={"status": status, "role": role},
            reason=resolution,
            region_code=klass.region_id,
        )
    return locked

"""Attendance anomalies (TRN-5): detected from the stored records, kept with their evidence, and
explained (by the institution or an official) or confirmed (by an official).

`anomalies_detect(klass)` is idempotent: the rules give each fact a stable key and Anomaly is unique on
(kind, key), so running it again flags nothing new. It is run after each check-in and session close
(limited to that session), and for online batches by `anomaly_scans_run`: each batch leaves one
AnomalyScan row per class it touched, and one task per class checks every batch waiting for it at once
(the trainees of those records, within their span), outside the request where Celery has a broker. A
class with a task already queued gets no second one (a cache key), so a platform pushing many batches
a second costs one check per class per task run, not one per batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from peiyu.core.bulk import reserve_ids
from peiyu.core.cleaning import clean_reason, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.identifiers import mask_name
from peiyu.core.tasks import task_named

from ..flows import ANOMALY_FLOW
from ..models import Anomaly, AnomalyScan, Attendance, Enrolment, OnlineRecord, TrainingClass
from ..rules import anomalies as ar
from ..selectors.actions import anomaly_role


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


def _shared_trainees(klass_id: int) -> dict[int, set[int]]:
    """The trainees of the class who are enrolled in another class too (only they can overlap), each
    with those other classes."""
    shared: dict[int, set[int]] = defaultdict(set)
    for trainee_id, other in (
        Enrolment.objects.filter(
            trainee_id__in=Enrolment.objects.filter(klass_id=klass_id).values("trainee_id")
        )
        .exclude(klass_id=klass_id)
        .values_list("trainee_id", "klass_id")
        .distinct()
    ):
        shared[trainee_id].add(other)
    return shared


def _not_yet_flagged(own: list[ar.Interval], shared: dict[int, set[int]]) -> list[ar.Interval]:
    """The intervals that could still produce a new overlap anomaly: those with some other class of
    the trainee and some day they span not flagged yet. A person reported in two classes all day is
    flagged once, and the records that follow need not read the other classes' records again."""
    possible = {i.ref: ar.overlap_keys_possible(i, sorted(shared[i.trainee_id])) for i in own}
    wanted = sorted({key for keys in possible.values() for key in keys})
    flagged: set[str] = set()
    for n in range(0, len(wanted), 2000):
        flagged.update(
            Anomaly.objects.filter(kind=ar.OVERLAP, key__in=wanted[n : n + 2000]).values_list(
                "key", flat=True
            )
        )
    return [i for i in own if not flagged.issuperset(possible[i.ref])]


def _overlaps(klass: TrainingClass, trainee_ids: Iterable[int] | None, window=None) -> list[ar.Finding]:
    """Only trainees of this class who are also in another class can overlap: found with one indexed
    query over the class's enrolments, and nothing more is read when there are none (the usual case);
    `trainee_ids` (a list or a lazy queryset) is read only then. `window` (start, end) limits the
    class's own intervals to those of the write that triggered the check (an online batch), so the
    work stays the size of that write, not of the trainees' whole history; own intervals that can
    only repeat anomalies already flagged are dropped before the other classes are read. The count
    of pairs in an anomaly's evidence is therefore the count found when it was flagged."""
    shared = _shared_trainees(klass.pk)
    if shared and trainee_ids is not None:
        wanted = set(trainee_ids)
        shared = {t: others for t, others in shared.items() if t in wanted}
    if not shared:
        return []
    own = _intervals(Q(klass_id=klass.pk, trainee_id__in=sorted(shared)), window)
    own = _not_yet_flagged(own, shared) if own else []
    if not own:
        return []
    window = (min(i.start for i in own), max(i.end for i in own))
    trainees = sorted({i.trainee_id for i in own})
    others = _intervals(Q(trainee_id__in=trainees) & ~Q(klass_id=klass.pk), window)
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
        rows = [
            Anomaly(
                klass_id=f.klass_id,
                kind=f.kind,
                key=f.key,
                trainee_id=f.trainee_id,
                session_id=f.session_id,
                evidence=f.evidence,
            )
            for f in new
        ]
        stored = _insert_new(rows)
        ANOMALY_FLOW.created_many(
            stored, actor=None, subject=klass, after={"kinds": dict(Counter(a.kind for a in stored))}
        )
    return len(new)


def _insert_new(rows: list[Anomaly]) -> list[Anomaly]:
    """Insert the anomalies, skipping any a detection running at the same time stored first (unique on
    kind and key); the ones stored here, with their primary keys (reserved, since an insert that skips
    conflicts returns none), for their creation log rows."""
    reserved = reserve_ids(Anomaly, len(rows))
    if reserved is not None:
        for row, pk in zip(rows, reserved, strict=True):
            row.pk = pk
    Anomaly.objects.bulk_create(rows, ignore_conflicts=True)
    if reserved is None:  # a database without reserve_ids: the keys read back
        ids = {
            (kind, key): pk
            for kind, key, pk in Anomaly.objects.filter(key__in=[r.key for r in rows]).values_list(
                "kind", "key", "pk"
            )
        }
        for row in rows:
            row.pk = ids.get((row.kind, row.key))
        return [row for row in rows if row.pk is not None]
    ours = set(Anomaly.objects.filter(pk__in=reserved).values_list("pk", flat=True))
    return [row for row in rows if row.pk in ours]


def anomaly_detect_later(klass_id: int, **limits) -> None:
    """Run the detection once the current transaction has committed (and not at all if it rolls
    back); a failure of the detection never undoes the write that triggered it."""

    def run() -> None:
        klass = TrainingClass.objects.filter(pk=klass_id).first()
        if klass is not None:
            anomalies_detect(klass, **limits)

    transaction.on_commit(run)


# --- online batches: checked per class, outside the request --------------------------------------------------

SCAN_QUEUED_SECONDS = 600  # a queued task not started by then is assumed lost: the next batch queues another
SCAN_LEFT_MINUTES = 10  # `peiyu tick` checks scans waiting longer than this (their task was lost)


def _scan_key(klass_id: int) -> str:
    return f"training:anomaly-scan:{klass_id}"


def anomaly_scans_queue(batch_id: int, klass_ids: Iterable[int]) -> None:
    """In the batch's transaction: its records in each class wait for the overlap check; once it has
    committed, a check is queued for each class that has none queued yet."""
    klass_ids = sorted(klass_ids)
    if not klass_ids:
        return
    AnomalyScan.objects.bulk_create([AnomalyScan(klass_id=k, batch_id=batch_id) for k in klass_ids])

    def queue() -> None:
        anomaly_scan_task = task_named("peiyu.training.anomaly_scan")
        for klass_id in klass_ids:
            if cache.add(_scan_key(klass_id), 1, SCAN_QUEUED_SECONDS):
                anomaly_scan_task.delay(klass_id)

    transaction.on_commit(queue)


def anomaly_scans_run(klass_id: int) -> int:
    """Check the waiting batches of a class for overlaps, all at once; returns the anomalies flagged.
    Batches that commit while it runs queue the next run (the key is dropped first); two runs at once
    (PostgreSQL) take disjoint rows."""
    cache.delete(_scan_key(klass_id))
    klass = TrainingClass.objects.filter(pk=klass_id).first()
    if klass is None:
        return 0
    with transaction.atomic():
        waiting = list(
            AnomalyScan.objects.select_for_update(skip_locked=True)
            .filter(klass_id=klass_id)
            .values_list("pk", "batch_id")
        )
        if not waiting:
            return 0
        flagged = 0
        if _shared_trainees(klass_id):  # else nobody of this class can overlap: nothing more to read
            records = OnlineRecord.objects.filter(
                batch_id__in=[b for _pk, b in waiting], enrolment__klass_id=klass_id
            )
            span = records.aggregate(start=Min("started_at"), end=Max("ended_at"))
            if span["start"] is not None:
                trainees = records.values_list("enrolment__trainee_id", flat=True).distinct()
                flagged = anomalies_detect(
                    klass, session_ids=[], trainee_ids=trainees, window=(span["start"], span["end"])
                )
        AnomalyScan.objects.filter(pk__in=[pk for pk, _b in waiting]).delete()
    return flagged


def anomaly_scans_left(now) -> int:
    """Classes whose batches have waited longer than SCAN_LEFT_MINUTES (their task was lost) are checked
    now; returns the anomalies flagged."""
    late = (
        AnomalyScan.objects.filter(created_at__lt=now - dt.timedelta(minutes=SCAN_LEFT_MINUTES))
        .values_list("klass_id", flat=True)
        .distinct()
    )
    return sum(anomaly_scans_run(klass_id) for klass_id in sorted(set(late)))


# --- resolving -----------------------------------------------------------------------------------------------


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
    resolution = collect(errors, "resolution", clean_reason, resolution, label="处理说明") or ""
    if errors:
        raise InvalidInput("处理信息有误", fields=errors)
    with transaction.atomic():
        locked = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
        if locked.status == Anomaly.Status.CONFIRMED:
            raise Conflict("该异常已确认，不能再处理", code="anomaly_confirmed")
        if locked.status == Anomaly.Status.EXPLAINED and role != "official":
            raise Conflict("该异常已说明，等待监管部门核实", code="anomaly_explained")
        ANOMALY_FLOW.transition(
            locked,
            status,
            actor=actor,
            reason=resolution,
            changes={"resolution": resolution, "resolved_by": actor, "resolved_at": timezone.now()},
            locked=True,
            audit_extra={"role": role},
        )
    return locked

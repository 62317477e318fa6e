"""Reads of evaluation archives (EVL-10): an institution sees its own sessions' records, the bureaus those
of the sessions in their jurisdiction; anything else is missing (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound
from peiyu.core.models import Decision

from ..flows import MANAGE, SUPERVISE
from ..models import ArchiveRecord, EvaluationSession

RECORD_SUBJECT = "exams.archiverecord"


def _session_q(actor: Any, prefix: str = "") -> Q:
    return scope_for(actor, MANAGE).q(org=f"{prefix}institution_id") | scope_for(actor, SUPERVISE).q(
        region=f"{prefix}region_code"
    )


def archive_sessions_visible_to(actor: Any) -> QuerySet[EvaluationSession]:
    """The sessions whose archives the actor may see, with how many records each keeps."""
    return (
        EvaluationSession.objects.filter(_session_q(actor))
        .select_related("institution")
        .annotate(
            records=Count("archive_records", filter=Q(archive_records__disposed_at__isnull=True)),
        )
        .order_by("-theory_starts_at", "-pk")
    )


def archive_session_for(actor: Any, session_id: int) -> EvaluationSession:
    found = (
        EvaluationSession.objects.filter(_session_q(actor), pk=session_id)
        .select_related("institution")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def archive_records(session: EvaluationSession) -> QuerySet[ArchiveRecord]:
    return (
        ArchiveRecord.objects.filter(session=session)
        .select_related("created_by", "disposed_by")
        .order_by("kind", "created_at", "pk")
    )


def record_get_for(actor: Any, record_id: int) -> ArchiveRecord:
    found = (
        ArchiveRecord.objects.filter(_session_q(actor, "session__"), pk=record_id)
        .select_related("session", "session__institution")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def manages_session(actor: Any, session: EvaluationSession) -> bool:
    return session.institution_id in scope_for(actor, MANAGE).org_ids


def record_decisions(record: ArchiveRecord) -> list[Decision]:
    return list(Decision.objects.filter(subject_type=RECORD_SUBJECT, subject_id=str(record.pk)))


def records_past_retention(actor: Any) -> QuerySet[ArchiveRecord]:
    """The institution's records whose retention period has ended and which are not disposed of yet."""
    return (
        ArchiveRecord.objects.filter(scope_for(actor, MANAGE).q(org="session__institution_id"))
        .filter(permanent=False, disposed_at__isnull=True, retain_until__lt=timezone.localdate())
        .select_related("session")
        .order_by("retain_until", "pk")
    )

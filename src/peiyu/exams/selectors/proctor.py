"""Reads of the proctor's console (EVL-6): the theory sittings of the proctor's own institution, and for
one sitting who has started, who is idle (no save or page activity for `idle_minutes`), who has
submitted, leaves and devices per candidate, the pending resumption requests and the incidents. Two
queries for the whole room (candidates with their attempts; pending requests). Names are masked on the
console (it refreshes every few seconds and is seen across the room); the proctor identifies a candidate
by seat and admission ticket against her ID card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.identifiers import mask_name
from peiyu.core.lookups import one_or_404

from ..models import Attempt, EvaluationSession, Incident, Registration, ResumeRequest, Sitting

PROCTOR = "exam.proctor"
SUPERVISE = "exam.supervise"
IDLE_MINUTES = 5  # the console's default; the proctor may choose another


def sittings_proctored_by(actor: Any) -> QuerySet[Sitting]:
    scope = scope_for(actor, PROCTOR)
    return (
        Sitting.objects.filter(scope.q(org="session__institution_id"), kind=Sitting.Kind.THEORY)
        .select_related("session", "room")
        .order_by("-starts_at")
    )


def sitting_get_for(actor: Any, sitting_id: Any) -> Sitting:
    return one_or_404(sittings_proctored_by(actor), pk=sitting_id)


def sitting_watched_by(actor: Any, sitting_id: Any) -> Sitting:
    """A theory sitting whose candidates the actor may watch (read only): the proctor's institution's, or
    one the actor's bureau supervises (exam.supervise of the session's region, once it left the draft)."""
    supervised = scope_for(actor, SUPERVISE).q(region="session__region_code") & ~Q(
        session__status=EvaluationSession.Status.DRAFT
    )
    own = scope_for(actor, PROCTOR).q(org="session__institution_id")
    qs = Sitting.objects.filter(own | supervised, kind=Sitting.Kind.THEORY).select_related("session", "room")
    return one_or_404(qs, pk=sitting_id)


def attempt_get_for(actor: Any, attempt_id: Any) -> Attempt:
    scope = scope_for(actor, PROCTOR)
    return one_or_404(
        Attempt.objects.filter(scope.q(org="sitting__session__institution_id")).select_related(
            "sitting__session"
        ),
        pk=attempt_id,
    )


def resume_request_get_for(actor: Any, request_id: Any) -> ResumeRequest:
    scope = scope_for(actor, PROCTOR)
    return one_or_404(
        ResumeRequest.objects.filter(scope.q(org="attempt__sitting__session__institution_id")), pk=request_id
    )


def console(
    actor: Any, sitting: Sitting, *, now: dt.datetime, idle_minutes: int = IDLE_MINUTES
) -> dict[str, Any]:
    regs = list(
        Registration.objects.filter(theory_sitting=sitting, status=Registration.Status.APPROVED)
        .select_related("person", "attempt")
        .order_by("seat", "ticket_number")
    )
    idle_before = now - dt.timedelta(minutes=idle_minutes)
    rows = []
    counts = {"not_started": 0, "in_progress": 0, "idle": 0, "submitted": 0, "voided": 0}
    for reg in regs:
        attempt: Attempt | None = getattr(reg, "attempt", None)
        state = "not_started"
        if attempt is not None:
            if attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED):
                state = "submitted"
            elif attempt.status == Attempt.Status.VOIDED:
                state = "voided"
            elif attempt.status != Attempt.Status.NOT_STARTED:
                idle = attempt.last_seen_at is None or attempt.last_seen_at < idle_before
                state = "idle" if idle else "in_progress"
        counts[state] += 1
        rows.append(
            {"registration": reg, "name": mask_name(reg.person.name), "attempt": attempt, "state": state}
        )
    pending = list(
        ResumeRequest.objects.filter(attempt__sitting=sitting, status=ResumeRequest.Status.PENDING)
        .select_related("attempt__registration")
        .order_by("created_at")
    )
    incidents = list(Incident.objects.filter(sitting=sitting).order_by("-occurred_at")[:50])
    return {
        "rows": rows,
        "counts": counts,
        "pending": pending,
        "incidents": incidents,
        "idle_minutes": idle_minutes,
    }

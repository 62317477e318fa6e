"""Reads of quality supervision (EVL-3 逢考必督; seed 001 Art. 17(4)): the supervisors of a sitting with
whether each has checked in (what the sitting's opening checks with rules.supervision), the registers of
supervisors (the institution its internal ones, the bureaus those of their region), a supervisor's own
assignments, and the sittings still without an internal supervisor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound, PermissionDenied
from peiyu.core.lookups import one_or_404

from ..models import QualitySupervisor, Sitting, SupervisionAssignment

MANAGE = "exam.manage"
SUPERVISE = "exam.supervise"
QUALITY = "exam.quality_supervise"


def sitting_supervision(sitting_id: int) -> list[tuple[str, bool]]:
    """(kind, checked in) of each supervisor assigned to the sitting — the input of
    rules.supervision.check_internal_supervisor."""
    rows = SupervisionAssignment.objects.filter(sitting_id=sitting_id).values_list(
        "supervisor__kind", "checked_in_at"
    )
    return [(str(kind), at is not None) for kind, at in rows]


def supervisors_visible_to(actor: Any) -> QuerySet[QualitySupervisor]:
    manage, supervise = scope_for(actor, MANAGE), scope_for(actor, SUPERVISE)
    if not (manage.granted or supervise.granted):
        raise PermissionDenied("您没有查看质量督导员的权限", code="permission_denied")
    q = manage.q(org="org_id") | supervise.q(region="org__region_id")
    return QualitySupervisor.objects.filter(q).select_related("org", "user")


def supervisor_get_for(actor: Any, supervisor_id: object) -> QualitySupervisor:
    return one_or_404(supervisors_visible_to(actor), pk=supervisor_id)


def sitting_get_for(actor: Any, sitting_id: object) -> Sitting:
    """A sitting of the actor's institution or region (404 otherwise)."""
    manage, supervise = scope_for(actor, MANAGE), scope_for(actor, SUPERVISE)
    if not (manage.granted or supervise.granted):
        raise PermissionDenied("您没有安排质量督导的权限", code="permission_denied")
    q = manage.q(org="session__institution_id") | supervise.q(region="session__region_code")
    return one_or_404(Sitting.objects.filter(q).select_related("session", "room"), pk=sitting_id)


def assignments_of_sitting(sitting: Sitting) -> QuerySet[SupervisionAssignment]:
    return sitting.supervisions.select_related("supervisor", "supervisor__org").order_by(
        "supervisor__kind", "id"
    )


def my_assignments(actor: Any, *, open_only: bool = True) -> QuerySet[SupervisionAssignment]:
    """The actor's own assignments (as a supervisor), soonest first."""
    if not scope_for(actor, QUALITY).granted:
        return SupervisionAssignment.objects.none()
    qs = SupervisionAssignment.objects.filter(supervisor__user_id=actor.pk).select_related(
        "sitting", "sitting__session", "sitting__room", "supervisor"
    )
    if open_only:
        qs = qs.exclude(sitting__status=Sitting.Status.CLOSED, reported_at__isnull=False)
    return qs.order_by("sitting__starts_at", "id")


def own_assignment(actor: Any, assignment_id: object) -> SupervisionAssignment:
    if not scope_for(actor, QUALITY).granted:
        raise NotFound()
    qs = SupervisionAssignment.objects.filter(supervisor__user_id=actor.pk).select_related(
        "sitting", "sitting__session", "sitting__room", "supervisor"
    )
    return one_or_404(qs, pk=assignment_id)


def sittings_without_internal(org_ids: list[int], *, since: dt.datetime) -> QuerySet[Sitting]:
    """Scheduled sittings of the institutions' sessions from `since` on with no internal supervisor."""
    internal = SupervisionAssignment.objects.filter(sitting=OuterRef("pk"), supervisor__kind="internal")
    return (
        Sitting.objects.filter(
            session__institution_id__in=org_ids, status=Sitting.Status.SCHEDULED, starts_at__gte=since
        )
        .exclude(session__status="cancelled")
        .annotate(has_internal=Exists(internal))
        .filter(has_internal=False)
        .select_related("session", "room")
        .order_by("starts_at")
    )

"""Reads of exam incidents (EVL-11): the incidents an actor may see — the bureaus supervising the
session's region (exam.supervise, by region), the institution's own staff (exam.manage, exam.proctor),
and the recipients of a report (the industry authority, the coordination group) for the incidents
reported to them; the reports awaiting an organisation's acknowledgement (its to-do list)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.accounts.selectors.roles import assignments_of
from peiyu.core.lookups import one_or_404

from ..models import Incident

RECEIVING = ("exam.supervise", "supervision.manage")


def receiving_orgs(user: Any) -> set[int]:
    """The organisations for which `user` receives incident reports (an official holding a receiving
    capability there)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        a.org_id
        for a in assignments_of(user)
        if a.org_id and a.role.disabled_on is None and any(c in a.role.capabilities for c in RECEIVING)
    }


def _reported_to(orgs: set[int]) -> list[int]:
    if not orgs:
        return []
    rows = Incident.objects.filter(status__in=(Incident.Status.REPORTED, Incident.Status.CLOSED), severe=True)
    return [
        pk for pk, reports in rows.values_list("pk", "reports") if any(r.get("org") in orgs for r in reports)
    ]


def incidents_visible_to(actor: Any) -> QuerySet[Incident]:
    q = scope_for(actor, "exam.supervise").q(region="session__region_code")
    for cap in ("exam.manage", "exam.proctor"):
        q |= scope_for(actor, cap).q(org="session__institution_id")
    ids = _reported_to(receiving_orgs(actor))
    if ids:
        q |= Q(pk__in=ids)
    return Incident.objects.filter(q).select_related("session", "sitting__room", "registration__person")


def incident_get_for(actor: Any, incident_id: Any) -> Incident:
    return one_or_404(incidents_visible_to(actor), pk=incident_id)


def reports_awaiting(actor: Any) -> list[tuple[Incident, dict[str, Any]]]:
    """(incident, report) pairs reported to the actor's organisations and not yet acknowledged."""
    orgs = receiving_orgs(actor)
    if not orgs:
        return []
    out = []
    for incident in Incident.objects.filter(status=Incident.Status.REPORTED).select_related("session"):
        for report in incident.reports:
            if report.get("org") in orgs and not report.get("acknowledged_at"):
                out.append((incident, report))
    return out

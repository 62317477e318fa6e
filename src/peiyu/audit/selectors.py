"""Audit events are read in the auditor's jurisdiction (region subtree); national events (no region)
only by a national auditor."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from peiyu.core.errors import PermissionDenied
from peiyu.core.lookups import one_or_404
from peiyu.core.permissions import has_capability, scope_for

from .models import AuditEvent


def audit_events_visible_to(actor: Any) -> QuerySet[AuditEvent]:
    if not has_capability(actor, "audit.view"):
        return AuditEvent.objects.none()
    scope = scope_for(actor, "audit.view")
    if scope.national:
        return AuditEvent.objects.all()
    q = scope.q(region="region_code")
    return AuditEvent.objects.filter(q & ~Q(region_code=""))


def audit_event_get_for(actor: Any, event_id: Any) -> AuditEvent:
    if not has_capability(actor, "audit.view"):
        raise PermissionDenied("您没有查看审计日志的权限")
    return one_or_404(audit_events_visible_to(actor), pk=event_id)


def audit_events_of(object_type: str, object_id: object) -> QuerySet[AuditEvent]:
    """The events recorded about one object, oldest first. Not scoped: the caller has already found the
    object through its own scoped selector (an object's history is shown to those who may see it)."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by(
        "at", "id"
    )  # one lane per object, but older events may sit in the province lane (ADR 0015)

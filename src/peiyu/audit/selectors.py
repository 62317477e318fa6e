"""Audit events are read in the auditor's jurisdiction (region subtree); national events (no region)
only by a national auditor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
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


def actor_names(events: Iterable[AuditEvent]) -> dict[int, str]:
    """Actor id → the person as a history shows them (their name; the username when none is on record).
    An event keeps the username it was made with (`actor_repr`); a page shows who it was."""
    ids = {e.actor_id for e in events if e.actor_id}
    return {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}


def shown_actor(event: AuditEvent, names: dict[int, str]) -> str:
    """Who made `event`, in words: the person's name, "系统" for the platform itself."""
    if event.actor_id in names:
        return names[event.actor_id]
    return "系统" if event.actor_repr in ("", "system") else event.actor_repr

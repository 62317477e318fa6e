from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from peiyu.core.admin_site import CapabilityAdmin, site

from .models import AuditEvent
from .selectors import audit_events_visible_to


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(CapabilityAdmin):
    view_capability = "audit.view"
    change_capability = "__nobody__"
    list_display = ("at", "stream", "seq", "actor_repr", "action", "object_type", "object_id", "region_code")
    list_filter = ("action", "stream")
    search_fields = ("actor_repr", "object_id", "action")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # scoped like every read: an auditor sees the events of their jurisdiction
        return audit_events_visible_to(request.user)

"""The administration site, gated by capabilities instead of Django's is_staff/model permissions, so
roles (data) decide who administers what. Every model admin declares the capability it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from .permissions import has_capability

ADMIN_CAPABILITIES = (
    "reference.manage",
    "calendar.manage",
    "policy.edit",
    "user.manage",
    "user.unlock",
    "audit.view",
)


class PeiyuAdminSite(admin.AdminSite):
    site_header = "培育 · 系统管理"
    site_title = "培育"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and any(has_capability(user, c) for c in ADMIN_CAPABILITIES)
        )


site = PeiyuAdminSite(name="admin")

if TYPE_CHECKING:  # generic in django-stubs only
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class CapabilityAdmin(_ModelAdmin):
    """view_capability may read; change_capability may add and change; nothing may delete unless
    delete_allowed (reference data is disabled, never deleted)."""

    view_capability = "reference.manage"
    change_capability = "reference.manage"
    delete_allowed = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, self.view_capability) or has_capability(
            request.user, self.change_capability
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, self.change_capability)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_capability(request.user, self.change_capability)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.delete_allowed and has_capability(request.user, self.change_capability)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """Out of scope and missing both answer 404 (DESIGN §5), not the admin's redirect."""
        from django.http import Http404

        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("记录不存在或不在您的管辖范围内")
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        """Admin edits are writes like any other: one transaction with their audit event."""
        from django.db import transaction

        from peiyu.audit.services import audit_record

        before = {f: _plain(form.initial.get(f)) for f in form.changed_data} if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = {f: _plain(form.cleaned_data.get(f)) for f in form.changed_data}
            action = f"{obj._meta.label_lower}.{'changed' if change else 'created'}"
            audit_record(request.user, f"admin:{action}", obj, before=before, after=after)


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)) or (
        hasattr(value, "__iter__") and not isinstance(value, (str, dict, bytes))
    ):
        try:
            return [_plain(v) for v in value]
        except TypeError:
            return str(value)
    return value

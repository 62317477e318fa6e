from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from .admin_site import CapabilityAdmin, site
from .errors import DomainError
from .models import Holiday, PolicyProfile, PolicyVersion
from .policy import policy_version_create


@admin.register(Holiday, site=site)
class HolidayAdmin(CapabilityAdmin):
    view_capability = change_capability = "calendar.manage"
    delete_allowed = True  # a wrong entry must be removable; the deletion is audited
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from peiyu.audit.services import audit_record

        audit_record(
            request.user, "admin:core.holiday.deleted", obj, before={"date": obj.date, "kind": obj.kind}
        )
        super().delete_model(request, obj)


if TYPE_CHECKING:  # generic in django-stubs only
    _ModelForm = forms.ModelForm[PolicyVersion]
else:
    _ModelForm = forms.ModelForm


class PolicyVersionForm(_ModelForm):
    parameters = forms.JSONField(label="参数（JSON：{名称: {value, rule, note}}）")

    class Meta:
        model = PolicyVersion
        fields = ("profile", "effective_from", "parameters", "note")

    def clean_parameters(self) -> Any:
        """Refuse a bad parameter on the form itself, so what was typed stays on the page."""
        from django.core.exceptions import ValidationError

        from .policy_schema import normalise

        data = self.cleaned_data["parameters"]
        if not isinstance(data, dict):
            raise ValidationError("参数须为 JSON 对象：{名称: {value, rule, note}}")
        errors = []
        for name, entry in data.items():
            try:
                normalise(name, entry)
            except DomainError as exc:
                errors.append(exc.message)
        if errors:
            raise ValidationError(errors)
        return data

    def clean_note(self) -> str:
        from django.core.exceptions import ValidationError

        if not self.cleaned_data["note"].strip():
            raise ValidationError("请填写修订说明")
        note: str = self.cleaned_data["note"]
        return note


@admin.register(PolicyVersion, site=site)
class PolicyVersionAdmin(CapabilityAdmin):
    """Versions are immutable: 'add' appends a new version through the policy service."""

    view_capability = "policy.edit"
    change_capability = "policy.edit"
    form = PolicyVersionForm
    list_display = ("profile", "version", "effective_from", "note", "created_at", "created_by")
    list_filter = ("profile",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        name = request.GET.get("profile")
        last = PolicyVersion.objects.filter(profile__pk=name).order_by("-version").first() if name else None
        if last:
            initial["parameters"] = last.parameters
        return initial

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        version = policy_version_create(
            actor=request.user,
            profile=form.cleaned_data["profile"],
            parameters=form.cleaned_data["parameters"],
            effective_from=form.cleaned_data["effective_from"],
            note=form.cleaned_data["note"],
        )
        obj.pk = version.pk


@admin.register(PolicyProfile, site=site)
class PolicyProfileAdmin(CapabilityAdmin):
    view_capability = "policy.edit"
    change_capability = "policy.edit"
    list_display = ("name", "title", "programme", "region_code", "parent")
    readonly_fields = ("name", "programme", "region_code", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

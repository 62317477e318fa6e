"""The issuer's pages of calls (申报通知): the calls of the official's jurisdiction, the draft form with the
items pre-filled from the profile (inputs only where the profile's `call_editable` allows; what was
typed stays after a refusal, with the messages under their fields), the detail with the buttons of
`allowed_actions` (publish; close asks for a reason and a confirmation). Every write goes through
services.calls, as the API does."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.services.access import require
from peiyu.catalogs.selectors import programme_labels
from peiyu.core.checks import refusal_parts, refusal_text
from peiyu.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from peiyu.core.policy import Policy, region_prefix
from peiyu.core.schemas import check_out

from ..flows import CALL_FLOW
from ..models import Call, Kind
from ..rules.calls import QUOTA_PARAMS, prefilled_fields
from ..selectors import calls as selectors
from ..selectors.actions import call_allowed_actions
from ..services import calls as services
from ..services.call_input import call_input_errors, overrides_from_text
from .calls import call_public_rows

STATUSES = [(s.value, s.label) for s in Call.Status]


def call_list(request):
    require(request.user, "call.manage")
    qs = selectors.calls_visible_to(request.user).order_by("-opens_on", "-pk")
    status = request.GET.get("status", "")
    if status in Call.Status.values:
        qs = qs.filter(status=status)
    regions = selectors.call_region_choices(request.user)
    # the draft button only for a body the profile names as a publisher of calls here (call_new refuses
    # the others with the same reason)
    drafts = bool(regions) and bool(selectors.call_programmes_for(request.user, regions[0][0]))
    return render(
        request,
        "institutions/call_manage_list.html",
        {"calls": qs[:200], "statuses": STATUSES, "status": status, "today": timezone.localdate(),
         "drafts": drafts},
    )  # fmt: skip


# --- the form -------------------------------------------------------------------------------------------


def _parse(post, policy: Policy, region_code: str | None) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The service's input from the posted form; an item the profile does not let a call change has no
    input and is left to the profile."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        name: post.get(name, "") for name in ("title", "opens_on", "deadline", "body", "source")
    }
    data |= {name: post.getlist(name) for name in ("kinds", "occupation_codes", "levels")}
    editable = set(policy.get("call_editable") or [])
    quotas = {}
    for name in QUOTA_PARAMS:
        if name in policy and name in editable:
            field = f"quota_table.{name}"
            overrides = overrides_from_text(
                post.get(f"{field}.overrides", ""), region_prefix(region_code or ""), field, errors
            )
            quotas[name] = {"default": post.get(f"{field}.default", ""), "overrides": overrides}
    if quotas:
        data["quota_table"] = {**prefilled_fields(policy)["quota_table"], **quotas}
    if "evaluation_excluded_occupations" in editable:
        data["excluded_occupations"] = {"evaluation": post.getlist("excluded_evaluation")}
    if "founded_on_or_before" in editable:
        data["founded_on_or_before"] = post.get("founded_on_or_before", "")
    if "publicity_working_days" in editable:
        data["publicity_working_days"] = post.get("publicity_working_days", "")
    return data, errors


def _overrides_text(table: dict[str, Any] | None, names: dict[str, str]) -> str:
    return "\n".join(
        f"{names.get(c, c)} {n}" for c, n in sorted(((table or {}).get("overrides") or {}).items())
    )


def _values(call: Call | None, policy: Policy, post=None) -> dict[str, Any]:
    """What the form shows: what was posted, else the call's values, else the profile's pre-fill."""
    if post is not None:
        values = {k: post.get(k, "") for k in post}
        for name in ("kinds", "occupation_codes", "levels", "excluded_evaluation"):
            values[name] = post.getlist(name)
        return values
    fields = (
        services.call_values(call)
        if call
        else {**prefilled_fields(policy), "levels": policy.get("levels") or []}
    )
    names = selectors.code_names_of(fields)
    values = {
        "title": call.title if call else "",
        "opens_on": (call.opens_on if call else timezone.localdate()).isoformat(),
        "deadline": call.deadline.isoformat() if call else "",
        "body": call.body if call else "",
        "source": call.source if call else "",
        "kinds": list(call.kinds) if call else [],
        "occupation_codes": list(call.occupation_codes) if call else [],
        "levels": list(fields.get("levels") or []),
        "excluded_evaluation": list((fields.get("excluded_occupations") or {}).get("evaluation", [])),
        "founded_on_or_before": fields["founded_on_or_before"].isoformat()
        if fields.get("founded_on_or_before")
        else "",
        "publicity_working_days": str(fields.get("publicity_working_days") or ""),
    }
    for name in QUOTA_PARAMS:
        table = (fields.get("quota_table") or {}).get(name)
        values[f"quota_table.{name}.default"] = str(table["default"]) if table else ""
        values[f"quota_table.{name}.overrides"] = _overrides_text(table, names)
    return values


def _items(policy: Policy, values: dict[str, Any], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The pre-filled items for the template: an input where editable, the profile's value in words
    otherwise, each with its rule."""
    rows = selectors.prefilled_rows(prefilled_fields(policy), policy)
    for row in rows:
        item = row["item"]
        row["rule"] = policy.rule(item)
        row["field"] = f"quota_table.{item}" if item in QUOTA_PARAMS else item
        row["errors"] = errors.get(row["field"], []) + (
            errors.get("excluded_occupations", []) if item == "evaluation_excluded_occupations" else []
        )
        row["default"] = values.get(f"quota_table.{item}.default", "")
        row["overrides"] = values.get(f"quota_table.{item}.overrides", "")
    return rows


def _context(
    request, *, policy: Policy, programme: str, region_code: str | None, call: Call | None, values, errors
):
    return {
        "call": call,
        "policy_name": policy.name,
        "policy_label": policy.label,
        "programme": programme,
        "programme_label": programme_labels().get(programme, programme),
        "region_code": region_code or "",
        "region_name": selectors.region_name(region_code),
        "programmes": [
            (c, label) for c, label, _p in selectors.call_programmes_for(request.user, region_code or "")
        ],
        "regions": selectors.call_region_choices(request.user),
        "subjects": selectors.subject_choices(programme),
        "levels": list(policy.get("levels") or []),
        "kinds": Kind.choices,
        "values": values,
        "errors": errors,
        "items": _items(policy, values, errors),
    }


def _with(errors: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = {k: list(v) for k, v in errors.items()}
    for field, msgs in more.items():
        merged.setdefault(field, []).extend(m for m in msgs if m not in merged[field])
    return merged


def _refused(request, exc: DomainError, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A refusal on the form: field messages under their fields, the rest (with rule ids) on top."""
    if isinstance(exc, (NotFound, PermissionDenied)):
        raise exc
    merged = _with(errors, exc.fields or {})
    text, rules = refusal_parts(exc)
    messages.error(request, text + (f"（{'、'.join(rules)}）" if rules else ""))
    return merged


@require_http_methods(["GET", "POST"])
def call_new(request):
    require(request.user, "call.manage")
    regions = selectors.call_region_choices(request.user)
    region_code = request.GET.get("region", regions[0][0] if regions else "")
    if region_code not in {c for c, _n in regions}:
        raise NotFound()
    programmes = selectors.call_programmes_for(request.user, region_code)
    if not programmes:
        raise PermissionDenied(_("按政策配置，本单位不发布该地区的申报通知"), code="not_a_call_issuer")
    chosen = request.GET.get("programme", programmes[0][0])
    programme, _label, policy = next((p for p in programmes if p[0] == chosen), programmes[0])
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = _parse(request.POST, policy, region_code)
        try:
            if errors:
                raise InvalidInput(_("申报通知有误"), fields=_with(errors, call_input_errors(data, policy)))
            call = services.call_create(
                actor=request.user, region_code=region_code or None, programme=programme, **data
            )
        except DomainError as exc:
            errors = _refused(request, exc, errors)
        else:
            messages.success(request, _("已保存申报通知草稿，核对后可发布"))
            return HttpResponseRedirect(reverse("directory:call_detail", args=[call.pk]))
    values = _values(None, policy, request.POST if request.method == "POST" else None)
    context = _context(
        request,
        policy=policy,
        programme=programme,
        region_code=region_code,
        call=None,
        values=values,
        errors=errors,
    )
    return render(request, "institutions/call_form.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def call_edit(request, pk: int):
    call = selectors.call_get_for(request.user, pk)
    policy = selectors.call_profile(call)
    if "edit" not in call_allowed_actions(request.user, call):
        messages.error(
            request, _("申报通知%(status)s，只有草稿可以修改") % {"status": call.get_status_display()}
        )
        return HttpResponseRedirect(reverse("directory:call_detail", args=[call.pk]))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = _parse(request.POST, policy, call.region_id)
        try:
            if errors:
                raise InvalidInput(_("申报通知有误"), fields=_with(errors, call_input_errors(data, policy)))
            services.call_update(actor=request.user, call=call, **data)
        except DomainError as exc:
            errors = _refused(request, exc, errors)
        else:
            messages.success(request, _("已保存"))
            return HttpResponseRedirect(reverse("directory:call_detail", args=[call.pk]))
    values = _values(call, policy, request.POST if request.method == "POST" else None)
    context = _context(
        request,
        policy=policy,
        programme=call.programme,
        region_code=call.region_id,
        call=call,
        values=values,
        errors=errors,
    )
    return render(request, "institutions/call_form.html", context, status=400 if errors else 200)


# --- one call -------------------------------------------------------------------------------------------


def call_detail(request, pk: int):
    call = selectors.call_get_for(request.user, pk)
    policy = selectors.call_profile(call)
    decision = selectors.call_decision(call)
    context = {
        "call": call,
        "programme_label": programme_labels().get(call.programme, call.programme),
        "allowed_actions": call_allowed_actions(request.user, call),
        "items": selectors.prefilled_rows(selectors.call_fields(call), policy),
        "decision": decision,
        "checks": [check_out(c) for c in decision.checks] if decision else [],
        "history": [
            {"at": h.at, "label": Call.Status(h.to_status).label, "actor": h.actor, "reason": h.reason}
            for h in CALL_FLOW.history(call).select_related("actor")
        ],
        "public_url": reverse("public_call_detail", args=[call.code])
        if call.status != Call.Status.DRAFT
        else "",
        **call_public_rows(call),
    }
    return render(request, "institutions/call_manage_detail.html", context)


def _act(request, pk: int, act) -> HttpResponseRedirect:
    call = selectors.call_get_for(request.user, pk)
    try:
        done = act(call)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("申报通知%(status)s") % {"status": done.get_status_display()})
    return HttpResponseRedirect(reverse("directory:call_detail", args=[call.pk]))


@require_POST
def call_publish(request, pk: int):
    return _act(request, pk, lambda call: services.call_publish(actor=request.user, call=call))


@require_POST
def call_close(request, pk: int):
    return _act(
        request,
        pk,
        lambda call: services.call_close(actor=request.user, call=call, reason=request.POST.get("reason")),
    )


urlpatterns = [
    path("calls/", call_list, name="call_list"),
    path("calls/new/", call_new, name="call_new"),
    path("calls/<int:pk>/", call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_edit, name="call_edit"),
    path("calls/<int:pk>/publish/", call_publish, name="call_publish"),
    path("calls/<int:pk>/close/", call_close, name="call_close"),
]

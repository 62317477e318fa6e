"""Pages of invalidation (CRT-7, SUP-8): the official's finding on a certificate (cause, scope — each
explained on the form — and what was verified), the findings list, and a finding's page where the
issuing institution states the facts and the official then declares the certificate invalid or dismisses
the finding with a reason; the decision's precondition is said on the page when it is not yet met."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from peiyu.core.actions import dispatch
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError

from ..flows import INVALIDATION_FLOW
from ..models import Invalidation
from ..rules.invalidations import CAUSE_MEANINGS, SCOPE_MEANINGS, scopes_for
from ..selectors import certificates as cert_sel
from ..selectors import invalidations as sel
from ..services import invalidations as svc

PAGE_SIZE = 50
DONE = {
    "state": gettext_lazy("情况说明已提交，等待主管部门决定"),
    "decide": gettext_lazy("已宣布无效，即时生效"),
    "dismiss": gettext_lazy("已不予认定，证书继续有效"),
}


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return exc.fields or {"form": [refusal_text(exc, fields=False)]}


@require_http_methods(["GET", "POST"])
def invalidation_open(request: HttpRequest, cert_id: int) -> HttpResponse:
    cert = cert_sel.certificate_get_for(request.user, cert_id)
    if (
        "invalidate" not in cert_sel.certificate_allowed_actions(request.user, cert)
        and request.method == "GET"
    ):
        return HttpResponseRedirect(reverse("certificates:certificate_detail", args=[cert.pk]))
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            inv = svc.invalidation_open(
                actor=request.user,
                certificate=cert,
                cause=request.POST.get("cause", ""),
                scope=request.POST.get("scope", ""),
                finding=request.POST.get("finding", ""),
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            errors, status = _errors(exc), exc.status
        else:
            messages.success(
                request,
                _("已提出无效认定，请发证机构于 %(due)s 前说明情况") % {"due": inv.statement_due},
            )
            return HttpResponseRedirect(reverse("certificates:invalidation_detail", args=[inv.pk]))
    return render(
        request,
        "certificates/invalidations_form.html",
        {
            "c": cert,
            "causes": [(value, label, CAUSE_MEANINGS[value]) for value, label in Invalidation.Cause.choices],
            "scopes": [
                (value, label, SCOPE_MEANINGS[value])
                for value, label in Invalidation.Scope.choices
                if value in scopes_for(cert.source_kind)
            ],
            "post": request.POST if request.method == "POST" else {},
            "errors": errors,
        },
        status=status,
    )


@require_GET
def invalidation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    page = Paginator(sel.invalidations_filtered(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/invalidations_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Invalidation.Status.choices,
            "today": timezone.localdate(),
        },
    )


def _page(
    request: HttpRequest, inv: Invalidation, *, errors: dict[str, list[str]] | None = None, status: int = 200
) -> HttpResponse:
    actions = sel.invalidation_allowed_actions(request.user, inv)
    labels = dict(Invalidation.Status.choices)
    return render(
        request,
        "certificates/invalidations_detail.html",
        {
            "inv": inv,
            "c": inv.certificate,
            "actions": actions,
            "decision_check": sel.decision_check(inv) if inv.status in sel.OPEN else None,
            "cause_meaning": CAUSE_MEANINGS.get(inv.cause, ""),
            "scope_meaning": SCOPE_MEANINGS.get(inv.scope, ""),
            "history": [
                {
                    "at": h.at,
                    "actor": h.actor,
                    "label": labels.get(h.to_status, h.to_status),
                    "reason": h.reason,
                }
                for h in INVALIDATION_FLOW.history(inv).select_related("actor")
            ],
            "today": timezone.localdate(),
            "errors": errors or {},
            "post": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invalidation_detail(request: HttpRequest, invalidation_id: int) -> HttpResponse:
    inv = sel.invalidation_get_for(request.user, invalidation_id)
    if request.method == "GET":
        return _page(request, inv)
    action = request.POST.get("action", "")
    try:
        dispatch(svc.INVALIDATION_ACTIONS, action, actor=request.user, invalidation=inv,
                 text=request.POST.get("text", ""))  # fmt: skip
    except DomainError as exc:
        if exc.status == 404:
            raise
        inv.refresh_from_db()
        return _page(request, inv, errors=_errors(exc), status=exc.status)
    messages.success(request, str(DONE.get(action, _("已完成"))))
    return HttpResponseRedirect(reverse("certificates:invalidation_detail", args=[inv.pk]))


urlpatterns: list[URLPattern] = [
    path("<int:cert_id>/invalidate/", invalidation_open, name="invalidation_open"),
    path("invalidations/", invalidation_list, name="invalidation_list"),
    path("invalidations/<int:invalidation_id>/", invalidation_detail, name="invalidation_detail"),
]
public_urlpatterns: list[URLPattern] = []

"""Pages of declared affiliates and the training conflict (EVL-9): the institution declares its
subsidiaries, branches and technical-support units and sees the last check; the bureaus see the flagged
institutions of their jurisdiction. Included by views/sites.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.scoping import scope_for
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError
from peiyu.core.schemas import check_out

from ..flows import SUPERVISE
from ..models import Affiliate
from ..selectors import affiliates as sel
from ..selectors.sites import managed_institution
from ..services import affiliates as svc

FIELDS = ("kind", "name", "uscc", "org")


def _render(
    request: HttpRequest, *, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
    error: str = "", status: int = 200,
) -> HttpResponse:  # fmt: skip
    institution = managed_institution(request.user)
    latest = sel.latest_conflict(institution.pk) if institution else None
    return render(
        request,
        "exams/affiliate_list.html",
        {
            "institution": institution,
            "affiliates": sel.affiliates_of(request.user, institution.pk) if institution else [],
            "decision": latest,
            "checks": [check_out(c) for c in latest.checks] if latest else [],
            "flagged": sel.flagged_institutions(request.user)
            if scope_for(request.user, SUPERVISE).granted
            else [],
            "is_official": scope_for(request.user, SUPERVISE).granted,
            "kinds": Affiliate.Kind.choices,
            "values": values or {},
            "errors": errors or {},
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def affiliate_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        institution = managed_institution(request.user)
        data = {name: (request.POST.get(name) or "").strip() for name in FIELDS}
        if institution is None:
            return _render(request, values=data, error=_("只有评价机构可以登记关联单位"), status=403)
        try:
            affiliate = svc.affiliate_declare(actor=request.user, institution=institution, data=data)
        except DomainError as exc:
            return _render(
                request,
                values=data,
                errors=exc.fields,
                error=refusal_text(exc, fields=False),
                status=exc.status,
            )
        if affiliate.flagged:
            messages.warning(
                request, _("已登记。该单位开展本机构所评价职业（工种）的培训，已标记为冲突（EVL-9）")
            )
        else:
            messages.success(request, _("已登记关联单位"))
        return HttpResponseRedirect(reverse("exams:affiliate_list"))
    return _render(request)


@require_POST
def affiliate_end(request: HttpRequest, pk: int) -> HttpResponse:
    affiliate = sel.affiliate_get_for(request.user, pk)
    reason = (request.POST.get("reason") or "").strip()
    try:
        svc.affiliate_end(actor=request.user, affiliate=affiliate, reason=reason)
    except DomainError as exc:
        return _render(request, error=refusal_text(exc), status=exc.status)
    messages.success(request, _("已登记关联关系终止"))
    return HttpResponseRedirect(reverse("exams:affiliate_list"))


urlpatterns: list[URLPattern] = [
    path("affiliates/", affiliate_list, name="affiliate_list"),
    path("affiliates/<int:pk>/end/", affiliate_end, name="affiliate_end"),
]

"""Pages of certificates (CRT-8): the list of the certificates the user may read — the issuing institution
its own, officials their jurisdiction, the coordination group office every DTE certificate — with filters
(kind, status, occupation, level, issue dates, number or name) and paging; the xlsx export (certificate
.export only, audited with the filter and the row count); a certificate's page with everything about it
(its content, holder as the user may see them, history, batch, invalidation findings, reissue chain, the
buttons open to the user) and its PDF; the issuer's reissue (lost, corrected)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from peiyu.core.checks import refusal_text
from peiyu.core.cleaning import clean_date
from peiyu.core.errors import DomainError, InvalidInput
from peiyu.core.http import XLSX, attachment

from ..models import Certificate
from ..rules.certificates import CORRECTABLE, REISSUE_KINDS
from ..rules.invalidations import SCOPE_MEANINGS
from ..selectors import certificates as sel
from ..services import certificates as export_svc
from ..services import certificates_reissue as reissue_svc
from . import certificates_files as certificate_files

PAGE_SIZE = 50


def _date(request: HttpRequest, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return clean_date(raw, field=name)
    except InvalidInput as exc:
        errors[name] = [exc.message]
        return None


def filters_from(request: HttpRequest) -> tuple[sel.CertificateFilters, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    g = request.GET
    f = sel.CertificateFilters(
        kind=g.get("kind", ""),
        status=g.get("status", ""),
        occupation=g.get("occupation", "").strip()[:60],
        level=g.get("level", "").strip()[:16],
        issued_from=_date(request, "issued_from", errors),
        issued_to=_date(request, "issued_to", errors),
        q=g.get("q", "").strip()[:40],
    )
    return f, errors


@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    f, errors = filters_from(request)
    page = Paginator(sel.certificates_filtered(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    certs = list(page.object_list)
    shown = sel.holders_shown(request.user, certs, what="certificate_list")
    return render(
        request,
        "certificates/certificates_list.html",
        {
            "page": page,
            "rows": list(zip(certs, shown, strict=True)),
            "f": f,
            "values": request.GET,
            "errors": errors,
            "kinds": Certificate.Kind.choices,
            "statuses": Certificate.Status.choices,
            "levels": sel.levels_in_use(request.user),
            "may_export": sel.may_export(request.user),
        },
    )


@require_GET
def certificate_export(request: HttpRequest) -> HttpResponse:
    f, errors = filters_from(request)
    if errors:
        raise InvalidInput(_("请检查筛选条件"), fields=errors)
    content, _count = export_svc.certificates_export(actor=request.user, filters=f)
    return attachment(content, "证书数据.xlsx", XLSX, "certificates.xlsx")


def certificate_page(
    request: HttpRequest,
    cert: Certificate,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    holder = sel.holders_shown(request.user, [cert], what="certificate")[0]
    return render(
        request,
        "certificates/certificates_detail.html",
        {
            "c": cert,
            "holder": holder,
            "details": certificate_files.details_shown(cert),
            "history": list(sel.certificate_history(cert)),
            "invalidations": list(sel.invalidations_of(cert)),
            "chain": sel.reissue_chain(cert),
            "successor": sel.successor(cert),
            "actions": sel.certificate_allowed_actions(request.user, cert),
            "reissue_kinds": REISSUE_KINDS,
            "correctable": CORRECTABLE,
            "scope_meanings": SCOPE_MEANINGS,
            "verify_url": certificate_files.verify_url(request, cert),
            "errors": errors or {},
            "post": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@require_GET
def certificate_detail(request: HttpRequest, cert_id: int) -> HttpResponse:
    return certificate_page(request, sel.certificate_get_for(request.user, cert_id))


@require_GET
def certificate_pdf(request: HttpRequest, cert_id: int) -> HttpResponse:
    return certificate_files.pdf_response(request, sel.certificate_get_for(request.user, cert_id))


@require_http_methods(["POST"])
def certificate_reissue(request: HttpRequest, cert_id: int) -> HttpResponse:
    cert = sel.certificate_get_for(request.user, cert_id)
    p = request.POST
    try:
        new = reissue_svc.certificate_reissue(
            actor=request.user,
            certificate=cert,
            kind=p.get("kind", ""),
            reason=p.get("reason", ""),
            corrections={k: p[k] for k in CORRECTABLE if p.get(k, "").strip()},
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        cert.refresh_from_db()
        return certificate_page(
            request, cert, errors=exc.fields or {"form": [refusal_text(exc, fields=False)]}, status=exc.status
        )
    messages.success(request, _("已换发新证书 %(number)s，原证书已标记为已换发") % {"number": new.number})
    return HttpResponseRedirect(reverse("certificates:certificate_detail", args=[new.pk]))


urlpatterns: list[URLPattern] = [
    path("", certificate_list, name="certificate_list"),
    path("export.xlsx", certificate_export, name="certificate_export"),
    path("<int:cert_id>/", certificate_detail, name="certificate_detail"),
    path("<int:cert_id>/certificate.pdf", certificate_pdf, name="certificate_pdf"),
    path("<int:cert_id>/reissue/", certificate_reissue, name="certificate_reissue"),
]
public_urlpatterns: list[URLPattern] = []

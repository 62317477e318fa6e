"""Public certificate verification (CRT-5; ADR 0014), no sign-in: by number, by the QR code's signed
payload (`/v/<payload>`: the signature is checked against the published keys first; a payload that
fails is shown as forged, never looked up), by name + ID number + number (as the national query does),
and by an uploaded PDF (its embedded signature checked, then the register's data by its number).
Every lookup counts against the visitor's budget (services.verification). The published documents —
keys, status lists, Verifiable Credentials, the offline verifier — are in verification_documents.py."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.core.frames import framed
from peiyu.core.middleware import client_ip

from ..rules.payload import Verdict, payload_verify
from ..selectors import verification as sel
from ..services import verification as svc
from .verification_documents import document_urlpatterns

TEMPLATE = "certificates/verification_page.html"  # the frame (base.html), kept per language: core.frames
BODY = "certificates/verification_body.html"
PDF_MAX_BYTES = 20 * 1024 * 1024
MODES = ("number", "identity", "pdf")


@lru_cache(maxsize=1)
def _vc_url() -> str:
    return reverse("cert_public:certificate_vc_by_number")


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_ip(request)


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("mode", "number")
    context.setdefault("values", {})
    context["vc_url"] = _vc_url()
    body = render_to_string(BODY, context, request=request)
    response = framed(request, TEMPLATE, content=mark_safe(body), status=status)  # noqa: S308 - a rendered template
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _answer(
    request: HttpRequest,
    cert: Any,
    *,
    mode: str,
    values: dict[str, str],
    identity: bool = False,
    **extra: Any,
) -> HttpResponse:
    """Count the lookup and show its answer (or the refusal when the budget is spent)."""
    try:
        svc.lookup_counted(_who(request), found=cert is not None)
    except svc.Throttled as exc:
        response = _page(request, {"throttled": exc, "mode": mode, "values": values}, status=429)
        response["Retry-After"] = str(exc.details["retry_after"])
        return response
    if cert is None:
        return _page(request, {"not_found": True, "mode": mode, "values": values, **extra}, status=404)
    view = sel.verification_view(cert, identity_checked=identity)
    return _page(request, {"c": view, "mode": mode, "values": values, **extra})


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """GET ?number=: by number. POST name + id_number + number: the national query's three fields
    (posted, so the ID number never stands in an address or a log)."""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:64]
        id_number = request.POST.get("id_number", "").strip()[:32]
        number = request.POST.get("number", "").strip()[:64]
        values = {"name": name, "number": number}  # the ID number is not shown back
        errors = {
            field: [message]
            for field, value, message in (
                ("name", name, "请输入持证人姓名"),
                ("id_number", id_number, "请输入身份证号码"),
                ("number", number, "请输入证书编号"),
            )
            if not value
        }
        if errors:
            return _page(request, {"errors": errors, "mode": "identity", "values": values}, status=400)
        cert = sel.certificate_by_identity(name=name, id_number=id_number, number=number)
        return _answer(request, cert, mode="identity", values=values, identity=True)
    number = request.GET.get("number", "").strip()[:64]
    mode = request.GET.get("mode", "number")
    if not number:
        return _page(request, {"form_only": True, "mode": mode if mode in MODES else "number"})
    return _answer(request, sel.certificate_by_number(number), mode="number", values={"number": number})


@login_not_required
@require_GET
def verify_qr(request: HttpRequest, payload: str) -> HttpResponse:
    """The QR code's URL: the payload's SM2 signature against the published keys, then the register."""
    keys, revoked = sel.key_material(svc.published_keys())
    verdict = payload_verify(payload, keys, revoked=revoked)
    if verdict.verdict is Verdict.UNKNOWN_KEY:  # a key made since this process last read them
        keys, revoked = sel.key_material(svc.published_keys(fresh=True))
        verdict = payload_verify(payload, keys, revoked=revoked)
    if not verdict.ok or verdict.payload is None:
        # forged or damaged: shown as such, nothing looked up (a forgery must not borrow a real record)
        return _page(request, {"forged": verdict, "mode": "number"}, status=200)
    cert = sel.certificate_by_number(verdict.payload.number)
    # the register's field names (Chinese msgids already in the catalog), in the page's language
    differences = [gettext(d) for d in sel.matches_payload(cert, verdict.payload)] if cert is not None else []
    return _answer(
        request,
        cert,
        mode="number",
        values={"number": verdict.payload.number},
        signature=verdict,
        differences=differences,
    )


@login_not_required
@require_POST
def verify_pdf(request: HttpRequest) -> HttpResponse:
    """An uploaded certificate PDF: its embedded signature (authentic or tampered), then the register's
    data by the number it claims — so an edited PDF shows the real data beside the verdict."""
    from ..services.pdf import pdf_check

    refused = svc.lookup_refused(_who(request))
    if refused is not None:
        response = _page(request, {"throttled": refused, "mode": "pdf"}, status=429)
        response["Retry-After"] = str(refused.details["retry_after"])
        return response
    upload = request.FILES.get("file")
    if upload is None or not upload.size:
        return _page(request, {"errors": {"file": ["请选择证书 PDF 文件"]}, "mode": "pdf"}, status=400)
    if upload.size > PDF_MAX_BYTES:
        message = f"文件过大：证书 PDF 不超过 {PDF_MAX_BYTES // (1024 * 1024)} MB"
        return _page(request, {"errors": {"file": [message]}, "mode": "pdf"}, status=400)
    check = pdf_check(upload.read())
    number = getattr(check, "number", "") or ""
    cert = sel.certificate_by_number(number) if number else None
    if not number:
        return _page(request, {"pdf": check, "mode": "pdf"}, status=200)
    return _answer(request, cert, mode="pdf", values={}, pdf=check)


urlpatterns: list[URLPattern] = []
public_urlpatterns: list[URLPattern] = [
    path("verify/", verify, name="verify"),
    path("verify/pdf/", verify_pdf, name="verify_pdf"),
    path("v/<str:payload>", verify_qr, name="verify_qr"),
    *document_urlpatterns,
]

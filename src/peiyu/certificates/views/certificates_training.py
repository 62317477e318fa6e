"""Training certificates' addresses from before the move (ADR 0007 §4), kept so that links and the QR
codes printed on paper certificates still resolve:

- `/verify/training/` and `/verify/training/<token>/` (URL names `training_certificate_lookup`,
  `training_certificate_verify`): public verification by number or QR token, answered from the
  certificates table — status large, the holder's name masked, never the ID number;
- `/training/certificates/<id>/` (the old certificate id) → the certificate's page here;
  `/training/certificates/<id>/certificate.pdf` → its PDF (the certificates app's, signed);
  `/training/certificates/<id>/revoke/` → its page, where invalidation now is; `/training/certificates/`
  → the certificates list.

And the PDF of a training certificate for those who could always download it — the class's institution,
its supervising officials and the holder (training's class scope): `certificates:training_certificate_pdf`,
the link training's pages show. A moved certificate not yet signed is signed before its PDF is made."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from peiyu.core.errors import NotFound
from peiyu.core.http import attachment

from ..models import Certificate
from ..selectors import certificates_training as sel
from ..services.certificates_training import training_certificate_signed

PDF = "application/pdf"
VERIFY_TEMPLATE = "certificates/certificates_training_verify.html"


def _qr_url(request: HttpRequest, cert: Certificate) -> str:
    """What the PDF's QR code carries: the signed payload's verification address (CRT-5), or — before
    public verification by payload is routed — the certificate's own verification page."""
    try:
        return request.build_absolute_uri(reverse("cert_public:verify_qr", args=[cert.payload]))
    except NoReverseMatch:
        return request.build_absolute_uri(reverse("training_certificate_verify", args=[cert.verify_token]))


def _pdf(request: HttpRequest, cert: Certificate) -> HttpResponse:
    from ..services.pdf import certificate_pdf

    cert = training_certificate_signed(cert)
    content = certificate_pdf(cert, verify_url=_qr_url(request, cert))
    return attachment(content, f"培训合格证书-{cert.number}.pdf", PDF, f"certificate-{cert.number}.pdf")


@require_GET
def training_certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, sel.training_certificate_get_for(request.user, pk))


def _moved_in_scope(request: HttpRequest, legacy_id: int) -> Certificate:
    moved = sel.training_certificate_moved(legacy_id)
    return sel.training_certificate_get_for(request.user, moved.pk)  # 404 out of scope, as before


@require_GET
def legacy_certificate_pdf(request: HttpRequest, legacy_id: int) -> HttpResponse:
    return _pdf(request, _moved_in_scope(request, legacy_id))


@require_http_methods(["GET", "POST"])
def legacy_certificate_page(request: HttpRequest, legacy_id: int) -> HttpResponse:
    return HttpResponseRedirect(sel.certificate_page_url(_moved_in_scope(request, legacy_id)))


@require_GET
def legacy_certificate_list(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("certificates:certificate_list") + "?kind=training")


# --- public verification --------------------------------------------------------------------------------


def _not_found(request: HttpRequest, number: str = "") -> HttpResponse:
    return render(request, VERIFY_TEMPLATE, {"found": False, "number": number}, status=404)


@login_not_required
@require_GET
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        cert = sel.training_certificate_public(token=token)
    except NotFound:
        return _not_found(request)
    return render(request, VERIFY_TEMPLATE, {"found": True, "c": sel.training_certificate_public_view(cert)})


@login_not_required
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()[:40]
    if not number:
        return render(request, VERIFY_TEMPLATE, {"form_only": True})
    try:
        cert = sel.training_certificate_public(number=number)
    except NotFound:
        return _not_found(request, number)
    return render(
        request,
        VERIFY_TEMPLATE,
        {"found": True, "c": sel.training_certificate_public_view(cert), "number": number},
    )


urlpatterns: list[URLPattern] = [
    path("training/<int:pk>/certificate.pdf", training_certificate_pdf, name="training_certificate_pdf"),
]
# at the site root, without a namespace: the names and addresses training had
legacy_urlpatterns: list[URLPattern] = [
    path("verify/training/", certificate_lookup, name="training_certificate_lookup"),
    path("verify/training/<str:token>/", certificate_verify, name="training_certificate_verify"),
    path("training/certificates/", legacy_certificate_list, name="training_certificate_list_moved"),
    path(
        "training/certificates/<int:legacy_id>/", legacy_certificate_page, name="training_certificate_moved"
    ),
    path(
        "training/certificates/<int:legacy_id>/certificate.pdf",
        legacy_certificate_pdf,
        name="training_certificate_pdf_moved",
    ),
    path(
        "training/certificates/<int:legacy_id>/revoke/",
        legacy_certificate_page,
        name="training_certificate_revoke_moved",
    ),
]
public_urlpatterns: list[URLPattern] = []

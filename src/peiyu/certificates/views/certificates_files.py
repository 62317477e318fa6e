"""What the certificate pages and the wallet share: the verification address the QR code carries (the
signed payload, `cert_public:verify_qr`), the QR code itself, the PDF download (services.pdf, the same
document for the issuer, the officials and the holder) and the kind-specific content in words."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peiyu.core.documents.qr import qr_svg
from peiyu.core.http import attachment

from ..models import Certificate

PDF = "application/pdf"
# the kind-specific facts of `details` a page shows, in this order, with their labels
DETAIL_LABELS = {
    "hours": gettext_lazy("培训学时"),
    "ce_year": gettext_lazy("继续教育年度"),
    "ce_hours": gettext_lazy("计入继续教育学时"),
    "class": gettext_lazy("培训班"),
    "exam_on": gettext_lazy("考核日期"),
    "theory": gettext_lazy("理论知识成绩"),
    "practical": gettext_lazy("技能操作成绩"),
    "review": gettext_lazy("综合评审成绩"),
}


def verify_url(request: HttpRequest, cert: Certificate) -> str:
    """The absolute address the certificate's QR code carries: its signed payload at /v/ (CRT-5)."""
    if not cert.payload:
        return ""
    return request.build_absolute_uri(reverse("cert_public:verify_qr", args=[cert.payload]))


def qr(request: HttpRequest, cert: Certificate, *, scalable: bool = False) -> SafeString:
    url = verify_url(request, cert)
    if not url:
        return mark_safe("")
    return mark_safe(qr_svg(url, title=_("证书核验"), scalable=scalable))  # noqa: S308 - segno's SVG of our URL


def pdf_response(request: HttpRequest, cert: Certificate) -> HttpResponse:
    from ..services.pdf import certificate_pdf

    content = certificate_pdf(cert, verify_url=verify_url(request, cert))
    return attachment(
        content, f"{cert.get_kind_display()}-{cert.number}.pdf", PDF, f"certificate-{cert.number}.pdf"
    )


def details_shown(cert: Certificate) -> list[tuple[str, Any]]:
    """The certificate's kind-specific facts as (label, value), only those it has."""
    details = cert.details or {}
    return [
        (str(label), details[key])
        for key, label in DETAIL_LABELS.items()
        if details.get(key) not in (None, "")
    ]

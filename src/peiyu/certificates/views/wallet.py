"""The holder's wallet (person.self): all of a person's certificates — training, level and skill — as
cards, each with its PDF, its W3C Verifiable Credential (cert_public:certificate_vc) and a 出示证书 page
made for a phone held up to a verifier: the status large and the QR code of the signed payload's
address, as big as the screen allows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from ..selectors import certificates as cert_sel
from ..selectors import wallet as sel
from . import certificates_files as files


@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    return render(request, "certificates/wallet_list.html", {"cards": sel.wallet_cards(request.user)})


@require_GET
def wallet_show(request: HttpRequest, cert_id: int) -> HttpResponse:
    card = sel.wallet_card(request.user, cert_id)
    return render(
        request,
        "certificates/wallet_show.html",
        {"card": card, "c": card.cert, "qr": files.qr(request, card.cert, scalable=True),
         "verify_url": files.verify_url(request, card.cert)},
    )  # fmt: skip


@require_GET
def wallet_pdf(request: HttpRequest, cert_id: int) -> HttpResponse:
    return files.pdf_response(request, cert_sel.holder_certificate_get(request.user, cert_id))


urlpatterns: list[URLPattern] = [
    path("wallet/", wallet, name="wallet"),
    path("wallet/<int:cert_id>/", wallet_show, name="wallet_show"),
    path("wallet/<int:cert_id>/certificate.pdf", wallet_pdf, name="wallet_pdf"),
]
public_urlpatterns: list[URLPattern] = []

"""The documents public verification publishes (CRT-5; ADR 0014), no sign-in: the published keys
(`/certificates/keys.json`), the status lists in the manner of the W3C Bitstring Status List
(`/certificates/status/<n>`), each certificate as a W3C Verifiable Credential 2.0 (by the holder's
verification token, or by number from the verification page — counted like a lookup), and the offline
verifier (`/verify/offline/`: the static page with the keys embedded, or downloaded as one file that
works without a network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from peiyu.core.middleware import client_ip

from ..selectors import verification as sel
from ..services import verification as svc

JSON_OPTIONS = {"ensure_ascii": False, "indent": 2}
VERIFIER_FILES = ("verifier.js", "vendor/sm2.js", "vendor/sm3.js", "verifier.css")


def _json(document: Any, *, filename: str = "", max_age: int = 0) -> HttpResponse:
    response = JsonResponse(document, json_dumps_params=JSON_OPTIONS)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from anywhere
    response["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-cache"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _keys_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("cert_public:keys"))


def _list_url_of(request: HttpRequest) -> Any:
    """(list number, purpose) → the list's URL: /certificates/status/<n> (revocation) and
    /certificates/status/<n>/message (two bits per certificate: valid, invalidated, superseded)."""

    def url(n: int, purpose: str = svc.REVOCATION) -> str:
        name = "cert_public:status_list" if purpose == svc.REVOCATION else "cert_public:status_messages"
        return request.build_absolute_uri(reverse(name, args=[n]))

    return url


@login_not_required
@require_GET
def keys(request: HttpRequest) -> HttpResponse:
    return _json(svc.keys_document(), max_age=300)


@login_not_required
@require_GET
def status_list(request: HttpRequest, list_number: int, purpose: str = svc.REVOCATION) -> HttpResponse:
    document = svc.status_list_credential(
        list_number,
        list_url=_list_url_of(request)(list_number, purpose),
        keys_url=_keys_url(request),
        purpose=purpose,
    )
    if document is None:
        raise Http404("没有这个状态列表")
    response = _json(document)
    response["Content-Type"] = "application/vc+ld+json"
    return response


def _vc(request: HttpRequest, cert: Any) -> HttpResponse:
    page = request.build_absolute_uri(reverse("cert_public:verify")) + "?number=" + quote(cert.number)
    document = svc.certificate_vc(
        cert, page_url=page, list_url_of=_list_url_of(request), keys_url=_keys_url(request)
    )
    response = _json(document, filename=f"certificate-{cert.number}.json")
    response["Content-Type"] = "application/vc+ld+json"
    return response


@login_not_required
@require_GET
def certificate_vc(request: HttpRequest, token: str) -> HttpResponse:
    """The holder's wallet links here with the certificate's verification token."""
    cert = sel.certificate_by_token(token)
    if cert is None:
        raise Http404("未找到该证书")
    return _vc(request, cert)


@login_not_required
@require_GET
def certificate_vc_by_number(request: HttpRequest) -> HttpResponse:
    """The verification page's download: a lookup by number, counted against the visitor's budget."""
    number = request.GET.get("number", "").strip()[:64]
    if not number:
        return HttpResponseRedirect(reverse("cert_public:verify"))
    cert = sel.certificate_by_number(number)
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else "ip:" + client_ip(request)
    try:
        svc.lookup_counted(who, found=cert is not None)
    except svc.Throttled as exc:
        response = JsonResponse(exc.as_dict(), status=429, json_dumps_params=JSON_OPTIONS)
        response["Retry-After"] = str(exc.details["retry_after"])
        return response
    if cert is None:
        raise Http404("未找到该证书")
    return _vc(request, cert)


def _static_text(name: str) -> str:
    found = finders.find(f"certificates/verifier/{name}")
    if not found:
        raise Http404("离线核验工具文件缺失")
    return Path(str(found)).read_text(encoding="utf-8")


@login_not_required
@require_GET
def offline_verifier(request: HttpRequest) -> HttpResponse:
    """The offline verifier with today's published keys embedded. ?download=1: one self-contained
    HTML file (scripts inline) to keep and open without a network; otherwise the page itself."""
    keys_json = json.dumps(svc.keys_document(), ensure_ascii=False).replace("</", "<\\/")
    if request.GET.get("download"):
        html = render(
            request,
            "certificates/verification_offline_file.html",
            {
                "keys_json": keys_json,
                "scripts": [_static_text(n) for n in VERIFIER_FILES if n.endswith(".js")],
                "style": _static_text("verifier.css"),
                "made_on": timezone.localdate(),
            },
        ).content
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="peiyu-offline-verifier.html"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "certificates/verification_offline.html", {"keys_json": keys_json})


document_urlpatterns: list[URLPattern] = [
    path("verify/offline/", offline_verifier, name="offline_verifier"),
    path("verify/vc/", certificate_vc_by_number, name="certificate_vc_by_number"),
    path("verify/vc/<str:token>.json", certificate_vc, name="certificate_vc"),
    path("certificates/keys.json", keys, name="keys"),
    path("certificates/status/<int:list_number>", status_list, name="status_list"),
    path(
        "certificates/status/<int:list_number>/message",
        status_list,
        {"purpose": svc.MESSAGE},
        name="status_messages",
    ),
]

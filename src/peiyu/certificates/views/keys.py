"""Pages of signing keys (CRT-4): the institution administrator (certificate.keys) sees their
organisation's keys — active, retired, revoked — generates the first one, rotates, revokes with a reason.
Another institution's key is 404. Thin: parse, call one service, render; a refusal stays on the page with
what was typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError

from ..selectors import keys as sel
from ..services import keys as svc


def _page(request: HttpRequest, *, error: str = "", errors: dict[str, list[str]] | None = None,
          form: tuple[str, int] = ("", 0), values: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    institutions = sel.managed_institutions(request.user)
    if not institutions:
        raise Http404(_("只有发证机构的管理员可以管理签名密钥"))
    keys = list(sel.keys_visible_to(request.user))
    groups = [
        {"institution": org, "keys": [k for k in keys if k.institution_id == org.pk]} for org in institutions
    ]
    return render(
        request,
        "certificates/keys_list.html",
        {
            "groups": groups,
            "error": error,
            "errors": errors or {},
            "form_kind": form[0],
            "form_pk": form[1],
            "values": values or {},
        },
        status=status,
    )


def key_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _institution(request: HttpRequest) -> Any:
    try:
        pk = int(request.POST.get("institution", ""))
    except ValueError:
        raise Http404() from None
    found = next((o for o in sel.managed_institutions(request.user) if o.pk == pk), None)
    if found is None:
        raise Http404()
    return found


@require_POST
def key_generate(request: HttpRequest) -> HttpResponse:
    svc.key_generate(actor=request.user, institution=_institution(request))
    messages.success(request, _("已生成签名密钥"))
    return HttpResponseRedirect(reverse("certificates:key_list"))


@require_POST
def key_rotate(request: HttpRequest) -> HttpResponse:
    institution = _institution(request)
    reason = (request.POST.get("reason") or "").strip()
    try:
        svc.key_rotate(actor=request.user, institution=institution, reason=reason)
    except DomainError as exc:
        return _page(request, error=refusal_text(exc, fields=False), errors=exc.fields,
                     form=("rotate", institution.pk), values={"reason": reason}, status=exc.status)  # fmt: skip
    messages.success(request, _("已轮换签名密钥：原密钥停用（已签发的证书仍可验证），新密钥已启用"))
    return HttpResponseRedirect(reverse("certificates:key_list"))


@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = sel.key_get_for(request.user, pk)
    reason = (request.POST.get("reason") or "").strip()
    try:
        svc.key_revoke(actor=request.user, key=key, reason=reason)
    except DomainError as exc:
        return _page(request, error=refusal_text(exc, fields=False), errors=exc.fields,
                     form=("revoke", pk), values={"reason": reason}, status=exc.status)  # fmt: skip
    messages.success(request, _("已吊销该密钥：吊销之后日期的证书不再通过验证"))
    return HttpResponseRedirect(reverse("certificates:key_list"))


urlpatterns: list[URLPattern] = [
    path("keys/", key_list, name="key_list"),
    path("keys/generate/", key_generate, name="key_generate"),
    path("keys/rotate/", key_rotate, name="key_rotate"),
    path("keys/<int:pk>/revoke/", key_revoke, name="key_revoke"),
]
public_urlpatterns: list[URLPattern] = []

"""Login required everywhere except the public portal, health check, static files and the API
(which authenticates each request itself and answers 401 in JSON)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

from peiyu.audit.context import reset_ip, set_ip

PUBLIC_PREFIXES = ("/api/", "/healthz", "/static/", "/i18n/")
GetResponse = Callable[[HttpRequest], HttpResponseBase]


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind PEIYU_TRUSTED_PROXY_COUNT proxies the address the outermost trusted
    proxy saw (entries further left can be forged by the client)."""
    from django.conf import settings

    hops = settings.PEIYU_TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return str(forwarded[-hops])[:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


class AuditContextMiddleware:
    """Makes the client address available to audit_record() deep inside services."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = set_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_ip(token)


class ExplicitLocaleMiddleware:
    """Chinese unless the user chose English with the language switch (cookie). The browser's
    Accept-Language is ignored: an official's English-language browser must not change the
    language of forms and decisions they work with."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


class DomainErrorMiddleware:
    """The one place where pages turn domain errors into answers (views never catch NotFound
    themselves): NotFound → 404, PermissionDenied → 403, any other domain error → the error page
    with its Chinese message and the right status; never a 500. The API has its own handlers."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.http import Http404
        from django.shortcuts import render

        from .errors import DomainError, NotFound, PermissionDenied

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(exception.message)
        return render(request, "error.html", {"error": exception}, status=exception.status)

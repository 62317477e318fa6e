"""Login required everywhere except the public portal, health check, static files and the API
(which authenticates each request itself and answers 401 in JSON)."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

from peiyu.audit.context import reset_ip, set_ip

PUBLIC_PREFIXES = ("/api/", "/healthz", "/static/", "/i18n/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class AuditContextMiddleware:
    """Makes the client address available to audit_record() deep inside services."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_ip(request.META.get("REMOTE_ADDR", ""))
        try:
            return self.get_response(request)
        finally:
            reset_ip(token)


class ExplicitLocaleMiddleware:
    """Chinese unless the user chose English with the language switch (cookie). The browser's
    Accept-Language is ignored: an official's English-language browser must not change the
    language of forms and decisions they work with."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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

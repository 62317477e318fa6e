"""Officials must pass TOTP after the password (django-otp). Until they have, every page except the
TOTP pages, logout and the public ones sends them to enrol or verify."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

from .scoping import is_official

ALLOWED_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/healthz", "/i18n/", "/portal/")


class OfficialOTPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.PEIYU_OFFICIAL_OTP_REQUIRED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
            and request.path != "/"
            and not user.is_verified()
            and is_official(user)
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            return redirect("accounts:otp_verify" if has_device else "accounts:otp_setup")
        return self.get_response(request)

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


PASSWORD_ALLOWED_PREFIXES = (
    "/accounts/password/change/",
    "/api/v1/password/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/static/",
    "/healthz",
    "/i18n/",
)


class PasswordChangeRequiredMiddleware:
    """After an administrator reset a password, or for an account created with a temporary one
    (`User.must_change_password`), every signed-in page leads to the change-password page until the
    person has set their own; the API refuses the session with 403 and says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(PASSWORD_ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                message = "请先修改初始密码（或管理员重置后的密码）后再使用"
                body = {"code": "password_change_required", "message": message, "rules": [], "fields": {}}
                return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
            from django.urls import reverse
            from django.utils.http import urlencode

            target = reverse("accounts:password_change")
            if request.method == "GET" and request.path not in ("/", "/home/"):
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)

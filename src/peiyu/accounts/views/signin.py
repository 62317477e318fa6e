"""Signing in: password (with lockout), TOTP for officials, the workbench `/home/`, signing out."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from peiyu.audit.services import audit_record
from peiyu.core.registry import todo_for

from ..forms import LoginForm, OTPTokenForm
from ..scoping import capabilities_of, is_official
from ..selectors.roles import assignments_of
from ..selectors.signups import own_signup, signup_return_reason


def lockout_response(request, credentials, *args, **kwargs):
    return render(
        request,
        "accounts/locked.html",
        {"minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        status=429,
    )


def safe_next(request, default: str = "home"):
    """Where `next` may lead: a path on this site only (no other host, no scheme change, no `//`
    or backslash tricks); anything else goes to `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _throttled(device) -> str | None:
    """django-otp slows guessing down after each wrong code: while a device waits, say so (and do not
    call a correct code wrong)."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else None
    if seconds:
        return _("验证码尝试次数过多，请 %(seconds)s 秒后再试") % {"seconds": seconds}
    return _("验证码尝试次数过多，请稍后再试")


class LoginView(auth_views.LoginView):
    """Password sign-in; `next` is followed only inside the site (Django's own check, kept strict:
    the allowed hosts are this request's host only)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    success_url_allowed_hosts: set[str] = set()


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol a TOTP authenticator: an unconfirmed device is shown as a QR code until a correct code
    confirms it."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="TOTP", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttled := _throttled(device):
            form.add_error("token", throttled)
            status = 429
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(request.user, "auth.otp_enrolled", request.user)
            messages.success(request, _("双因素认证已启用"))
            return safe_next(request)
        else:
            form.add_error("token", _("验证码不正确，请查看认证器上的最新6位数字"))
    qr = segno.make(device.config_url, micro=False).svg_inline(scale=4)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    context = {"form": form, "qr": qr, "secret": secret}
    return render(request, "accounts/otp_setup.html", context, status=status)


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
        waiting = [_throttled(device) for device in devices]
        if devices and all(waiting):
            audit_record(request.user, "auth.otp_throttled", request.user)
            form.add_error("token", waiting[0])
            return render(request, "accounts/otp_verify.html", {"form": form}, status=429)
        for device, wait in zip(devices, waiting, strict=True):
            if wait is None and device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                audit_record(request.user, "auth.otp_verified", request.user)
                return safe_next(request)
        audit_record(request.user, "auth.otp_failed", request.user)
        form.add_error("token", _("验证码不正确"))
    return render(request, "accounts/otp_verify.html", {"form": form})


def home(request):
    user = request.user
    signup = own_signup(user)
    return render(
        request,
        "accounts/home.html",
        {
            "signup": signup,
            "signup_reason": signup_return_reason(signup) if signup else "",
            "todos": todo_for(user),
            "assignments": list(assignments_of(user)),
            "capabilities": sorted(capabilities_of(user)),
            "official": is_official(user),
            "otp_enrolled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_not_required
def logged_out(request):
    return redirect("portal:home")

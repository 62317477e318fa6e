"""Passwords: the change-password page (forced after a reset or for a temporary password), and the
self-service reset with a one-time code (public)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peiyu.core.errors import DomainError
from peiyu.core.middleware import client_ip

from ..services import passwords as services
from .common import form_errors
from .signin import safe_next


@require_http_methods(["GET", "POST"])
def password_change(request):
    forced = request.user.must_change_password
    context = {"forced": forced, "errors": {}, "next": request.GET.get("next", "")}
    if request.method == "POST":
        try:
            services.password_change(
                user=request.user,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password", ""),
                new_password_confirm=request.POST.get("new_password_confirm", ""),
            )
        except DomainError as exc:
            context["errors"] = form_errors(exc)
            return render(request, "accounts/password_change.html", context, status=400)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改"))
        return safe_next(request)
    return render(request, "accounts/password_change.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def password_forgot(request):
    """Step 1: the account name; a code goes to its phone or e-mail (the answer never says whether the
    account exists)."""
    data = {"username": request.POST.get("username", "").strip() if request.method == "POST" else ""}
    if request.method == "POST":
        try:
            sent = services.reset_code_request(username=data["username"], address=client_ip(request))
        except DomainError as exc:
            context = {"data": data, "errors": form_errors(exc)}
            return render(request, "accounts/password_forgot.html", context, status=400)
        messages.success(request, sent)
        return HttpResponseRedirect(
            reverse("accounts:password_reset") + "?" + urlencode({"username": data["username"]})
        )
    return render(request, "accounts/password_forgot.html", {"data": data, "errors": {}})


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Step 2: the code and the new password."""
    source = request.POST if request.method == "POST" else request.GET
    data = {"username": source.get("username", "").strip()[:150]}
    if request.method == "POST":
        try:
            services.password_reset_with_code(
                username=data["username"],
                code=request.POST.get("code", ""),
                new_password=request.POST.get("new_password", ""),
                new_password_confirm=request.POST.get("new_password_confirm", ""),
            )
        except DomainError as exc:
            context = {"data": data, "errors": form_errors(exc)}
            return render(request, "accounts/password_reset.html", context, status=400)
        messages.success(request, _("密码已重置，请用新密码登录"))
        return HttpResponseRedirect(reverse("accounts:login"))
    return render(request, "accounts/password_reset.html", {"data": data, "errors": {}})


urlpatterns = [
    path("password/change/", password_change, name="password_change"),
    path("password/forgot/", password_forgot, name="password_forgot"),
    path("password/reset/", password_reset, name="password_reset"),
]

"""The online platform's own page (TRN-4): its signing keys for the learning-records API — create one
(the secret is shown once), revoke one — and how to sign a request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peiyu.accounts.models import Org
from peiyu.core.errors import DomainError, NotFound

from ..models import PlatformKey
from ..services import session_actions as actions


@require_http_methods(["GET", "POST"])
def platform_keys(request):
    platform = request.user.primary_org
    if platform is None or platform.kind != Org.Kind.ONLINE_PLATFORM:
        raise PermissionDenied(_("只有线上培训平台的账号可以管理接口密钥"))
    secret = None
    key = None
    if request.method == "POST":
        action = request.POST.get("action") or "create"
        try:
            result, done = actions.platform_key_action(
                actor=request.user, platform=platform, action=action, data={"key": request.POST.get("key")}
            )
            if action == "create":
                key, secret = result
            else:
                messages.success(request, done)
        except NotFound:
            raise  # another platform's key, or none: 404
        except DomainError as exc:
            messages.error(request, exc.message)
    keys = PlatformKey.objects.filter(platform=platform).order_by("-created_at")
    return render(
        request,
        "training/online_keys.html",
        {"platform": platform, "keys": keys, "new_secret": secret, "new_key": key if secret else None},
    )


urlpatterns = [path("online/keys/", platform_keys, name="platform_keys")]

"""The online platform's own page (TRN-4): its signing keys for the learning-records API — create one
(the secret is shown once), revoke one — and how to sign a request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peiyu.accounts.models import Org
from peiyu.core.errors import DomainError

from ..models import PlatformKey
from ..services import online as svc


@require_http_methods(["GET", "POST"])
def platform_keys(request):
    platform = request.user.primary_org
    if platform is None or platform.kind != Org.Kind.ONLINE_PLATFORM:
        raise PermissionDenied(_("只有线上培训平台的账号可以管理接口密钥"))
    secret = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                key = PlatformKey.objects.filter(platform=platform, pk=request.POST.get("key") or 0).first()
                if key is None:
                    raise Http404(_("密钥不存在"))
                svc.platform_key_revoke(actor=request.user, key=key)
                messages.success(request, _("密钥 %(key)s 已停用") % {"key": key.key_id})
            else:
                key, secret = svc.platform_key_create(actor=request.user, platform=platform)
        except (ValueError, TypeError) as exc:
            raise Http404 from exc
        except DomainError as exc:
            messages.error(request, exc.message)
    keys = PlatformKey.objects.filter(platform=platform).order_by("-created_at")
    return render(
        request,
        "training/online_keys.html",
        {"platform": platform, "keys": keys, "new_secret": secret, "new_key": key if secret else None},
    )


urlpatterns = [path("online/keys/", platform_keys, name="platform_keys")]

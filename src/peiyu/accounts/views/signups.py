"""An institution signs itself up (public page); the bureau of its region finds the sign-up on its list
and to-do, confirms it or returns it with a reason; the institution corrects a returned sign-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.core.actions import dispatch
from peiyu.core.errors import DomainError, NotFound

from ..selectors import actions as action_sel
from ..selectors import signups as sel
from ..services import signups as services
from .common import form_errors, typed

FIELDS = (*services.ORG_FIELDS, *services.ACCOUNT_FIELDS)


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.method == "GET":
        return render(request, "accounts/signup.html", {"data": {}, "errors": {}})
    data = typed(request.POST, FIELDS)
    try:
        org = services.org_signup(
            data={
                **data,
                "password": request.POST.get("password", ""),
                "password_confirm": request.POST.get("password_confirm", ""),
            }
        )
    except DomainError as exc:
        return render(request, "accounts/signup.html", {"data": data, "errors": form_errors(exc)}, status=400)
    due = org.signup_due_on.isoformat() if org.signup_due_on else ""
    messages.success(
        request,
        _(
            "注册已提交：%(name)s。所在地人社部门将在 %(due)s 前确认，确认后即可申报。请用刚才设置的账户登录查看进度。"
        )
        % {"name": org.name, "due": due},
    )
    return HttpResponseRedirect(reverse("accounts:login"))


@require_GET
def signup_list(request):
    rows = list(sel.signups_to_confirm(request.user)[:500])
    return render(request, "accounts/signup_list.html", {"signups": rows})


@require_GET
def signup_detail(request, pk):
    org = sel.signup_get_for(request.user, pk)
    context = {
        "org": org,
        "actions": action_sel.signup_allowed_actions(request.user, org),
        "history": list(sel.signup_history(org)),
        "return_reason": sel.signup_return_reason(org),
        "errors": {},
    }
    return render(request, "accounts/signup_detail.html", context)


@require_POST
def signup_decide(request, pk):
    org = sel.signup_get_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        dispatch(
            services.SIGNUP_ACTIONS,
            action,
            actor=request.user,
            org=org,
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise
    except DomainError as exc:
        context = {
            "org": org,
            "actions": action_sel.signup_allowed_actions(request.user, org),
            "history": list(sel.signup_history(org)),
            "return_reason": sel.signup_return_reason(org),
            "errors": form_errors(exc),
            "reason": request.POST.get("reason", ""),
        }
        return render(request, "accounts/signup_detail.html", context, status=400)
    done = _("已确认“%(name)s”的注册") if action == "confirm" else _("已退回“%(name)s”的注册")
    messages.success(request, done % {"name": org.name})
    return HttpResponseRedirect(reverse("accounts:signup_list"))


@require_http_methods(["GET", "POST"])
def signup_edit(request, pk):
    """The institution corrects its returned sign-up and submits it again."""
    org = sel.signup_get_for(request.user, pk)
    if "resubmit" not in action_sel.signup_allowed_actions(request.user, org):
        raise NotFound()
    if request.method == "GET":
        data = {
            "name": org.name,
            "uscc": org.uscc or "",
            "region_code": org.region_id or "",
            "legal_rep_name": org.legal_rep_name,
            "contact_name": org.contact_name,
            "contact_phone": org.contact_phone,
            "contact_email": org.contact_email,
        }
        context = {"org": org, "data": data, "errors": {}, "return_reason": sel.signup_return_reason(org)}
        return render(request, "accounts/signup_edit.html", context)
    data = typed(request.POST, services.ORG_FIELDS)
    try:
        services.signup_resubmit(actor=request.user, org=org, data=data)
    except NotFound:
        raise
    except DomainError as exc:
        context = {
            "org": org,
            "data": data,
            "errors": form_errors(exc),
            "return_reason": sel.signup_return_reason(org),
        }
        return render(request, "accounts/signup_edit.html", context, status=400)
    messages.success(request, _("已重新提交，请等待所在地人社部门确认"))
    return HttpResponseRedirect(reverse("home"))


public_urlpatterns = [
    path("signup/", signup, name="signup"),
]

urlpatterns = [
    path("signups/", signup_list, name="signup_list"),
    path("signups/<int:pk>/", signup_detail, name="signup_detail"),
    path("signups/<int:pk>/decide/", signup_decide, name="signup_decide"),
    path("signups/<int:pk>/edit/", signup_edit, name="signup_edit"),
]

"""The security administrator's accounts pages: the accounts of their jurisdiction (search), a new
account with its first role, and per account: roles given and taken back, disable and re-enable,
password reset (changed at the next sign-in), unlock."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.core.errors import DomainError, InvalidInput, NotFound

from ..selectors import actions as action_sel
from ..selectors import orgs as org_sel
from ..selectors import roles as role_sel
from ..selectors import users as sel
from ..services import roles as role_services
from ..services import users as services
from ..services.access import require
from .common import form_errors, revoke_failed, typed

NEW_FIELDS = ("username", "full_name", "org", "role", "region_code", "phone", "email")


def _org_or_error(actor, value: str):
    try:
        return org_sel.org_managed_get_for(actor, value)
    except NotFound:
        raise InvalidInput("请选择所属单位", fields={"org": ["请选择您管辖范围内的单位"]}) from None


def _list_context(request, **extra):
    q = request.GET.get("q", "").strip()[:100]
    return {
        "q": q,
        "users": list(sel.users_managed_by(request.user, q=q)[:200]),
        "orgs": list(org_sel.orgs_managed_by(request.user)[:1000]),
        "roles": list(role_sel.roles_in_force()),
        "data": {},
        "errors": {},
        **extra,
    }


@require_http_methods(["GET", "POST"])
def user_list(request):
    require(request.user, services.MANAGE)
    if request.method == "GET":
        return render(request, "accounts/user_list.html", _list_context(request))
    data = typed(request.POST, NEW_FIELDS)
    try:
        org = _org_or_error(request.user, data["org"])
        user, _assignment = services.account_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            org=org,
            role_code=data["role"],
            region_code=data["region_code"] or None,
            password=request.POST.get("password", ""),
            phone=data["phone"],
            email=data["email"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        context = _list_context(request, data=data, errors=form_errors(exc))
        return render(request, "accounts/user_list.html", context, status=400)
    messages.success(request, _("已创建账户 %(username)s，首次登录须修改密码") % {"username": user.username})
    return HttpResponseRedirect(reverse("accounts:user_detail", args=[user.pk]))


def _detail_context(request, person, **extra):
    return {
        "person": person,
        "actions": action_sel.account_allowed_actions(request.user, person),
        "roles": list(role_sel.roles_in_force()),
        "errors": {},
        "data": {},
        **extra,
    }


@require_GET
def user_detail(request, pk):
    person = sel.user_managed_get_for(request.user, pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, person))


def _assign(actor, person, post):
    org = _org_or_error(actor, post.get("org", "") or str(person.primary_org_id or ""))
    return role_services.role_assign(
        actor=actor,
        user=person,
        role_code=post.get("role", ""),
        org=org,
        region_code=post.get("region_code") or None,
    )


def _revoke(actor, person, post):
    assignment = role_sel.managed_assignment_get_for(actor, post.get("assignment", ""))
    if assignment.user_id != person.pk:
        raise NotFound()
    return role_services.role_revoke(actor=actor, assignment=assignment, reason=post.get("reason", ""))


USER_ACTIONS = {
    "disable": lambda actor, person, post: services.user_disable(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "enable": lambda actor, person, post: services.user_enable(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "reset_password": lambda actor, person, post: services.user_password_reset(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "unlock": lambda actor, person, post: services.user_unlock(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "assign": _assign,
    "revoke": _revoke,
}
DONE = {
    "disable": gettext_lazy("账户已停用"),
    "enable": gettext_lazy("账户已启用"),
    "unlock": gettext_lazy("账户已解锁"),
    "assign": gettext_lazy("已分配角色"),
    "revoke": gettext_lazy("已撤销角色"),
}


@require_POST
def user_act(request, pk):
    person = sel.user_managed_get_for(request.user, pk)
    action = request.POST.get("action", "")
    if action not in USER_ACTIONS:
        raise NotFound()
    try:
        result = USER_ACTIONS[action](request.user, person, request.POST)
    except NotFound:
        raise
    except DomainError as exc:
        person = sel.user_managed_get_for(request.user, pk)
        if action == "revoke":  # the message and the reason typed go back to the role's own form
            context = _detail_context(request, person, revoke=revoke_failed(request.POST, exc))
        else:
            data = typed(request.POST, ("org", "role", "region_code", "reason"))
            context = _detail_context(request, person, errors=form_errors(exc), failed=action, data=data)
        return render(request, "accounts/user_detail.html", context, status=400)
    if action == "reset_password":
        person = sel.user_managed_get_for(request.user, pk)
        return render(
            request, "accounts/user_detail.html", _detail_context(request, person, temporary_password=result)
        )
    messages.success(request, DONE[action])
    return HttpResponseRedirect(reverse("accounts:user_detail", args=[pk]))


urlpatterns = [
    path("users/", user_list, name="user_list"),
    path("users/<int:pk>/", user_detail, name="user_detail"),
    path("users/<int:pk>/act/", user_act, name="user_act"),
]

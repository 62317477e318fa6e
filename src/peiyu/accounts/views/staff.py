"""The institution's administrator manages its staff: the list with each person's roles, a new account
with its role, giving and taking back roles, disabling and re-enabling, resetting a password."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.core.errors import DomainError, NotFound, PermissionDenied

from ..selectors import actions as action_sel
from ..selectors import signups as signup_sel
from ..selectors import staff as sel
from ..services import staff as services
from .common import form_errors, revoke_failed, typed

NEW_FIELDS = ("username", "full_name", "role", "phone", "email")


def _org(request):
    org = sel.staff_org_of(request.user)
    if org is None:
        raise PermissionDenied("您没有管理本单位人员的权限", code="permission_denied")
    return org


def _list_context(request, org, **extra):
    return {
        "org": org,
        "confirmed": signup_sel.org_confirmed(org),
        "staff": list(sel.staff_of(request.user)[:500]),
        "roles": sel.delegable_roles(org),
        "data": {},
        "errors": {},
        **extra,
    }


@require_http_methods(["GET", "POST"])
def staff_list(request):
    org = _org(request)
    if request.method == "GET":
        return render(request, "accounts/staff_list.html", _list_context(request, org))
    data = typed(request.POST, NEW_FIELDS)
    try:
        user, _assignment = services.staff_create(
            actor=request.user,
            org=org,
            username=data["username"],
            full_name=data["full_name"],
            password=request.POST.get("password", ""),
            role_code=data["role"],
            phone=data["phone"],
            email=data["email"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        context = _list_context(request, org, data=data, errors=form_errors(exc))
        return render(request, "accounts/staff_list.html", context, status=400)
    messages.success(request, _("已创建账户 %(username)s，首次登录须修改密码") % {"username": user.username})
    return HttpResponseRedirect(reverse("accounts:staff_list"))


def _detail_context(request, person, **extra):
    org = person.primary_org
    held = {a.role_id for a in person.current_assignments}
    return {
        "person": person,
        "actions": action_sel.account_allowed_actions(request.user, person, "org.staff_manage"),
        "roles": [r for r in sel.delegable_roles(org) if r.pk not in held],
        "errors": {},
        **extra,
    }


@require_GET
def staff_detail(request, pk):
    person = sel.staff_get_for(request.user, pk)
    return render(request, "accounts/staff_detail.html", _detail_context(request, person))


def _revoke(actor, person, post):
    assignment = sel.staff_assignment_get_for(actor, post.get("assignment", ""))
    if assignment.user_id != person.pk:
        raise NotFound()
    return services.staff_role_revoke(actor=actor, assignment=assignment, reason=post.get("reason", ""))


STAFF_ACTIONS = {
    "disable": lambda actor, person, post: services.staff_disable(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "enable": lambda actor, person, post: services.staff_enable(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "assign": lambda actor, person, post: services.staff_role_assign(
        actor=actor, user=person, role_code=post.get("role", "")
    ),
    "reset_password": lambda actor, person, post: services.staff_password_reset(
        actor=actor, user=person, reason=post.get("reason", "")
    ),
    "revoke": _revoke,
}
DONE = {
    "disable": gettext_lazy("账户已停用"),
    "enable": gettext_lazy("账户已启用"),
    "assign": gettext_lazy("已分配角色"),
    "revoke": gettext_lazy("已撤销角色"),
}


@require_POST
def staff_act(request, pk):
    person = sel.staff_get_for(request.user, pk)
    action = request.POST.get("action", "")
    if action not in STAFF_ACTIONS:
        raise NotFound()
    try:
        result = STAFF_ACTIONS[action](request.user, person, request.POST)
    except NotFound:
        raise
    except DomainError as exc:
        person = sel.staff_get_for(request.user, pk)
        if action == "revoke":  # the message and the reason typed go back to the role's own form
            context = _detail_context(request, person, revoke=revoke_failed(request.POST, exc))
        else:
            context = _detail_context(request, person, errors=form_errors(exc), failed=action)
        return render(request, "accounts/staff_detail.html", context, status=400)
    if action == "reset_password":
        person = sel.staff_get_for(request.user, pk)
        context = _detail_context(request, person, temporary_password=result)
        return render(request, "accounts/staff_detail.html", context)
    messages.success(request, DONE[action])
    return HttpResponseRedirect(reverse("accounts:staff_detail", args=[pk]))


urlpatterns = [
    path("staff/", staff_list, name="staff_list"),
    path("staff/<int:pk>/", staff_detail, name="staff_detail"),
    path("staff/<int:pk>/act/", staff_act, name="staff_act"),
]

"""Pages of the expert pool (SEL-8) for its officials: the pool searched and paged, adding and editing an
expert, the expert's page (contact shown in full only to a role that may see it, every full view
audited; the declared relations and their history), disabling with a reason and re-enabling. The xlsx
import is views.expert_imports, the expert's own declarations views.expert_declarations.

Mounted by the app's urls under /directory/ (namespace `directory`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.masking import personal_view
from peiyu.core.errors import DomainError, NotFound, PermissionDenied

from ..models import ExpertRelation
from ..selectors import experts as selectors
from ..services import experts as services

PAGE_SIZE = 30
FIELDS = (
    "name",
    "employer_name",
    "employer_uscc",
    "title",
    "fields",
    "specialty",
    "phone",
    "email",
    "username",
)
NEW_ONLY = ("conflict_usccs",)


def require_pool(request) -> None:
    if not selectors.may_manage_pool(request.user):
        raise PermissionDenied(gettext("只有专家库管理单位的工作人员可以管理专家库"))


def _initial(expert) -> dict[str, str]:
    return {
        "name": expert.name,
        "employer_name": expert.employer_name,
        "employer_uscc": expert.employer.uscc if expert.employer and expert.employer.uscc else "",
        "title": expert.title,
        "fields": "、".join(expert.fields or []),
        "specialty": expert.specialty,
        "phone": expert.phone,
        "email": expert.email,
        "username": expert.user.username if expert.user else "",
    }


def expert_list(request):
    require_pool(request)
    q, status, field = (request.GET.get(k, "") for k in ("q", "status", "field"))
    qs = selectors.experts_filtered(request.user, q=q, status=status, field=field)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/expert_list.html",
        {
            "page": page,
            "experts": list(page.object_list),
            "q": q,
            "status": status,
            "field": field,
            "filtered": bool(q or status or field),
            "imports": selectors.imports_visible_to(request.user)[:5],
        },
    )


@require_http_methods(["GET", "POST"])
def expert_new(request):
    require_pool(request)
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in (*FIELDS, *NEW_ONLY)}
        try:
            expert = services.expert_create(actor=request.user, **values)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            errors, error = exc.fields, exc.message
        else:
            messages.success(request, gettext("已将 %(name)s 加入专家库") % {"name": expert.name})
            if request.POST.get("next") == "another":
                return redirect("directory:expert_new")
            return redirect("directory:expert_detail", pk=expert.pk)
    return render(
        request,
        "institutions/expert_form.html",
        {"values": values, "errors": errors, "error": error, "expert": None},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def expert_edit(request, pk: int):
    expert = selectors.expert_get_for(request.user, pk)
    values: dict[str, Any] = _initial(expert)
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FIELDS}
        try:
            services.expert_update(actor=request.user, expert=expert, data=values)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            errors, error = exc.fields, exc.message
        else:
            messages.success(request, gettext("已保存 %(name)s 的信息") % {"name": values["name"]})
            return redirect("directory:expert_detail", pk=expert.pk)
    return render(
        request,
        "institutions/expert_form.html",
        {"values": values, "errors": errors, "error": error, "expert": expert},
        status=400 if error else 200,
    )


def detail_context(request, expert, *, values=None, errors=None) -> dict[str, Any]:
    """The expert's page: the phone in full only for a role that may see it (the view audited)."""
    shown = personal_view(
        request.user,
        expert,
        what="expert_detail",
        region_code=expert.pool_owner.region_id,
        org_id=expert.pool_owner_id,
    )
    return {
        "expert": expert,
        "phone": shown.phone(expert.phone),
        "phone_full": shown.full,
        "current": list(selectors.relations_of(expert, current=True)),
        "withdrawn": list(selectors.relations_of(expert, current=False)),
        "kinds": ExpertRelation.Kind.choices,
        "values": values or {},
        "errors": errors or {},
    }


def expert_detail(request, pk: int):
    expert = selectors.expert_get_for(request.user, pk)
    return render(request, "institutions/expert_detail.html", detail_context(request, expert))


def _set_in_pool(request, pk: int, change, done: str):
    """Disable or re-enable an expert; a refusal is shown on the expert's page with the reason typed."""
    expert = selectors.expert_get_for(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        change(actor=request.user, expert=expert, reason=reason)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        expert = selectors.expert_get_for(request.user, pk)
        context = detail_context(request, expert) | {"error": exc.message, "pool_reason": reason}
        return render(request, "institutions/expert_detail.html", context, status=400)
    messages.success(request, done % {"name": expert.name})
    return redirect("directory:expert_detail", pk=pk)


@require_POST
def expert_disable(request, pk: int):
    return _set_in_pool(request, pk, services.expert_disable, gettext("已停用，%(name)s 不会再被抽取"))


@require_POST
def expert_enable(request, pk: int):
    return _set_in_pool(request, pk, services.expert_enable, gettext("已恢复，%(name)s 可再被抽取"))


urlpatterns = [
    path("experts/", expert_list, name="expert_list"),
    path("experts/new/", expert_new, name="expert_new"),
    path("experts/<int:pk>/", expert_detail, name="expert_detail"),
    path("experts/<int:pk>/edit/", expert_edit, name="expert_edit"),
    path("experts/<int:pk>/disable/", expert_disable, name="expert_disable"),
    path("experts/<int:pk>/enable/", expert_enable, name="expert_enable"),
]

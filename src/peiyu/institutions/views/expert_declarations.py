"""Pages of an expert's declared relations (主动回避, SEL-8): the expert keeps their own list current on
"我的回避申报" (declare a unit, withdraw one that no longer holds, confirm the list is complete), and the
pool's officials record one on the expert's page. A draw uses the list in force when it runs.

Mounted by the app's urls under /directory/ (namespace `directory`)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.errors import DomainError, NotFound, PermissionDenied

from ..models import ExpertRelation
from ..selectors import experts as selectors
from ..selectors.panels import is_expert as is_expert_role
from ..services import expert_declarations as services
from ..services import experts as expert_services
from .experts import detail_context

RELATION_FIELDS = ("kind", "unit_name", "uscc", "ended_on", "note")


def _declare(request, expert) -> tuple[dict, dict, str]:
    """Run the declaration of the posted form: (values, errors, message); errors empty on success."""
    values = {k: request.POST.get(k, "") for k in RELATION_FIELDS}
    try:
        relation = services.expert_declare_conflict(actor=request.user, expert=expert, **values)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        return values, exc.fields or {"uscc": [exc.message]}, exc.message
    messages.success(
        request,
        gettext("已申报与 %(unit)s 的关系，抽取专家时将回避") % {"unit": relation.unit_name or relation.uscc},
    )
    return values, {}, ""


def _withdraw(request, relation) -> None:
    try:
        services.expert_relation_withdraw(
            actor=request.user, relation=relation, reason=request.POST.get("reason", "")
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已撤回该回避申报"))


# --- the expert ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_declarations(request):
    if is_expert_role(request.user) and not selectors.has_expert_record(request.user):
        # an expert's account the pool has not linked yet: say so and who links it, not a 404
        return render(request, "institutions/expert_unlinked.html")
    expert = selectors.own_expert(request.user)
    values: dict = {}
    errors: dict = {}
    error = ""
    if request.method == "POST":
        values, errors, error = _declare(request, expert)
        if not errors:
            return redirect("directory:my_declarations")
    return render(
        request,
        "institutions/expert_declarations.html",
        {
            "expert": expert,
            "current": list(selectors.relations_of(expert, current=True)),
            "withdrawn": list(selectors.relations_of(expert, current=False)[:20]),
            "kinds": ExpertRelation.Kind.choices,
            "values": values,
            "errors": errors,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def my_declaration_withdraw(request, rid: int):
    expert = selectors.own_expert(request.user)
    _withdraw(request, selectors.relation_get_for(request.user, expert, rid))
    return redirect("directory:my_declarations")


@require_POST
def my_declarations_confirm(request):
    expert = selectors.own_expert(request.user)
    expert_services.expert_declarations_confirm(actor=request.user, expert=expert)
    messages.success(request, gettext("已确认回避申报完整、有效"))
    return redirect("directory:my_declarations")


# --- the pool's officials, for an expert -------------------------------------------------------------------------


@require_POST
def expert_relation_add(request, pk: int):
    expert = selectors.expert_get_for(request.user, pk)
    values, errors, error = _declare(request, expert)
    if errors:
        ctx = detail_context(request, expert, values=values, errors=errors)
        return render(request, "institutions/expert_detail.html", {**ctx, "error": error}, status=400)
    return redirect("directory:expert_detail", pk=pk)


@require_POST
def expert_relation_withdraw(request, pk: int, rid: int):
    expert = selectors.expert_get_for(request.user, pk)
    _withdraw(request, selectors.relation_get_for(request.user, expert, rid))
    return redirect("directory:expert_detail", pk=pk)


urlpatterns = [
    path("expert/declarations/", my_declarations, name="my_declarations"),
    path("expert/declarations/confirm/", my_declarations_confirm, name="my_declarations_confirm"),
    path("expert/declarations/<int:rid>/withdraw/", my_declaration_withdraw, name="my_declaration_withdraw"),
    path("experts/<int:pk>/relations/", expert_relation_add, name="expert_relation_add"),
    path(
        "experts/<int:pk>/relations/<int:rid>/withdraw/",
        expert_relation_withdraw,
        name="expert_relation_withdraw",
    ),
]

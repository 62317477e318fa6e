"""Pages of blueprints (权重表, EVL-2): a blueprint's areas and cells with their totals, the editor (one
line per knowledge area and per cell) for whoever may maintain it — reference.manage for a reference
blueprint, the institution's bank approver for its own copy — and the copy for a bank's approver."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, NotFound
from peiyu.core.lookups import one_or_404

from ..models import Blueprint, ItemType
from ..selectors import banks as bank_sel
from ..services import blueprints as svc


def _blueprint(request: HttpRequest, pk: int) -> Blueprint:
    """Reference blueprints are public reference data for signed-in staff; an institution's own copy is
    seen by its own people (and the officials who see its banks)."""
    visible = bank_sel.banks_visible_to(request.user).values_list("institution_id", flat=True)
    return one_or_404(
        Blueprint.objects.filter(Q(institution__isnull=True) | Q(institution_id__in=visible)), pk=pk
    )


def _lines(bp: Blueprint) -> dict[str, str]:
    layout = svc.layout_of(bp)
    return {
        "areas": "\n".join(f"{a['code']}|{a['name']}|{a['weight']}" for a in layout["areas"]),
        "cells": "\n".join("|".join("" if v is None else str(v) for v in c) for c in layout["cells"]),
    }


def _parse(post: Any) -> dict[str, Any]:
    areas = [dict(zip(("code", "name", "weight"), (p.strip() for p in line.split("|")), strict=False))
             for line in post.get("areas", "").splitlines() if line.strip()]  # fmt: skip
    types = {str(label): value for value, label in ItemType.choices}
    cells = []
    for line in post.get("cells", "").splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split("|")] + [""] * 5
            cells.append({"area": parts[0], "item_type": types.get(parts[1], parts[1]), "difficulty": parts[2],
                          "count": parts[3], "points": parts[4]})  # fmt: skip
    return {"title": post.get("title", ""), "areas": areas, "cells": cells}


def blueprint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bp = _blueprint(request, pk)
    cells = list(bp.cells.select_related("area"))
    total = sum((c.points * c.count for c in cells), Decimal(0))
    own_banks = [b for b in bank_sel.banks_visible_to(request.user).filter(blueprint=bp)
                 if bank_sel.bank_permits(request.user, b)["approve"]]  # fmt: skip
    return render(request, "exams/blueprint_detail.html", {
        "bp": bp, "cells": cells, "total": total, "areas": bp.areas.all(), "may_edit": svc.may_maintain(request.user, bp),
        "own_banks": own_banks if bp.institution_id is None else [],
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def blueprint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bp = _blueprint(request, pk)
    if not svc.may_maintain(request.user, bp):
        raise NotFound("您不能修改此权重表")
    values = {"title": bp.title, **_lines(bp)}
    error, errors = "", {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "areas", "cells")}
        try:
            svc.blueprint_save(actor=request.user, blueprint=bp, data=_parse(request.POST))
            messages.success(request, "权重表已保存")
            return HttpResponseRedirect(reverse("exams:blueprint_detail", args=[bp.pk]))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = refusal_text(exc, fields=False), exc.fields
    return render(request, "exams/blueprint_form.html", {"bp": bp, "values": values, "error": error, "errors": errors,
                                                          "types": ItemType.choices})  # fmt: skip


@require_POST
def blueprint_copy(request: HttpRequest, pk: int) -> HttpResponse:
    bp = _blueprint(request, pk)
    bank = bank_sel.bank_get_for(request.user, request.POST.get("bank"))
    copy = svc.blueprint_copy(actor=request.user, blueprint=bp, bank=bank)
    messages.success(request, "已复制为本机构权重表，可按需修改")
    return HttpResponseRedirect(reverse("exams:blueprint_edit", args=[copy.pk]))


urlpatterns: list[URLPattern] = [
    path("blueprints/<int:pk>/", blueprint_detail, name="blueprint_detail"),
    path("blueprints/<int:pk>/edit/", blueprint_edit, name="blueprint_edit"),
    path("blueprints/<int:pk>/copy/", blueprint_copy, name="blueprint_copy"),
]

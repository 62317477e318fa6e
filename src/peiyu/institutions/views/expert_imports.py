"""Pages of the expert pool's xlsx import (SEL-8): the template, the upload (all rows or only the valid
ones), the result with every refused row and its reason, and that report as xlsx.

Mounted by the app's urls under /directory/ (namespace `directory`)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from peiyu.core.errors import DomainError, NotFound, PermissionDenied
from peiyu.core.http import XLSX, attachment

from ..models import ExpertImport
from ..selectors import experts as selectors
from ..services import expert_imports as services
from .experts import require_pool


@require_http_methods(["GET", "POST"])
def expert_import(request):
    require_pool(request)
    errors: dict[str, list[str]] = {}
    error = ""
    mode = (
        request.POST.get("mode", ExpertImport.Mode.ALL) if request.method == "POST" else ExpertImport.Mode.ALL
    )
    if request.method == "POST":
        try:
            imp = services.expert_import(
                actor=request.user, uploaded_file=request.FILES.get("file"), mode=mode
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            errors, error = exc.fields, exc.message
        else:
            return redirect("directory:expert_import_detail", pk=imp.pk)
    return render(
        request,
        "institutions/expert_import.html",
        {"errors": errors, "error": error, "mode": mode, "modes": ExpertImport.Mode.choices},
        status=400 if error else 200,
    )


@require_GET
def expert_import_template(request):
    require_pool(request)
    return attachment(services.import_template(), "专家名单模板.xlsx", XLSX, "expert-pool-template.xlsx")


@require_GET
def expert_import_detail(request, pk: int):
    imp = selectors.expert_import_get_for(request.user, pk)
    return render(request, "institutions/expert_import_result.html", {"imp": imp})


@require_GET
def expert_import_report(request, pk: int):
    imp = selectors.expert_import_get_for(request.user, pk)
    return attachment(
        services.import_report(imp),
        f"专家导入问题-{imp.pk}.xlsx",
        XLSX,
        f"expert-import-{imp.pk}-errors.xlsx",
    )


urlpatterns = [
    path("experts/import/", expert_import, name="expert_import"),
    path("experts/import/template.xlsx", expert_import_template, name="expert_import_template"),
    path("experts/imports/<int:pk>/", expert_import_detail, name="expert_import_detail"),
    path("experts/imports/<int:pk>/report.xlsx", expert_import_report, name="expert_import_report"),
]

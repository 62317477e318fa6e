"""Accounts in bulk from an xlsx list (the security administrator): the template, the upload with its
mode, the per-row report on the page and as an xlsx file."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from peiyu.core.errors import DomainError, NotFound
from peiyu.core.http import attachment

from ..services import imports as services
from ..services.access import require
from ..services.users import MANAGE
from .common import form_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "accounts_import_report"


@require_http_methods(["GET", "POST"])
def accounts_import(request):
    require(request.user, MANAGE)
    mode = request.POST.get("mode", "all") if request.method == "POST" else "all"
    context = {"mode": mode, "errors": {}, "result": None}
    if request.method == "GET":
        return render(request, "accounts/import.html", context)
    upload = request.FILES.get("file")
    try:
        result = services.accounts_import(
            actor=request.user,
            content=upload.read() if upload is not None else b"",
            filename=upload.name if upload is not None else "",
            mode=mode,
        )
    except NotFound:
        raise
    except DomainError as exc:
        context["errors"] = form_errors(exc)
        return render(request, "accounts/import.html", context, status=400)
    request.session[SESSION_KEY] = {
        "filename": result.filename,
        "mode": result.mode,
        "header_row": result.header_row,
        "created": result.created,
        "rows": [asdict(r) for r in result.rows],
    }
    context["result"] = result
    return render(request, "accounts/import.html", context)


@require_GET
def accounts_import_report(request):
    require(request.user, MANAGE)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        raise NotFound("没有可下载的导入结果，请先导入")
    rows = [services.RowResult(**row) for row in stored["rows"]]
    result = services.ImportResult(
        stored["filename"], stored["mode"], rows, stored["header_row"], stored["created"]
    )
    return attachment(
        services.import_report_xlsx(result), "账户导入结果.xlsx", XLSX, "accounts-import-report.xlsx"
    )


@require_GET
def accounts_import_template(request) -> HttpResponse:
    require(request.user, MANAGE)
    return attachment(
        services.import_template_xlsx(), "批量创建账户模板.xlsx", XLSX, "accounts-import-template.xlsx"
    )


urlpatterns = [
    path("users/import/", accounts_import, name="accounts_import"),
    path("users/import/report.xlsx", accounts_import_report, name="accounts_import_report"),
    path("users/import/template.xlsx", accounts_import_template, name="accounts_import_template"),
]

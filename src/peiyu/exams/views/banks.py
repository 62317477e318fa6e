"""Pages of question banks (EVL-2): the bank list and detail (counts against the profile's minimum,
source, responsible persons, blueprint, items by filter — metadata only), opening and editing a bank,
xlsx import with its per-row report, the template, the audited export and the reviewers' statistics
button. Thin: parse, call one service or selector, render; refusals shown on the page with their rule
ids, nothing typed lost. Items and blueprints have their own modules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, InvalidInput, NotFound
from peiyu.core.http import attachment
from peiyu.core.lookups import one_or_404
from peiyu.institutions.selectors.evaluation_listings import evaluation_listings_of

from ..models import RESPONSIBLE_DUTIES, BankImport, Difficulty, EvaluationSession, ItemType, QuestionBank
from ..selectors import banks as sel
from ..selectors.items import items_of_bank
from ..services import banks as svc
from ..services import item_import as imp
from ..services.item_stats import item_stats_update
from . import banks_blueprints, banks_items

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _institution(request: HttpRequest) -> Org | None:
    org: Org | None = getattr(request.user, "primary_org", None)
    if org is None or org.pk not in scope_for(request.user, "exam.manage").org_ids:
        return None
    return org


def bank_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = {"occupation": g.get("occupation", ""), "level": g.get("level", ""), "q": g.get("q", "")}
    page = Paginator(sel.banks_filtered(request.user, **filters), PAGE_SIZE).get_page(g.get("page"))
    return render(request, "exams/bank_list.html", {"page": page, "filters": filters,
                                                     "institution": _institution(request)})  # fmt: skip


def _bank_values(bank: QuestionBank | None, post: Any = None) -> dict[str, Any]:
    if post is not None:
        return {k: (post.get(k) or "").strip() for k in post}
    if bank is None:
        return {"source": "own"}
    values = {"source": bank.source, "provider_name": bank.provider_name, "direction": bank.direction,
              "provider_qualification": bank.provider_qualification, "purchase_contract": bank.purchase_contract,
              "blueprint": str(bank.blueprint_id or ""), "occupation_code": bank.occupation_code, "level": bank.level}  # fmt: skip
    values.update({f"responsible_{k}": (bank.responsibles or {}).get(k, "") for k in RESPONSIBLE_DUTIES})
    return values


@require_http_methods(["GET", "POST"])
def bank_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    bank = sel.bank_get_for(request.user, pk) if pk else None
    institution = bank.institution if bank else _institution(request)
    if institution is None:
        raise NotFound("只有评价机构的考务管理人员可以建立题库")
    errors: dict[str, list[str]] = {}
    error = ""
    values = _bank_values(bank)
    if request.method == "POST":
        values = _bank_values(bank, request.POST)
        try:
            if bank is None:
                bank = svc.bank_create(actor=request.user, institution=institution, data=values)
                messages.success(request, "题库已建立")
            else:
                svc.bank_update(actor=request.user, bank=bank, data=values)
                messages.success(request, "题库信息已保存")
            return HttpResponseRedirect(reverse("exams:bank_detail", args=[bank.pk]))
        except (InvalidInput, DomainError) as exc:
            if not isinstance(exc, InvalidInput) and exc.status in (403, 404):
                raise
            errors, error = exc.fields or {}, refusal_text(exc, fields=False)
    listings = list(evaluation_listings_of(institution.pk))
    blueprints = sel.blueprints_for(institution.pk, values.get("occupation_code", ""), values.get("level", "")) if (
        values.get("occupation_code") and values.get("level")) else []  # fmt: skip
    return render(request, "exams/bank_form.html", {
        "bank": bank, "institution": institution, "values": values, "errors": errors, "error": error,
        "listings": listings, "sources": QuestionBank.Source.choices, "duties": RESPONSIBLE_DUTIES.items(),
        "blueprints": blueprints,
    })  # fmt: skip


def bank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bank = sel.bank_get_for(request.user, pk)
    g = request.GET
    filters = {k: g.get(k, "") for k in ("item_type", "area", "difficulty", "status", "flagged", "q")}
    items = Paginator(items_of_bank(bank, **filters), PAGE_SIZE).get_page(g.get("page"))
    try:
        minimum: Any = sel.bank_minimum(bank)
    except DomainError as exc:
        minimum = {"ok": False, "message": exc.message, "missing": True}
    theory, practical = sel.approved_counts(bank.pk)
    permits = sel.bank_permits(request.user, bank)
    sessions = (
        EvaluationSession.objects.filter(bank=bank).order_by("-theory_starts_at")[:20]
        if permits["stats"]
        else []
    )
    return render(request, "exams/bank_detail.html", {
        "bank": bank, "items": items, "filters": filters, "minimum": minimum, "theory": theory,
        "practical": practical, "permits": permits, "status_counts": sel.bank_status_counts(bank),
        "types": ItemType.choices, "statuses": bank.items.model.Status.choices, "difficulties": Difficulty.choices,
        "areas": list(bank.blueprint.areas.all()) if bank.blueprint_id and bank.blueprint else [],
        "duties": [(label, (bank.responsibles or {}).get(k, "")) for k, label in RESPONSIBLE_DUTIES.items()],
        "imports": bank.imports.select_related("imported_by")[:5], "sessions": sessions,
        "filtered": any(v.strip() for v in filters.values()),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def bank_import(request: HttpRequest, pk: int) -> HttpResponse:
    bank = sel.bank_get_for(request.user, pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择要导入的文件", fields={"file": ["请选择要导入的文件"]})
            done = imp.bank_import(
                actor=request.user, bank=bank, content=upload.read(), file_name=upload.name or ""
            )
            return HttpResponseRedirect(reverse("exams:bank_import_report", args=[bank.pk, done.pk]))
        except InvalidInput as exc:
            error = refusal_text(exc)
    return render(request, "exams/bank_import.html", {"bank": bank, "error": error})


def bank_import_report(request: HttpRequest, pk: int, import_id: int) -> HttpResponse:
    bank = sel.bank_get_for(request.user, pk)
    record = one_or_404(BankImport.objects.filter(bank=bank), pk=import_id)
    return render(request, "exams/bank_import_report.html", {"bank": bank, "record": record})


def bank_template(request: HttpRequest, pk: int) -> HttpResponse:
    sel.bank_get_for(request.user, pk)
    return attachment(imp.import_template(), "试题导入模板.xlsx", XLSX, "item-import-template.xlsx")


@require_POST
def bank_export(request: HttpRequest, pk: int) -> HttpResponse:
    bank = sel.bank_get_for(request.user, pk)
    data = imp.bank_export(actor=request.user, bank=bank)
    return attachment(data, f"题库-{bank.occupation_name}{bank.level}.xlsx", XLSX, f"bank-{bank.pk}.xlsx")


@require_POST
def bank_stats(request: HttpRequest, pk: int) -> HttpResponse:
    bank = sel.bank_get_for(request.user, pk)
    session = one_or_404(EvaluationSession.objects.filter(bank=bank), pk=request.POST.get("session"))
    summary = item_stats_update(actor=request.user, session=session)
    messages.success(
        request, f"已统计{summary['items']}道试题、{summary['responses']}人次作答，存疑{summary['flagged']}道"
    )
    return HttpResponseRedirect(reverse("exams:bank_detail", args=[bank.pk]) + "?flagged=1")


urlpatterns: list[URLPattern] = [
    path("banks/", bank_list, name="bank_list"),
    path("banks/new/", bank_form, name="bank_new"),
    path("banks/<int:pk>/", bank_detail, name="bank_detail"),
    path("banks/<int:pk>/edit/", bank_form, name="bank_edit"),
    path("banks/<int:pk>/import/", bank_import, name="bank_import"),
    path("banks/<int:pk>/import/<int:import_id>/", bank_import_report, name="bank_import_report"),
    path("banks/<int:pk>/template/", bank_template, name="bank_template"),
    path("banks/<int:pk>/export/", bank_export, name="bank_export"),
    path("banks/<int:pk>/stats/", bank_stats, name="bank_stats"),
    *banks_items.urlpatterns,
    *banks_blueprints.urlpatterns,
]
public_urlpatterns: list[URLPattern] = []

"""Pages of the issuance pipeline (CRT-3, SEC-2; issue 14 points 4 and 10), under /certificates/batches/:
the batches the actor sees (the institution its own, with its sessions whose certificate data is still
to be made; the province and the coordination group office what is with them), a batch's page — its
candidates, the deadline of each step, the return reasons, the steps open now (`allowed_actions`), the
province's and the office's review with per-candidate returns, the institution's corrections — and the
progress of its background issuing (polled by htmx, never blocking the page).

`public_urlpatterns`: none (verification is its own area)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.masking import personal_views
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, InvalidInput

from ..models import BatchEntry, IssuanceBatch
from ..selectors import batches as sel
from ..services import batches as services
from ..services.batches_actions import batch_act, entry_act

PAGE_SIZE = 50
DONE = {
    "submit": gettext_lazy("证书数据已报送省级"),
    "confirm": gettext_lazy("已确认证书数据"),
    "return_province": gettext_lazy("已退回评价机构"),
    "forward": gettext_lazy("已转报协调小组办公室"),
    "approve": gettext_lazy("证书数据已审核通过"),
    "return_office": gettext_lazy("已退回评价机构"),
    "issue": gettext_lazy("已开始颁发证书"),
    "report": gettext_lazy("证书数据已报市级"),
    "supplement": gettext_lazy("已生成补报批次"),
}


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return {**(exc.fields or {}), "form": [refusal_text(exc, fields=False)]}


@require_http_methods(["GET"])
def batch_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = sel.batches_visible_to(request.user).order_by("-created_at", "-pk")
    if status in IssuanceBatch.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"batch": b, "due": sel.current_due(b), "overdue": sel.is_overdue(b, today)} for b in page]
    return render(request, "certificates/batches_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": IssuanceBatch.Status.choices,
        "sessions": sel.sessions_ready(request.user),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest) -> HttpResponse:
    """The sessions to make certificate data from; POST makes the batch from the chosen one."""
    sessions = sel.sessions_ready(request.user)
    chosen = request.POST.get("session") or request.GET.get("session", "")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            batch = services.batch_create(actor=request.user, session_id=chosen)
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已根据合格名单生成证书数据（%(n)s）") % {"n": batch.number})
            return HttpResponseRedirect(reverse("certificates:batch_detail", args=[batch.pk]))
    status = 400 if errors else 200
    return render(request, "certificates/batches_new.html",
                  {"sessions": sessions, "chosen": chosen, "errors": errors}, status=status)  # fmt: skip


def _detail_context(
    request: HttpRequest, batch: IssuanceBatch, entry_errors: dict[int, list[str]] | None = None, **extra: Any
) -> dict[str, Any]:
    entries = list(sel.entries_of(batch))
    shown = personal_views(
        request.user, [(batch.region_code, batch.institution_id)] * len(entries), what="证书数据", obj=batch
    )
    step, due = sel.current_due(batch)
    counts = sel.entry_counts(batch)
    labels = dict(IssuanceBatch.Status.choices)
    return {
        "batch": batch,
        "entries": [
            {
                "entry": e,
                "name": d.name(e.holder_name),
                "actions": sel.entry_allowed_actions(request.user, batch, e),
                "errors": (entry_errors or {}).get(e.pk, []),
            }
            for e, d in zip(entries, shown, strict=True)
        ],
        "counts": [(label, counts[value]) for value, label in BatchEntry.Status.choices if counts.get(value)],
        "actions": sel.batch_allowed_actions(request.user, batch),
        "step": step,
        "due": due,
        "overdue": sel.is_overdue(batch),
        "submitted_late": sel.submitted_late(batch),
        "history": [{"log": h, "label": labels.get(h.to_status, h.to_status)} for h in sel.history_of(batch)],
        "running": batch.status == IssuanceBatch.Status.ISSUING,
        "errors": {},
        "post": {},
        "returned_ids": [],
        **extra,
    }


@require_http_methods(["GET"])
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = sel.batch_get_for(request.user, pk)
    return render(request, "certificates/batches_detail.html", _detail_context(request, batch))


@require_http_methods(["GET"])
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The issuing progress (htmx polls it every two seconds while the batch is issuing). Once issuing
    has ended, the poll reloads the whole page: its status, actions, steps and every candidate's
    certificate number changed with it, not only the progress."""
    batch = sel.batch_get_for(request.user, pk)
    ctx = {"batch": batch, "running": batch.status == IssuanceBatch.Status.ISSUING}
    response = render(request, "certificates/batches_progress.html", ctx)
    if not ctx["running"] and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


def _returns(request: HttpRequest) -> dict[str, str]:
    """Per-candidate returns of the review form: the ticked candidates with their reasons."""
    return {pk: request.POST.get(f"reason_{pk}", "") for pk in request.POST.getlist("returned")}


@require_POST
def batch_action(request: HttpRequest, pk: int) -> HttpResponse:
    batch = sel.batch_get_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        result = batch_act(
            actor=request.user, batch=batch, action=action, exam_report=request.POST.get("exam_report", ""),
            reason=request.POST.get("reason", ""), returns=_returns(request),
        )  # fmt: skip
    except DomainError as exc:
        if not isinstance(exc, InvalidInput):
            messages.error(request, refusal_text(exc, fields=False))
        batch.refresh_from_db()
        ctx = _detail_context(request, batch, errors=_errors(exc), post=request.POST, failed_action=action,
                              returned_ids=request.POST.getlist("returned"))  # fmt: skip
        return render(request, "certificates/batches_detail.html", ctx, status=exc.status)
    if action == "issue" and result.job_error:
        messages.error(request, result.job_error)
    else:
        messages.success(request, DONE.get(action, _("已完成")))
    return HttpResponseRedirect(reverse("certificates:batch_detail", args=[result.pk]))


@require_POST
def entry_action(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    batch = sel.batch_get_for(request.user, pk)
    entry: BatchEntry = sel.entry_get_for(request.user, batch, entry_id)
    action = request.POST.get("action", "")
    try:
        entry_act(actor=request.user, entry=entry, action=action, note=request.POST.get("note", ""))
    except DomainError as exc:
        errors = {entry.pk: (exc.fields or {}).get("note", [refusal_text(exc, fields=False)])}
        ctx = _detail_context(request, batch, entry_errors=errors, post=request.POST)
        return render(request, "certificates/batches_detail.html", ctx, status=exc.status)
    messages.success(request, _("已更正，随本批数据重新报送") if action == "correct" else _("已撤回该考生"))
    return HttpResponseRedirect(reverse("certificates:batch_detail", args=[batch.pk]) + "#entries")


urlpatterns: list[URLPattern] = [
    path("batches/", batch_list, name="batch_list"),
    path("batches/new/", batch_new, name="batch_new"),
    path("batches/<int:pk>/", batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress/", batch_progress, name="batch_progress"),
    path("batches/<int:pk>/actions/", batch_action, name="batch_action"),
    path("batches/<int:pk>/entries/<int:entry_id>/actions/", entry_action, name="batch_entry_action"),
]
public_urlpatterns: list[URLPattern] = []

"""Pages of items (EVL-2): the item form per type (write, revise), the item page — metadata, versions,
statistics and the verbs open to the actor; the content only after "查看试题内容" by a holder of
exam.items_view, each view audited — and the review queues."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, InvalidInput

from ..flows import ITEM_FLOW
from ..models import Difficulty, Item, ItemType
from ..rules.items import check_distinct_persons
from ..selectors import banks as bank_sel
from ..selectors import items as sel
from ..services import items as svc

FIELDS = (
    "area_code",
    "difficulty",
    "points",
    "stem",
    "options",
    "answer",
    "criteria",
    "minutes",
    "materials",
    "analysis",
)


def _values_of(content: dict[str, Any], item: Any) -> dict[str, Any]:
    answer = content.get("answer", "")
    criteria = "\n".join(f"{c['criterion']}|{c['points']}" for c in content.get("criteria") or [])
    return {
        "area_code": item.area_code, "difficulty": str(item.difficulty), "stem": content.get("stem", ""),
        "options": "\n".join(content.get("options") or []),
        "answer": "\n".join(answer) if isinstance(answer, list) else {"T": "对", "F": "错"}.get(answer, answer),
        "criteria": criteria, "minutes": str(content.get("minutes", "")), "materials": content.get("materials", ""),
        "analysis": content.get("analysis", ""),
        "points": str(item.versions.get(version=item.version).points.normalize()),
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
def item_form(request: HttpRequest, bank_id: int | None = None, pk: int | None = None) -> HttpResponse:
    item = sel.item_get_for(request.user, pk) if pk else None
    bank = item.bank if item else bank_sel.bank_get_for(request.user, bank_id)
    item_type = item.item_type if item else request.GET.get("type") or request.POST.get("item_type") or ""
    if item_type not in ItemType.values:
        item_type = ItemType.SINGLE
    errors: dict[str, list[str]] = {}
    error = ""
    if item is not None and request.method == "GET":
        values = _values_of(svc.item_content(actor=request.user, item=item, purpose="revise"), item)
    else:
        values = {"difficulty": "3", "points": "100" if item_type == ItemType.PRACTICAL else "1"}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FIELDS}
        try:
            if item is None:
                item = svc.item_create(actor=request.user, bank=bank, item_type=item_type, data=values)
                messages.success(request, "试题已保存为草稿，提交审题后由审题人员审核")
            else:
                svc.item_revise(actor=request.user, item=item, data=values)
                messages.success(request, f"已保存为第{item.version + 1}版")
            return HttpResponseRedirect(reverse("exams:item_detail", args=[item.pk]))
        except InvalidInput as exc:
            errors, error = exc.fields, refusal_text(exc, fields=False)
    return render(request, "exams/item_form.html", {
        "bank": bank, "item": item, "item_type": item_type, "type_label": ItemType(item_type).label,
        "types": ItemType.choices, "values": values, "errors": errors, "error": error,
        "areas": list(bank.blueprint.areas.all()) if bank.blueprint else [], "difficulties": Difficulty.choices,
    })  # fmt: skip


def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    return item_form(request, bank_id=pk)


def _same_person_warning(request: HttpRequest, item: Any, actions: list[str]) -> str:
    """The three-person rule as the service will judge it, said before the button is pressed."""
    step = "review" if "review" in actions else "approve" if "approve" in actions else ""
    if not step:
        return ""
    writer = item.versions.filter(version=item.version).values_list("written_by_id", flat=True).first()
    earlier = {"write": writer, **({"review": item.reviewed_by_id} if step == "approve" else {})}
    check = check_distinct_persons(step, int(request.user.pk or 0), earlier)
    return "" if check.ok else f"{check.message}（{check.rule}）"


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.item_get_for(request.user, pk)
    permits = bank_sel.bank_permits(request.user, item.bank)
    content = None
    if request.GET.get("show") == "1":
        content = svc.item_content(actor=request.user, item=item)  # 403 without exam.items_view; audited
    actions = sel.item_allowed_actions(request.user, item)
    labels = dict(Item.Status.choices)
    return render(request, "exams/item_detail.html", {
        "item": item, "bank": item.bank, "content": content, "permits": permits,
        "actions": [(a, ITEM_FLOW.action(a).label) for a in actions],
        "warning": _same_person_warning(request, item, actions), "may_revise": sel.item_may_revise(request.user, item),
        "versions": sel.item_versions(item), "history": [{"at": h.at, "actor": h.actor.username if h.actor else "系统", "reason": h.reason,
                     "status": labels.get(h.to_status, h.to_status)} for h in ITEM_FLOW.history(item).select_related("actor")],
        "stats": sorted((item.stats or {}).values(), key=lambda s: s.get("number", "")),
    })  # fmt: skip


@require_POST
def item_act(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.item_get_for(request.user, pk)
    try:
        svc.item_act(actor=request.user, item=item, action=request.POST.get("action", ""),
                     reason=request.POST.get("reason", ""))  # fmt: skip
        messages.success(request, "已办理")
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, refusal_text(exc))
    return HttpResponseRedirect(reverse("exams:item_detail", args=[item.pk]))


def item_queue(request: HttpRequest) -> HttpResponse:
    review, approve = sel.items_to_review(request.user), sel.items_to_approve(request.user)
    flagged = sel.items_flagged_for(request.user)
    sections = [
        ("试题待审题", list(review[:200])),
        ("试题待审定", list(approve[:200])),
        ("存疑试题", list(flagged[:200])),
    ]
    return render(request, "exams/item_queue.html", {"sections": sections})


urlpatterns: list[URLPattern] = [
    path("banks/<int:pk>/items/new/", item_new, name="item_new"),
    path("items/<int:pk>/", item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", item_form, name="item_edit"),
    path("items/<int:pk>/act/", item_act, name="item_act"),
    path("items/queue/", item_queue, name="item_queue"),
]

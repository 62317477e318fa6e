"""Pages of annual evaluation plans (EVL-4): the institution's list, the form (lines of occupation and level
offered only from its active evaluation entries, DIR-1; what was typed kept on a refusal), the plan's page
with publish/withdraw from allowed_actions and the stored checks (TRN-9 among them); the public list of
published plans with filters at /exam/plans/ and each plan's public page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.models import Org
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError

from ..flows import PLAN_FLOW
from ..models import EvaluationPlan
from ..selectors import plans as sel
from ..selectors.actions import plan_allowed_actions
from ..selectors.sessions import managed_institutions
from ..services import plans as svc
from .sessions import managed_org

PAGE_SIZE = 30
LINE_FIELDS = ("occupation", "times", "place", "conditions", "fee", "sessions_planned")
BLANK_LINES = 3
MAX_ROWS = 200


def _lines_posted(request: HttpRequest) -> list[dict[str, str]]:
    try:
        rows = min(int(request.POST.get("rows", "0")), MAX_ROWS)
    except ValueError:
        rows = 0
    return [{f: request.POST.get(f"entries-{n}-{f}", "") for f in LINE_FIELDS} for n in range(1, rows + 1)]


def _line_errors(errors: dict[str, list[str]], n: int) -> dict[str, list[str]]:
    return {f: errors.get(f"entries.{n}.{f}", []) for f in LINE_FIELDS}


def _form(request: HttpRequest, org: Org, plan: EvaluationPlan | None) -> HttpResponse:
    today = timezone.localdate()
    status = 200
    errors: dict[str, list[str]] = {}
    refusal = ""
    if plan is not None:
        values: dict[str, Any] = {"year": plan.year, "title": plan.title, "notes": plan.notes}
        lines = [
            {
                "occupation": f"{e.occupation_code}|{e.level}",
                "times": e.times,
                "place": e.place,
                "conditions": e.conditions,
                "fee": "" if e.fee is None else str(e.fee),
                "sessions_planned": str(e.sessions_planned),
            }
            for e in sel.plan_entries(plan)
        ]
    else:
        values = {
            "year": today.year,
            "title": f"{org.name}{today.year}年度职业技能等级认定工作计划",
            "notes": "",
        }
        lines = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("year", "title", "notes")}
        lines = _lines_posted(request)
        data = {**values, "entries": lines}
        try:
            saved = (
                svc.plan_update(actor=request.user, plan=plan, data=data)
                if plan is not None
                else svc.plan_create(actor=request.user, institution=org, data=data)
            )
        except DomainError as exc:
            errors, status, refusal = dict(exc.fields or {}), exc.status, refusal_text(exc)
        else:
            messages.success(request, _("年度评价计划已保存"))
            return HttpResponseRedirect(reverse("exams:plan_detail", args=[saved.pk]))
    kept = [line for line in lines if any(str(v).strip() for v in line.values())]
    rows = [{"n": n, **line, "errors": _line_errors(errors, n)} for n, line in enumerate(kept, start=1)]
    rows += [{"n": n, "errors": {}} for n in range(len(rows) + 1, len(rows) + 1 + BLANK_LINES)]
    return render(
        request,
        "exams/plan_form.html",
        {
            "org": org,
            "plan": plan,
            "values": values,
            "errors": errors,
            "rows": rows,
            "refusal": refusal,
            "choices": sel.occupation_choices(org.pk, on=today),
        },
        status=status,
    )


def plan_list(request: HttpRequest) -> HttpResponse:
    qs = sel.plans_visible_to(request.user).order_by("-year", "-pk")
    status = request.GET.get("status", "")
    if status in EvaluationPlan.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exams/plan_list.html",
        {
            "page": page,
            "status": status,
            "statuses": EvaluationPlan.Status.choices,
            "can_create": bool(managed_institutions(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    return _form(request, managed_org(request), None)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get_for(request.user, pk)
    return _form(request, plan.institution, plan)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get_for(request.user, pk)
    verbs = plan_allowed_actions(request.user, plan)
    return render(
        request,
        "exams/plan_detail.html",
        {
            "plan": plan,
            "entries": sel.plan_entries(plan),
            "decisions": sel.plan_decisions(plan),
            "actions": [{"name": v, "label": PLAN_FLOW.action(v).label} for v in verbs],
            "editable": plan.status == EvaluationPlan.Status.DRAFT and "publish" in verbs,
        },
    )


@require_POST
def plan_act(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        svc.plan_act(
            actor=request.user, plan=plan, action=action, data={"reason": request.POST.get("reason", "")}
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("已办理：%(a)s") % {"a": PLAN_FLOW.action(action).label})
    return HttpResponseRedirect(reverse("exams:plan_detail", args=[pk]))


# --- public -------------------------------------------------------------------------------------------------


@login_not_required
def public_plan_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip()[:50] for k in ("year", "region", "occupation")}
    qs = sel.plans_public_filtered(**f).prefetch_related("entries")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    years = [(str(y), str(y)) for y in sel.public_years()]
    return render(
        request,
        "exams/plan_public_list.html",
        {
            "page": page,
            "f": f,
            "years": years,
            "regions": sel.public_regions(),
        },
    )


@login_not_required
def public_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get_public(pk)
    return render(request, "exams/plan_public_detail.html", {"plan": plan, "entries": sel.plan_entries(plan)})


urlpatterns: list[URLPattern] = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:pk>/act/", plan_act, name="plan_act"),
]
public_urlpatterns: list[URLPattern] = [
    path("plans/", public_plan_list, name="plan_list"),
    path("plans/<int:pk>/", public_plan_detail, name="plan_detail"),
]

"""Pages of training classes (issue #4): the list with the institution's "开班" per filed plan, the
form, the class page with the TRN-12 process panel and the actions this user may take, and the public
announcements (TRN-3, TRN-10) at the site root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.models import Org, Region
from peiyu.accounts.scoping import scope_for
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, NotFound
from peiyu.core.policy import region_prefix

from ..models import Inspection, TrainingClass, TrainingPlan
from ..selectors import classes as sel
from ..selectors.actions import class_allowed_actions
from ..selectors.scope import plan_get_for, plans_visible_to
from ..services import classes as svc
from ..services.inspections import inspection_record

PAGE_SIZE = 30
FORM_FIELDS = (
    "title",
    "region",
    "venue",
    "capacity",
    "starts_on",
    "ends_on",
    "online_platform",
    "announcement",
    "exam_conditions",
)


def _say(request, exc: DomainError) -> None:
    messages.error(request, refusal_text(exc))


def _detail(klass: TrainingClass) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("training:class_detail", args=[klass.pk]))


# --- list ----------------------------------------------------------------------------------------------------


def class_list(request):
    qs = sel.classes_visible_to(request.user).order_by("-starts_on", "-pk")
    status = request.GET.get("status", "")
    if status in TrainingClass.Status.values:
        qs = qs.filter(status=status)
    plan = request.GET.get("plan", "")
    if plan.isdigit():
        qs = qs.filter(plan_id=int(plan))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    manage = scope_for(request.user, "training.manage")
    filed: list[TrainingPlan] = []
    if manage.org_ids:
        filed = list(
            plans_visible_to(request.user)
            .filter(status=TrainingPlan.Status.FILED, institution_id__in=manage.org_ids)
            .order_by("-filed_at")[:100]
        )
    return render(
        request,
        "training/classes_list.html",
        {
            "page": page,
            "status": status,
            "plan": plan,
            "statuses": TrainingClass.Status.choices,
            "filed_plans": filed,
        },
    )


# --- create and edit -------------------------------------------------------------------------------------------


def _form_context(plan: TrainingPlan, values: dict[str, Any], errors: dict[str, list[str]]) -> dict:
    prefix = region_prefix(plan.institution.region_id or "")
    regions = (
        Region.objects.filter(code__startswith=prefix).order_by("code") if prefix else Region.objects.none()
    )
    platforms = Org.objects.filter(kind=Org.Kind.ONLINE_PLATFORM, is_active=True).order_by("name")
    return {
        "plan": plan,
        "values": values,
        "errors": errors,
        "regions": regions,
        "platforms": platforms if plan.hours_online else [],
    }


def _posted(request) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in FORM_FIELDS}


def _class_form(
    request,
    plan: TrainingPlan,
    klass: TrainingClass | None,
    values: dict[str, Any],
    save: Callable[[dict[str, Any]], TrainingClass],
    done: Callable[[TrainingClass], str],
):
    """The class form (new or edit): a POST runs `save` on the posted values; saved → the message
    `done(saved)` and the class page; refused → the form again with the errors and the refusal's status."""
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            saved = save(values)
        except DomainError as exc:
            errors, status = exc.fields or {"form": [exc.message]}, exc.status
            _say(request, exc)
        else:
            messages.success(request, done(saved))
            return _detail(saved)
    ctx = _form_context(plan, values, errors) | {"klass": klass}
    return render(request, "training/classes_form.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def class_new(request, plan_pk: int):
    plan = plan_get_for(request.user, plan_pk)
    if plan.institution_id not in scope_for(request.user, "training.manage").org_ids:
        raise Http404(_("记录不存在或不在您的管辖范围内"))
    values: dict[str, Any] = {
        "title": plan.title,
        "region": plan.region_id,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
    }
    return _class_form(
        request,
        plan,
        None,
        values,
        lambda data: svc.class_create(actor=request.user, plan=plan, data=data),
        lambda klass: _("已创建培训班 %(no)s") % {"no": klass.number},
    )


@require_http_methods(["GET", "POST"])
def class_edit(request, pk: int):
    klass = sel.class_get_for(request.user, pk)
    if not sel.class_actions(request.user, klass)["edit"]:
        messages.error(request, _("只有筹备中的培训班可以由本机构修改"))
        return _detail(klass)
    values: dict[str, Any] = {name: getattr(klass, name, "") for name in FORM_FIELDS}
    values.update(
        region=klass.region_id,
        online_platform=klass.online_platform_id or "",
        starts_on=klass.starts_on.isoformat(),
        ends_on=klass.ends_on.isoformat(),
    )
    return _class_form(
        request,
        klass.plan,
        klass,
        values,
        lambda data: svc.class_update(actor=request.user, klass=klass, data=data),
        lambda saved: _("已保存"),
    )


# --- the class page --------------------------------------------------------------------------------------------


def class_detail(request, pk: int):
    klass = sel.class_get_for(request.user, pk)
    return render(
        request,
        "training/classes_detail.html",
        {
            "klass": klass,
            "plan": klass.plan,
            "can": sel.class_actions(request.user, klass),
            "allowed_actions": class_allowed_actions(request.user, klass),
            "steps": sel.class_process(klass),
            "decisions": sel.class_decisions(klass),
            "history": sel.class_history(klass),
            "inspections": list(sel.class_inspections(klass)),
            "inspection_kinds": Inspection.Kind.choices,
            "inspection_results": Inspection.Result.choices,
        },
    )


def _act(request, pk: int, run, done: str):
    klass = sel.class_get_for(request.user, pk)
    try:
        run(klass)
    except NotFound:
        raise
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(request, done)
    return _detail(klass)


@require_POST
def class_announce(request, pk: int):
    return _act(request, pk, lambda k: svc.class_announce(actor=request.user, klass=k), _("招生简章已发布"))


@require_POST
def class_request_opening(request, pk: int):
    return _act(
        request,
        pk,
        lambda k: svc.class_request_opening(actor=request.user, klass=k),
        _("已提出开班申请，待人社部门审核"),
    )


@require_POST
def class_decide_opening(request, pk: int):
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "refuse"):
        klass = sel.class_get_for(request.user, pk)
        messages.error(request, _("请选择审核结论"))
        return _detail(klass)
    approve = decision == "approve"
    return _act(
        request,
        pk,
        lambda k: svc.class_decide_opening(
            actor=request.user, klass=k, approve=approve, note=request.POST.get("note", "")
        ),
        _("已同意开班") if approve else _("已不同意开班"),
    )


@require_POST
def class_start(request, pk: int):
    return _act(request, pk, lambda k: svc.class_start(actor=request.user, klass=k), _("已开班"))


@require_POST
def class_cancel(request, pk: int):
    return _act(
        request,
        pk,
        lambda k: svc.class_cancel(actor=request.user, klass=k, reason=request.POST.get("reason", "")),
        _("培训班已取消"),
    )


@require_POST
def class_inspect(request, pk: int):
    data = {
        "result": request.POST.get("result", ""),
        "findings": request.POST.get("findings", ""),
        "inspected_on": request.POST.get("inspected_on", ""),
    }
    return _act(
        request,
        pk,
        lambda k: inspection_record(
            actor=request.user, klass=k, kind=request.POST.get("kind", ""), data=data
        ),
        _("检查记录已登记"),
    )


# --- public announcements (TRN-3, TRN-10) ------------------------------------------------------------------


@login_not_required
def announcement_list(request):
    qs = sel.announcements_public()
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(plan__occupation_name__icontains=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/classes_announcements.html", {"page": page, "q": q})


@login_not_required
def announcement_detail(request, number: str):
    klass = sel.announcement_get_public(number)
    return render(
        request,
        "training/classes_announcement.html",
        {
            "klass": klass,
            "info": sel.public_class_info(klass),
            # the rule of services.trainees.enrolment_self: a person enrols themselves while it recruits
            "self_enrolment_open": klass.status == TrainingClass.Status.ANNOUNCED,
        },
    )


urlpatterns = [
    path("classes/", class_list, name="class_list"),
    path("plans/<int:plan_pk>/classes/new/", class_new, name="class_new"),
    path("classes/<int:pk>/", class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", class_edit, name="class_edit"),
    path("classes/<int:pk>/announce/", class_announce, name="class_announce"),
    path("classes/<int:pk>/opening/", class_request_opening, name="class_request_opening"),
    path("classes/<int:pk>/opening/decide/", class_decide_opening, name="class_decide_opening"),
    path("classes/<int:pk>/start/", class_start, name="class_start"),
    path("classes/<int:pk>/cancel/", class_cancel, name="class_cancel"),
    path("classes/<int:pk>/inspections/", class_inspect, name="class_inspect"),
]

public_urlpatterns = [
    path("announcements/", announcement_list, name="announcement_list"),
    path("announcements/<str:number>/", announcement_detail, name="announcement_detail"),
]

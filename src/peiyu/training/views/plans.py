"""Pages of training plans (TRN-1, TRN-2, TRN-4, TRN-9, TRN-10, TRN-12): an institution drafts, edits and
files (备案) its plans; the province and the city of the training region, and the industry authority of
an industry-led plan, look up filed plans. Thin: parse, call one service, render; a refusal is shown on
the same page with its rule id and nothing typed is lost. Teachers (师资) are in `plan_teachers`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.scoping import capabilities_of
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError

from ..models import CertType, TrainingPlan
from ..selectors import plans as plan_sel
from ..selectors import scope as selectors
from ..selectors.actions import plan_allowed_actions
from ..services import plans as svc
from . import plan_teachers

PAGE_SIZE = 20
COMMITMENT_TEXT = gettext_lazy(
    "本机构承诺：所报培训计划和方案真实、准确、完整，严格按备案的计划组织培训，如实记录学员考勤和培训过程，"
    "不虚假培训，不虚报学员人数和学时，不超标准收费，不作“包过”“包就业”等夸大宣传；如有违反，"
    "愿承担相应责任并接受人力资源社会保障部门和行业主管部门的处理。"
)
TEXT_FIELDS = (
    "title",
    "programme",
    "occupation_code",
    "direction",
    "level",
    "cert_type",
    "supervising_authority",
    "region",
    "description",
    "hours_theory",
    "hours_practice",
    "hours_online",
    "hours_offline",
    "fee",
    "makeup_fee",
    "exam_fee",
    "refund_terms",
    "makeup_terms",
    "starts_on",
    "ends_on",
    "schedule",
    "evaluation_institution",
    "exam_plan",
)


def _plan(request, pk) -> TrainingPlan:
    return selectors.plan_get_for(request.user, pk)  # NotFound: the 404 page (core's middleware)


def _institution(request):
    institution = plan_sel.managed_institution(request.user)
    if institution is None:
        raise Http404(_("只有培训机构可以制定培训计划"))
    return institution


def _errors_of(exc: DomainError) -> dict[str, list[str]]:
    return exc.fields or {}


def _message_of(exc: DomainError) -> str:
    return refusal_text(exc, fields=False)


# --- list --------------------------------------------------------------------------------------------------


def plan_list(request):
    g = request.GET
    filters = {
        "status": g.get("status", ""),
        "occupation": g.get("occupation", ""),
        "cert_type": g.get("cert_type", ""),
        "region": g.get("region", ""),
        "q": g.get("q", ""),
    }
    qs = plan_sel.plans_filtered(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    institution = plan_sel.managed_institution(request.user)
    return render(
        request,
        "training/plans_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any(v.strip() for v in filters.values()),
            "statuses": TrainingPlan.Status.choices,
            "cert_types": CertType.choices,
            "options": plan_sel.plan_filter_options(request.user),
            "institution": institution,
            "is_official": "training.supervise" in capabilities_of(request.user),
        },
    )


# --- the form ----------------------------------------------------------------------------------------------


def _post_data(post) -> dict[str, Any]:
    data: dict[str, Any] = {name: (post.get(name) or "").strip() for name in TEXT_FIELDS}
    data["teachers"] = [t for t in post.getlist("teachers") if t.strip()]
    data["commitment"] = post.get("commitment") in ("on", "1", "true")
    return data


def _values_of(plan: TrainingPlan) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(plan, name)
        for name in TEXT_FIELDS
        if name not in ("supervising_authority", "region", "evaluation_institution")
    }
    values.update(
        supervising_authority=plan.supervising_authority_id or "",
        region=plan.region_id,
        evaluation_institution=plan.evaluation_institution_id or "",
        starts_on=plan.starts_on.isoformat(),
        ends_on=plan.ends_on.isoformat(),
        teachers=[t.pk for t in plan.teachers.all()],
        commitment=plan.commitment,
    )
    return {k: v if isinstance(v, list | bool) else str(v) for k, v in values.items()}


def _render_form(request, institution, values, *, plan=None, errors=None, error=""):
    choices = plan_sel.plan_form_choices(institution, plan)
    share = plan_sel.online_share_preview(**_share_args(institution, values))
    return render(
        request,
        "training/plans_form.html",
        {
            "plan": plan,
            "institution": institution,
            "values": values,
            "selected_teachers": {str(t) for t in values.get("teachers", [])},
            "errors": errors or {},
            "error": error,
            "choices": choices,
            "commitment_text": COMMITMENT_TEXT,
            "share": share,
        },
        status=400 if errors or error else 200,
    )


@require_http_methods(["GET", "POST"])
def plan_new(request):
    institution = _institution(request)
    if request.method == "POST":
        data = _post_data(request.POST)
        try:
            plan = svc.plan_create(actor=request.user, institution=institution, data=data)
        except DomainError as exc:
            return _render_form(request, institution, data, errors=_errors_of(exc), error=_message_of(exc))
        messages.success(
            request, _("已保存培训计划草稿 %(number)s，核对无误后可提交备案") % {"number": plan.number}
        )
        return HttpResponseRedirect(reverse("training:plan_detail", args=[plan.pk]))
    choices = plan_sel.plan_form_choices(institution)
    values = {
        "programme": choices["programmes"][0][0] if choices["programmes"] else "",
        "cert_type": CertType.CERTIFICATE,
        "region": institution.region_id or "",
        "teachers": [],
        "commitment": False,
    }
    return _render_form(request, institution, values)


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _plan(request, pk)
    institution = _institution(request)
    if plan.institution_id != institution.pk:
        raise Http404()
    if plan.status != TrainingPlan.Status.DRAFT:
        messages.info(request, _("只有草稿状态的培训计划可以修改"))
        return HttpResponseRedirect(reverse("training:plan_detail", args=[plan.pk]))
    if request.method == "POST":
        data = _post_data(request.POST)
        try:
            plan = svc.plan_update(actor=request.user, plan=plan, data=data)
        except DomainError as exc:
            return _render_form(
                request, institution, data, plan=plan, errors=_errors_of(exc), error=_message_of(exc)
            )
        messages.success(request, _("已保存"))
        return HttpResponseRedirect(reverse("training:plan_detail", args=[plan.pk]))
    return _render_form(request, institution, _values_of(plan), plan=plan)


def _int(raw) -> int:
    try:
        return max(0, min(int(str(raw or "0").strip() or 0), 100000))
    except (TypeError, ValueError):
        return 0


def _share_args(institution, data) -> dict[str, Any]:
    region = (data.get("region") or "").strip() or (institution.region_id if institution else "") or ""
    return {
        "programme": plan_sel.programme_of(data),
        "region_code": region[:6],
        "hours_online": _int(data.get("hours_online")),
        "hours_offline": _int(data.get("hours_offline")),
    }


@require_POST
def plan_online_share(request):
    """The htmx partial under the hours: the online share and the cap of the policy in force (TRN-4)."""
    institution = plan_sel.managed_institution(request.user)
    share = plan_sel.online_share_preview(**_share_args(institution, request.POST))
    return render(request, "training/plans_online_share.html", {"share": share})


# --- detail and actions -------------------------------------------------------------------------------------


def _render_detail(request, plan: TrainingPlan, *, error="", errors=None, reason="", status=200):
    decisions = plan_sel.plan_decisions(plan)
    latest = decisions[0] if decisions else None
    teachers = list(plan.teachers.all())
    owner = plan_sel.managed_institution(request.user)
    is_owner = owner is not None and owner.pk == plan.institution_id
    allowed = plan_allowed_actions(request.user, plan) if is_owner else []
    return render(
        request,
        "training/plans_detail.html",
        {
            "plan": plan,
            "teachers": plan_sel.teacher_rows(teachers),
            "decision": latest,
            "checks": plan_sel.check_rows(latest),
            "earlier_decisions": decisions[1:],
            "history": plan_sel.plan_history(plan),
            "is_owner": is_owner,
            "can_edit": is_owner and plan.status == TrainingPlan.Status.DRAFT,
            "allowed_actions": allowed,
            "can_file": "file" in allowed,
            "can_withdraw": "withdraw" in allowed,
            "can_open_class": plan.status == TrainingPlan.Status.FILED,  # TRN-2, as services.classes
            "programme_label": plan_sel.PROGRAMME_LABELS.get(plan.programme, plan.programme),
            "error": error,
            "errors": errors or {},
            "reason": reason,
        },
        status=status,
    )


def plan_detail(request, pk: int):
    return _render_detail(request, _plan(request, pk))


@require_POST
def plan_file(request, pk: int):
    plan = _plan(request, pk)
    try:
        plan = svc.plan_file(actor=request.user, plan=plan)
    except DomainError as exc:
        return _render_detail(request, _plan(request, pk), error=_message_of(exc), status=exc.status)
    messages.success(request, _("培训计划 %(number)s 已备案，省、市人社部门可查询") % {"number": plan.number})
    return HttpResponseRedirect(reverse("training:plan_detail", args=[plan.pk]))


@require_POST
def plan_withdraw(request, pk: int):
    plan = _plan(request, pk)
    reason = (request.POST.get("reason") or "").strip()
    try:
        plan = svc.plan_withdraw(actor=request.user, plan=plan, reason=reason)
    except DomainError as exc:
        return _render_detail(
            request, plan, error=_message_of(exc), errors=_errors_of(exc), reason=reason, status=exc.status
        )
    messages.success(request, _("培训计划 %(number)s 已撤回") % {"number": plan.number})
    return HttpResponseRedirect(reverse("training:plan_detail", args=[plan.pk]))


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_new, name="plan_new"),
    path("plans/online-share/", plan_online_share, name="plan_online_share"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:pk>/file/", plan_file, name="plan_file"),
    path("plans/<int:pk>/withdraw/", plan_withdraw, name="plan_withdraw"),
    *plan_teachers.urlpatterns,
]

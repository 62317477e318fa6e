"""Public notice (公示) and objections (SEL-7, SEL-10); the public pages of calls are views.calls.

`urlpatterns` (under /directory/, namespace `directory`): the official of the notice step publishes a
batch of applications after seeing the end date counted in PRC working days, and decides objections.
`public_urlpatterns` (site root, no login, CAT-4): the notices with an objection form while they run,
following an objection with its tracking number and the contact given, and the calls (views.calls)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, NotFound

from ..models import Application, Objection, PublicNotice
from ..rules.notices import counting_text
from ..selectors import scope as selectors
from ..selectors.actions import objection_allowed_actions, public_notice_allowed_actions
from ..selectors.personal import objection_contacts_shown
from ..services import notices as services
from ..services.review import actor_may_act, applications_at_step_for
from .calls import public_call_detail, public_call_list

PAGE_SIZE = 20


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return exc.fields or {"form": [exc.message]}


def _notice_step(app: Application) -> dict | None:
    return next((s for s in app.route if s["action"] == "notice"), None)


# --- officials ---------------------------------------------------------------------------------------------


def _publishable(user) -> list[Application]:
    """Applications waiting at a notice step the user may act on (scoped read, then the step's own test)."""
    qs = (
        selectors.applications_visible_to(user)
        .filter(status=Application.Status.IN_REVIEW)
        .order_by("call__code", "number")
    )
    return [
        a
        for a in applications_at_step_for(user, qs)
        if a.current_step and a.current_step["action"] == "notice"
    ]


def _groups(apps: list[Application]) -> list[dict[str, Any]]:
    """One group per call (a notice holds applications of one call), with the period it would run."""
    by_call: OrderedDict[int, dict[str, Any]] = OrderedDict()
    today = timezone.localdate()
    for app in apps:
        group = by_call.get(app.call_id)
        if group is None:
            group = by_call[app.call_id] = {
                "call": app.call,
                "applications": [],
                "period": None,
                "period_error": "",
            }
            try:
                group["period"] = services.notice_period(app.call, today)
            except DomainError as exc:
                group["period_error"] = refusal_text(exc, fields=False)
        group["applications"].append(app)
    return list(by_call.values())


@require_http_methods(["GET", "POST"])
def notice_publish(request):
    """GET: the applications at the notice step, per call, with the end date publishing today gives.
    POST: publish the ticked applications of one call."""
    apps = _publishable(request.user)
    errors: dict[str, list[str]] = {}
    chosen: set[str] = set()
    status = 200
    if request.method == "POST":
        chosen = set(request.POST.getlist("applications"))
        try:
            ids = {int(x) for x in chosen}
        except ValueError as exc:
            raise NotFound(_("记录不存在或不在您的管辖范围内")) from exc
        # every id must be in the user's scope (else 404, DESIGN §5); the service then checks the step
        found = list(selectors.applications_visible_to(request.user).filter(pk__in=ids))
        if len(found) != len(ids):
            raise NotFound(_("记录不存在或不在您的管辖范围内"))
        try:
            notice = services.notice_publish(
                actor=request.user, applications=found, title=request.POST.get("title", "")
            )
        except DomainError as exc:
            errors, status = _errors(exc), exc.status
            messages.error(request, refusal_text(exc, fields=False))
        else:
            messages.success(
                request,
                _("已发布公示 %(number)s，公示期：%(period)s")
                % {"number": notice.number, "period": services.notice_period_text(notice)},
            )
            warning = services.notice_calendar_warning(notice)
            if warning:  # the official who publishes learns it here, not only the system administrator
                messages.warning(request, _("公示截止日期可能需要核对：%(w)s") % {"w": warning})
            return HttpResponseRedirect(reverse("public_notice_detail", args=[notice.number]))
    return render(
        request,
        "institutions/notice_publish.html",
        {"groups": _groups(apps), "errors": errors, "chosen": chosen, "title": request.POST.get("title", "")},
        status=status,
    )


def _objections_qs(user):
    visible = selectors.applications_visible_to(user).exclude(status=Application.Status.DRAFT)
    return (
        Objection.objects.filter(application__in=visible.values("pk"))
        .select_related("notice", "application", "application__institution", "application__call")
        .order_by("-created_at", "-id")
    )


def _may_resolve(user, obj: Objection) -> bool:
    step = _notice_step(obj.application)
    return step is not None and actor_may_act(user, obj.application, step)


def _objections_for(user, status: str = "") -> list[Objection]:
    """Objections on applications the user may act on at their notice step (the publishing body)."""
    qs = _objections_qs(user)
    if status in Objection.Status.values:
        qs = qs.filter(status=status)
    return [o for o in qs[:500] if _may_resolve(user, o)]


def _objection_for(user, pk: int) -> Objection:
    obj = _objections_qs(user).filter(pk=pk).first()
    if obj is None or not _may_resolve(user, obj):
        raise NotFound(_("记录不存在或不在您的管辖范围内"))
    return obj


def objection_list(request):
    status = request.GET.get("status", "open")
    objections = _objections_for(request.user, status if status != "all" else "")
    contacts = objection_contacts_shown(request.user, objections)  # masked or full by role (DESIGN §7)
    rows = [
        {"obj": o, "contact": contact, "allowed_actions": objection_allowed_actions(request.user, o)}
        for o, contact in zip(objections, contacts, strict=True)
    ]
    return render(
        request,
        "institutions/objection_list.html",
        {"rows": rows, "status": status, "statuses": Objection.Status.choices},
    )


@require_POST
def objection_resolve(request, pk: int):
    obj = _objection_for(request.user, pk)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("upheld", "dismissed"):
        messages.error(request, _("请选择处理结论：异议成立或异议不成立"))
    else:
        try:
            services.objection_resolve(
                actor=request.user,
                objection=obj,
                upheld=outcome == "upheld",
                resolution=request.POST.get("resolution", ""),
            )
        except DomainError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("已处理异议 %(no)s") % {"no": obj.tracking_no})
    return HttpResponseRedirect(reverse("directory:objection_list"))


# --- public: notices and objections -----------------------------------------------------------------------


def _notice(number: str) -> PublicNotice:
    return selectors.notice_get_public(number)


def _is_open(notice: PublicNotice) -> bool:
    """Objections are accepted (`object` is among the notice's allowed actions)."""
    return "object" in public_notice_allowed_actions(None, notice)


def _period(notice: PublicNotice) -> dict[str, Any]:
    """From publication to the last day, the working days and where counting starts; the page writes the
    label 公示期 once: "2026-09-30 至 2026-10-13（5个工作日，自发布次日起算）"."""
    return {
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "days": notice.working_days,
        "counted": counting_text(notice.counts_publication_day),
    }


def _notice_rows(notice: PublicNotice) -> list[Application]:
    return list(
        notice.applications.select_related("institution", "region").order_by(
            "kind", "occupation_code", "institution__name"
        )
    )


@login_not_required
def public_notice_list(request):
    qs = selectors.notices_public().annotate(n=Count("applications")).order_by("-starts_on", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"notice": n, "period": _period(n), "open": _is_open(n)} for n in page]
    return render(request, "institutions/notice_list.html", {"page": page, "rows": rows})


def _render_notice(request, notice: PublicNotice, *, errors=None, post=None, status: int = 200):
    return render(
        request,
        "institutions/notice_detail.html",
        {
            "notice": notice,
            "period": _period(notice),
            "rows": _notice_rows(notice),
            "open": _is_open(notice),
            "errors": errors or {},
            "post": post or {},
        },
        status=status,
    )


@login_not_required
def public_notice_detail(request, number: str):
    return _render_notice(request, _notice(number))


@login_not_required
@require_POST
def public_objection_create(request, number: str):
    notice = _notice(number)
    post = request.POST
    try:
        objection = services.objection_submit(
            notice=notice,
            application_id=post.get("application", ""),
            name=post.get("name", ""),
            contact=post.get("contact", ""),
            text=post.get("text", ""),
        )
    except DomainError as exc:
        return _render_notice(request, notice, errors=_errors(exc), post=post, status=exc.status)
    return render(
        request,
        "institutions/objection_created.html",
        {"notice": notice, "objection": objection, "institution": objection.application.institution.name},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def public_objection_track(request):
    """The tracking number and the contact given on submission → status and resolution, nothing else.
    The contact travels in a POST body, never in the address."""
    errors: dict[str, list[str]] = {}
    result = None
    data = {"tracking_no": request.GET.get("tracking_no", ""), "contact": ""}
    status = 200
    if request.method == "POST":
        data = {
            "tracking_no": request.POST.get("tracking_no", "").strip(),
            "contact": request.POST.get("contact", "").strip(),
        }
        if not data["tracking_no"]:
            errors["tracking_no"] = [_("请填写受理编号")]
        if not data["contact"]:
            errors["contact"] = [_("请填写提交异议时留下的联系方式")]
        if not errors:
            try:
                obj = services.objection_lookup(tracking_no=data["tracking_no"], contact=data["contact"])
            except NotFound as exc:
                errors["form"] = [exc.message]
                status = 404
            else:
                result = {
                    "tracking_no": obj.tracking_no,
                    "status": obj.get_status_display(),
                    "resolved": obj.status != Objection.Status.OPEN,
                    "resolution": obj.resolution,
                }
        else:
            status = 400
    return render(
        request,
        "institutions/objection_track.html",
        {"errors": errors, "result": result, "data": data},
        status=status,
    )


urlpatterns = [
    path("notices/publish/", notice_publish, name="notice_publish"),
    path("objections/", objection_list, name="objection_list"),
    path("objections/<int:pk>/resolve/", objection_resolve, name="objection_resolve"),
]

public_urlpatterns = [
    path("notices/", public_notice_list, name="public_notice_list"),
    path("notices/<str:number>/", public_notice_detail, name="public_notice_detail"),
    path("notices/<str:number>/objections/", public_objection_create, name="public_objection_create"),
    path("objections/track/", public_objection_track, name="public_objection_track"),
    path("calls/", public_call_list, name="public_call_list"),
    path("calls/<slug:code>/", public_call_detail, name="public_call_detail"),
]

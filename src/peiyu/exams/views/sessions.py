"""Pages of exam sessions (EVL-5) and their sittings: the list with filters and status badges, the form of
a new session (a refusal shows its checks with the rule tags and keeps what was typed), the session page
with EVL-5's step bar, the actions this user may take (from allowed_actions), the stored checks and the
room preparation; a sitting's page with its seats and the proctor's open/close. Public: the announcements
of announced sessions at /exam/sessions/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.models import Org
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError

from ..flows import SESSION_FLOW, SITTING_FLOW
from ..models import EvaluationSession, ExamSite, Sitting
from ..selectors import sessions as sel
from ..selectors.actions import session_allowed_actions, sitting_allowed_actions
from ..services import sessions as svc
from ..services import sessions_steps as steps
from ..services import sittings as sit

PAGE_SIZE = 30
FORM_FIELDS = (
    "listing",
    "level",
    "direction",
    "title",
    "site",
    "bank",
    "capacity",
    "fee",
    "announcement",
    "registration_opens_on",
    "registration_closes_on",
    "theory_starts_at",
    "theory_minutes",
    "practical_on",
    "review_on",
    "forms",
)
BADGE = {"cancelled": "fail", "certificates": "ok", "exam": "warn", "grading": "warn", "notice": "warn"}
CONFIRM = {
    "cancel": "取消后考核批次不可恢复，已报名的考生将收到取消通知。确定取消？",
    "start_exam": "开考后试卷按时启封，批次不能再取消。确定开考？",
    "close_registration": "截止报名后考生不能再报名。确定截止？",
}


def _say(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, refusal_text(exc))


def _to(name: str, pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"exams:{name}", args=[pk]))


def managed_org(request: HttpRequest) -> Org:
    managed = sel.managed_institutions(request.user)
    org_id = getattr(request.user, "primary_org_id", None)
    if org_id not in managed:
        org_id = managed[0] if managed else None
    if org_id is None:
        raise Http404(_("记录不存在或不在您的管辖范围内"))
    return Org.objects.get(pk=org_id)


def session_list(request: HttpRequest) -> HttpResponse:
    qs = sel.sessions_visible_to(request.user).order_by("-theory_starts_at", "-pk")
    f = {k: request.GET.get(k, "").strip()[:50] for k in ("status", "occupation", "level", "q")}
    if f["status"] in EvaluationSession.Status.values:
        qs = qs.filter(status=f["status"])
    if f["occupation"]:
        qs = qs.filter(occupation_code=f["occupation"])
    if f["level"]:
        qs = qs.filter(level=f["level"])
    if f["q"]:
        qs = qs.filter(title__icontains=f["q"]) | qs.filter(number=f["q"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for s in page:
        s.badge = BADGE.get(s.status, "")  # type: ignore[attr-defined]
    occupations = sorted(
        set(sel.sessions_visible_to(request.user).values_list("occupation_code", "occupation_name"))
    )
    return render(
        request,
        "exams/session_list.html",
        {
            "page": page,
            "f": f,
            "statuses": EvaluationSession.Status.choices,
            "occupations": occupations,
            "can_create": bool(sel.managed_institutions(request.user)),
        },
    )


def _form_context(org: Org, values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    today = timezone.localdate()
    entries = [e for e in sel.evaluation_entries(org.pk)]
    levels = sorted({lv for e in entries for lv in (e.levels or [])})
    return {
        "org": org,
        "values": values,
        "errors": errors,
        "entries": entries,
        "levels": levels,
        "sites": sel.sites_of(org.pk),
        "banks": sel.banks_of(org.pk),
        "today": today,
        "accepted": ExamSite.Status.ACCEPTED,
    }


@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    org = managed_org(request)
    values: dict[str, Any] = {"capacity": "40", "theory_minutes": "90", "forms": "2"}
    errors: dict[str, list[str]] = {}
    refusal: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FORM_FIELDS}
        try:
            s = svc.session_create(actor=request.user, institution=org, data=values)
        except DomainError as exc:
            errors, status = dict(exc.fields or {}), exc.status
            refusal = {
                "message": exc.message,
                "checks": (exc.details or {}).get("checks", []),
                "rules": exc.rules,
            }
            if not exc.fields and not refusal["checks"]:
                _say(request, exc)
        else:
            messages.success(request, _("考核批次已创建：%(n)s") % {"n": s.number})
            return _to("session_detail", s.pk)
    ctx = _form_context(org, values, errors) | {"refusal": refusal}
    return render(request, "exams/session_form.html", ctx, status=status)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = sel.session_get_for(request.user, pk)
    verbs = session_allowed_actions(request.user, s)
    actions = [
        {"name": v, "label": SESSION_FLOW.action(v).label, "confirm": CONFIRM.get(v, "")} for v in verbs
    ]
    sittings = sel.sittings_of(s)
    for x in sittings:
        x.capacity = sel.capacity_of(x)  # type: ignore[attr-defined]
    preparing = s.status == EvaluationSession.Status.ROOMS and sel.manages(request.user, s.institution_id)
    rooms = sel.rooms_for(s) if preparing else []
    return render(
        request,
        "exams/session_detail.html",
        {
            "s": s,
            "steps": sel.session_steps(s),
            "actions": actions,
            "badge": BADGE.get(s.status, ""),
            "counts": sel.registration_counts(s),
            "decisions": sel.session_decisions(s),
            "sittings": sittings,
            "rooms": rooms,
            "kinds": [k for k in Sitting.Kind.choices if k[0] != "review" or s.review_required],
            "proctors": sel.proctor_choices(s) if preparing else [],
            "preparing": preparing,
            "history": sel.session_history(s),
            "manages": sel.manages(request.user, s.institution_id),
        },
    )


@require_POST
def session_act(request: HttpRequest, pk: int) -> HttpResponse:
    s = sel.session_get_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        steps.session_act(
            actor=request.user, session=s, action=action, data={"reason": request.POST.get("reason", "")}
        )
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已办理：%(a)s") % {"a": SESSION_FLOW.action(action).label})
    return _to("session_detail", pk)


@require_POST
def sitting_new(request: HttpRequest, pk: int) -> HttpResponse:
    s = sel.session_get_for(request.user, pk)
    data = {k: request.POST.get(k, "") for k in ("kind", "room", "starts_at", "ends_at", "proctor")}
    try:
        x = sit.sitting_create(actor=request.user, session=s, data=data)
    except DomainError as exc:
        _say(request, exc)
        return _to("session_detail", pk)
    messages.success(request, _("场次已创建"))
    return _to("sitting_detail", x.pk)


def sitting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    x = sel.sitting_get_for(request.user, pk)
    verbs = sitting_allowed_actions(request.user, x, x.session)
    return render(
        request,
        "exams/sitting_detail.html",
        {
            "x": x,
            "s": x.session,
            "capacity": sel.capacity_of(x),
            "seats": sel.sitting_seats(request.user, x),
            "verbs": verbs,
            "flow_labels": {a: SITTING_FLOW.action(a).label for a in verbs if a in SITTING_FLOW.actions},
            "proctors": sel.proctor_choices(x.session) if "assign_proctor" in verbs else [],
            "decisions": sel.sitting_decisions(x),
        },
    )


@require_POST
def sitting_act(request: HttpRequest, pk: int) -> HttpResponse:
    x = sel.sitting_get_for(request.user, pk)
    try:
        sit.sitting_act(
            actor=request.user,
            sitting=x,
            action=request.POST.get("action", ""),
            data={"proctor": request.POST.get("proctor", "")},
        )
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已办理"))
    return _to("sitting_detail", pk)


# --- public -------------------------------------------------------------------------------------------------


@login_not_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    qs = sel.announcements_public().order_by("-theory_starts_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exams/session_announcements.html", {"page": page})


@login_not_required
def announcement_detail(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "exams/session_announcement.html", {"s": sel.announcement_get_public(number)})


urlpatterns: list[URLPattern] = [
    path("sessions/", session_list, name="session_list"),
    path("sessions/new/", session_new, name="session_new"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/act/", session_act, name="session_act"),
    path("sessions/<int:pk>/sittings/new/", sitting_new, name="sitting_new"),
    path("sittings/<int:pk>/", sitting_detail, name="sitting_detail"),
    path("sittings/<int:pk>/act/", sitting_act, name="sitting_act"),
]
public_urlpatterns: list[URLPattern] = [
    path("sessions/", announcement_list, name="announcement_list"),
    path("sessions/<str:number>/", announcement_detail, name="announcement_detail"),
]

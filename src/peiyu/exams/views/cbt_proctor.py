"""The proctor's console (EVL-6) and exam incidents (EVL-11): a theory sitting's candidates — started,
idle, submitted, leaves — refreshed by htmx every few seconds; resumption requests approved or refused;
incidents recorded with reason codes; an attempt voided with a reason. Incidents listed for the
supervising bureaus and the report recipients, who acknowledge them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.services.access import require
from peiyu.core.errors import DomainError
from peiyu.core.permissions import has_capability

from ..models import Incident, Registration
from ..selectors import incidents as incident_sel
from ..selectors import proctor as sel
from ..services import incidents as incident_services
from ..services import proctor as services

INCIDENT_VIEWERS = ("exam.supervise", "exam.manage", "exam.proctor", "supervision.manage")


def proctor_sittings(request: HttpRequest) -> HttpResponse:
    require(request.user, sel.PROCTOR)
    sittings = list(sel.sittings_proctored_by(request.user)[:100])
    return render(request, "exams/proctor_sittings.html", {"sittings": sittings})


def _idle(request: HttpRequest) -> int:
    raw = request.GET.get("idle", "")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 120 else sel.IDLE_MINUTES


def proctor_console(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = sel.sitting_get_for(request.user, pk)
    context = sel.console(request.user, sitting, now=timezone.now(), idle_minutes=_idle(request))
    context.update(
        sitting=sitting, session=sitting.session, reasons=Incident.Reason.choices, errors={}, data={}
    )
    template = (
        "exams/proctor_console_live.html"
        if request.headers.get("HX-Request")
        else "exams/proctor_console.html"
    )
    return render(request, template, context)


@require_POST
def proctor_resume_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = sel.resume_request_get_for(request.user, pk)
    approve = request.POST.get("action") == "approve"
    services.resume_decide(
        actor=request.user, request=req, approve=approve, note=request.POST.get("note", "")
    )
    messages.success(request, _("已同意在新计算机上续考") if approve else _("已拒绝续考申请"))
    return HttpResponseRedirect(reverse("exams:proctor_console", args=[req.attempt.sitting_id]))


@require_POST
def proctor_attempt_void(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = sel.attempt_get_for(request.user, pk)
    try:
        services.attempt_void(actor=request.user, attempt=attempt, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已作废该考生本场作答"))
    return HttpResponseRedirect(reverse("exams:proctor_console", args=[attempt.sitting_id]))


@require_POST
def proctor_incident_record(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = sel.sitting_get_for(request.user, pk)
    data = {k: request.POST.get(k, "") for k in ("reason", "description", "registration")}
    registration = None
    if data["registration"]:
        registration = Registration.objects.filter(pk=data["registration"] if data["registration"].isdigit() else 0,
                                                   theory_sitting=sitting).first()  # fmt: skip
    try:
        incident = incident_services.incident_record(
            actor=request.user, sitting=sitting, reason=data["reason"], description=data["description"],
            registration=registration,
        )  # fmt: skip
    except DomainError as exc:
        context = sel.console(request.user, sitting, now=timezone.now())
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        context.update(sitting=sitting, session=sitting.session, reasons=Incident.Reason.choices, errors=errors,
                       data=data)  # fmt: skip
        return render(request, "exams/proctor_console.html", context, status=400)
    messages.success(
        request, _("考务事件已记录，并已报告监管部门") if incident.severe else _("考务事件已记录")
    )
    return HttpResponseRedirect(reverse("exams:proctor_console", args=[sitting.pk]))


def incident_list(request: HttpRequest) -> HttpResponse:
    require_any(request)
    incidents = incident_sel.incidents_visible_to(request.user)
    sitting = request.GET.get("sitting", "")
    if sitting.isdigit():
        incidents = incidents.filter(sitting_id=int(sitting))
    rows = list(incidents.order_by("-occurred_at")[:200])
    return render(request, "exams/incident_list.html", {"incidents": rows, "sitting": sitting})


def require_any(request: HttpRequest) -> None:
    """403 unless the user holds one of the capabilities that see incidents."""
    if not any(has_capability(request.user, c) for c in INCIDENT_VIEWERS):
        require(request.user, "exam.supervise")


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_sel.incident_get_for(request.user, pk)
    mine = incident_sel.receiving_orgs(request.user)
    awaiting = [r for r in incident.reports if r.get("org") in mine and not r.get("acknowledged_at")]
    return render(request, "exams/incident_detail.html", {"incident": incident, "awaiting": awaiting})


@require_POST
def incident_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_sel.incident_get_for(request.user, pk)
    incident_services.incident_acknowledge(actor=request.user, incident=incident)
    messages.success(request, _("已签收该考务事件报告"))
    return HttpResponseRedirect(reverse("exams:incident_detail", args=[incident.pk]))


urlpatterns: list[URLPattern] = [
    path("proctor/", proctor_sittings, name="proctor_sittings"),
    path("proctor/sittings/<int:pk>/", proctor_console, name="proctor_console"),
    path("proctor/sittings/<int:pk>/incidents/", proctor_incident_record, name="proctor_incident_record"),
    path("proctor/resume-requests/<int:pk>/", proctor_resume_decide, name="proctor_resume_decide"),
    path("proctor/attempts/<int:pk>/void/", proctor_attempt_void, name="proctor_attempt_void"),
    path("incidents/", incident_list, name="incident_list"),
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/acknowledge/", incident_acknowledge, name="incident_acknowledge"),
]

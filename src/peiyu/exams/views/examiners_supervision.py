"""Pages of quality supervision (EVL-3 逢考必督): the register of supervisors (the institution its internal
ones, the bureau its external ones), a session's sittings with their supervisors (assigning), and the
supervisor's own phone-first pages (her assignments; check in; the supervision record)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.errors import DomainError, NotFound, PermissionDenied

from ..models import QualitySupervisor
from ..rules.supervision import check_internal_supervisor
from ..selectors import supervision as selectors
from ..selectors.panels import may_manage, session_for_panels
from ..services import supervision as services


def _attempt(call: Any) -> tuple[Any, dict[str, list[str]], str]:
    try:
        return call(), {}, ""
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        return None, dict(exc.fields), exc.message


@require_http_methods(["GET", "POST"])
def supervisor_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.supervisors_visible_to(request.user)
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("username", "kind", "name", "certificate_number")}
        done, errors, error = _attempt(lambda: services.supervisor_register(
            actor=request.user, username=values["username"], kind=values["kind"], name=values["name"],
            certificate_number=values["certificate_number"], full_time=request.POST.get("full_time") == "1"))  # fmt: skip
        if done is not None:
            messages.success(request, gettext("已登记质量督导员 %(name)s") % {"name": done.name})
            return redirect("exams:supervisor_list")
    ctx = {"supervisors": list(qs.order_by("kind", "name")[:500]), "kinds": QualitySupervisor.Kind.choices,
           "values": values, "errors": errors, "error": error}  # fmt: skip
    return render(request, "exams/supervision_list.html", ctx, status=400 if error else 200)


def _session_context(request: HttpRequest, sid: int, **extra: Any) -> dict[str, Any]:
    session = session_for_panels(request.user, sid)
    sittings = []
    for s in session.sittings.select_related("room").order_by("starts_at"):
        rows = list(selectors.assignments_of_sitting(s))
        gate = check_internal_supervisor((r.supervisor.kind, r.checked_in_at is not None) for r in rows)
        sittings.append({"s": s, "rows": rows, "gate": gate})
    available = list(
        selectors.supervisors_visible_to(request.user).filter(is_active=True).order_by("kind", "name")
    )
    return {"session": session, "sittings": sittings, "available": available, "manage": may_manage(request.user, session),
            "error": "", **extra}  # fmt: skip


@require_http_methods(["GET", "POST"])
def session_supervision(request: HttpRequest, sid: int) -> HttpResponse:
    if request.method == "POST":
        sitting = selectors.sitting_get_for(request.user, request.POST.get("sitting"))
        if sitting.session_id != sid:
            raise NotFound()
        supervisor = selectors.supervisor_get_for(request.user, request.POST.get("supervisor"))
        done, _errors, error = _attempt(lambda: services.supervision_assign(actor=request.user, sitting=sitting,
                                                                            supervisor=supervisor))  # fmt: skip
        if done is not None:
            messages.success(request, gettext("已安排 %(name)s 督导本场次") % {"name": supervisor.name})
            return redirect("exams:session_supervision", sid=sid)
        return render(
            request, "exams/supervision_session.html", _session_context(request, sid, error=error), status=400
        )
    return render(request, "exams/supervision_session.html", _session_context(request, sid))


def my_supervision(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_assignments(request.user)[:100])
    return render(request, "exams/supervision_mine.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def supervision_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.own_assignment(request.user, pk)
    report = a.report
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        report = request.POST.get("report", "")
        done, errors, error = _attempt(
            lambda: services.supervision_report(actor=request.user, assignment=a, report=report)
        )
        if done is not None:
            messages.success(request, gettext("督导记录已提交"))
            return redirect("exams:supervision_assignment", pk=pk)
    ctx = {"a": a, "report": report, "errors": errors, "error": error}
    return render(request, "exams/supervision_assignment.html", ctx, status=400 if error else 200)


@require_POST
def supervision_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.own_assignment(request.user, pk)
    _done, _errors, error = _attempt(lambda: services.supervision_check_in(actor=request.user, assignment=a))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("已到岗签到"))
    return redirect("exams:supervision_assignment", pk=pk)


urlpatterns: list[URLPattern] = [
    path("supervisors/", supervisor_list, name="supervisor_list"),
    path("sessions/<int:sid>/supervision/", session_supervision, name="session_supervision"),
    path("supervision/", my_supervision, name="my_supervision"),
    path("supervision/<int:pk>/", supervision_assignment, name="supervision_assignment"),
    path("supervision/<int:pk>/check-in/", supervision_check_in, name="supervision_check_in"),
]

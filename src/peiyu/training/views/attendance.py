"""Pages of sessions, attendance and anomalies (TRN-5): a class's sessions with the per-trainee hours
(offline, online, online share), one session with its attendance, the staff check-in form and the QR
code trainees scan, the public scan page (signed-in trainee; shows the result in Chinese), and the
anomaly list with the resolve form. Staff check trainees in by hand with a searchable picker (namesakes
told apart by masked ID and phone tails) and show the QR full screen for a projector or a printout.
Thin: parse, call one service, redirect or re-render."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.accounts.masking import id_tail
from peiyu.core.checks import refusal_text
from peiyu.core.documents.qr import qr_svg
from peiyu.core.errors import DomainError, NotFound, PermissionDenied

from ..models import Anomaly, TrainingSession
from ..selectors import attendance as sel
from ..selectors.actions import anomaly_allowed_actions
from ..selectors.scope import class_disclosure
from ..services import anomalies as anomaly_svc
from ..services import attendance as svc
from ..services import session_actions as actions

DEVICE_COOKIE = "peiyu_device"  # a random id of the browser, kept by us only as its SHA-256 digest
LIST_LIMIT = 200


def _say(request, exc: DomainError) -> None:
    messages.error(request, refusal_text(exc))


# --- sessions of a class -------------------------------------------------------------------------------------

SESSION_FIELDS = ("topic", "mode", "kind", "starts_at", "ends_at", "venue", "teacher")


@require_http_methods(["GET", "POST"])
def class_sessions(request, pk):
    klass = sel.class_get_for(request.user, pk)
    manages = sel.class_managed_by(request.user, klass)
    values: dict[str, Any] = {"mode": "offline", "kind": "theory"}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in SESSION_FIELDS}
        try:
            session = svc.session_create(actor=request.user, klass=klass, data=values)
        except DomainError as exc:
            errors = exc.fields or {"form": [exc.message]}
            if exc.fields:
                errors.setdefault("form", [exc.message])
        else:
            messages.success(request, _("已新增课次：%(topic)s") % {"topic": session.topic})
            return HttpResponseRedirect(reverse("training:class_sessions", args=[klass.pk]))
    sessions = list(
        TrainingSession.objects.filter(klass=klass).select_related("teacher").order_by("starts_at")
    )
    hours = sel.hours_for(request.user, klass.pk)
    return render(
        request,
        "training/attendance_sessions.html",
        {
            "klass": klass,
            "sessions": sessions,
            "hours": hours,
            "manages": manages,
            "values": values,
            "errors": errors,
            "modes": TrainingSession.Mode.choices,
            "teachers": klass.plan.teachers.filter(active=True) if manages else [],
        },
        status=400 if errors else 200,
    )


# --- one session ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def session_detail(request, pk):
    session = sel.session_get_for(request.user, pk)
    klass = session.klass
    manages = sel.class_managed_by(request.user, klass)
    if request.method == "POST":
        action = request.POST.get("action", "")
        data = {name: request.POST.get(name) for name in ("enrolment", "attendance", "at")}
        try:
            _result, done = actions.session_action(
                actor=request.user,
                session=session,
                action=action,
                data={**data, "ip": request.META.get("REMOTE_ADDR")},
            )
            messages.success(request, done)
            if action == "delete":
                return HttpResponseRedirect(reverse("training:class_sessions", args=[klass.pk]))
        except NotFound:
            raise  # a trainee or attendance not in scope: 404, as for the session itself
        except DomainError as exc:
            _say(request, exc)
        return HttpResponseRedirect(reverse("training:session_detail", args=[session.pk]))
    attendances = list(sel.attendance_for(request.user, session.pk))
    if attendances:
        shown = class_disclosure(request.user, klass, what="session_attendance", count=len(attendances))
        for a in attendances:
            a.shown_name = shown.name(a.enrolment.trainee.name)
            a.id_tail = id_tail(a.enrolment.trainee.id_number)
    q = request.GET.get("q", "").strip()[:30]
    qr = scan_url = ""
    if manages and session.mode == TrainingSession.Mode.OFFLINE:
        scan_url = _scan_url(request, session)
        qr = _qr(scan_url)
    return render(
        request,
        "training/attendance_session.html",
        {
            "session": session,
            "klass": klass,
            "attendances": attendances,
            "manages": manages,
            "q": q,
            "picker": _picker(request.user, session, q) if manages else None,
            "qr": qr,
            "scan_url": scan_url,
            "anomalies": Anomaly.objects.filter(session=session).order_by("-created_at")[:50],
        },
    )


def _picker(user, session: TrainingSession, q: str) -> dict[str, Any]:
    """The first PICKER_LIMIT matches and how many there are (the page asks for more letters)."""
    rows = sel.checkin_candidates(user, session, q)
    return {"items": rows[: sel.PICKER_LIMIT], "count": len(rows)}


def _scan_url(request, session: TrainingSession) -> str:
    return request.build_absolute_uri(reverse("session_checkin", args=[session.qr_token]))


def _qr(url: str, *, scalable: bool = False) -> str:
    return mark_safe(qr_svg(url, title=_("扫码签到"), scalable=scalable))  # noqa: S308 - segno's own SVG of our URL


@require_GET
def checkin_picker(request, pk):
    """The staff check-in picker's results (htmx swaps them in as the name or digits are typed; without
    script the session page's search form renders the same list)."""
    session = sel.session_get_for(request.user, pk)
    q = request.GET.get("q", "").strip()[:30]
    picker = _picker(request.user, session, q)
    return render(request, "training/_attendance_picker.html", {"session": session, "picker": picker, "q": q})


@require_GET
def session_qr(request, pk):
    """The session's QR code full screen, for a projector or to print and put up at the door."""
    session = sel.session_get_for(request.user, pk)
    if not sel.class_managed_by(request.user, session.klass):
        raise PermissionDenied(_("只有本班所属机构可以展示签到二维码"))
    if session.mode != TrainingSession.Mode.OFFLINE:
        raise NotFound(_("线上课次没有签到二维码"))
    url = _scan_url(request, session)
    return render(
        request,
        "training/attendance_qr.html",
        {"session": session, "klass": session.klass, "qr": _qr(url, scalable=True), "scan_url": url},
    )


# --- the trainee's scan (public URL, signed-in trainee) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def session_checkin(request, token):
    """The page the session's QR code opens. Signing in is required (the site's login middleware sends
    anyone else to the login page and back); the trainee confirms with one button."""
    session = (
        TrainingSession.objects.select_related("klass").filter(qr_token=token[:43], mode="offline").first()
    )
    result = error = ""
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(24)
    if session is None:
        error = _("签到二维码无效")
    elif request.method == "POST":
        try:
            attendance, what = svc.attendance_scan(
                actor=request.user, token=token, device=device, ip=request.META.get("REMOTE_ADDR")
            )
        except DomainError as exc:
            error = exc.message
        else:
            if what == "checked_in":
                result = _("签到成功：%(at)s。离开时请再次扫码签退。") % {
                    "at": attendance.check_in_at.astimezone().strftime("%H:%M")
                }
            else:
                result = _("签退成功，本课次计入学时 %(m)s 分钟。") % {"m": attendance.minutes}
    response = render(
        request,
        "training/attendance_checkin.html",
        {
            "session": session,
            "result": result,
            "error": error,
            "is_trainee": hasattr(request.user, "trainee"),
        },
        status=404 if session is None else 200,
    )
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


# --- anomalies -----------------------------------------------------------------------------------------------


def anomaly_list(request):
    qs = sel.anomalies_visible_to(request.user).order_by("-created_at", "-pk")
    f = {k: request.GET.get(k, "") for k in ("status", "kind", "klass")}
    if f["status"] in Anomaly.Status.values:
        qs = qs.filter(status=f["status"])
    if f["kind"] in Anomaly.Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["klass"].isdigit():
        qs = qs.filter(klass_id=int(f["klass"]))
    rows = list(qs[: LIST_LIMIT + 1])
    items = [(a, anomaly_allowed_actions(request.user, a)) for a in rows[:LIST_LIMIT]]
    return render(
        request,
        "training/attendance_anomalies.html",
        {
            "items": items,
            "more": len(rows) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "f": f,
            "statuses": Anomaly.Status.choices,
            "kinds": Anomaly.Kind.choices,
        },
    )


@require_POST
def anomaly_resolve(request, pk):
    anomaly = sel.anomaly_get_for(request.user, pk)
    try:
        anomaly_svc.anomaly_resolve(
            actor=request.user,
            anomaly=anomaly,
            status=request.POST.get("status", ""),
            resolution=request.POST.get("resolution", ""),
        )
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已处理考勤异常"))
    back = request.POST.get("next", "")
    if not back.startswith(reverse("training:anomaly_list")):
        back = reverse("training:anomaly_list")
    return HttpResponseRedirect(back)


urlpatterns = [
    path("classes/<int:pk>/sessions/", class_sessions, name="class_sessions"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/picker/", checkin_picker, name="checkin_picker"),
    path("sessions/<int:pk>/qr/", session_qr, name="session_qr"),
    path("anomalies/", anomaly_list, name="anomaly_list"),
    path("anomalies/<int:pk>/resolve/", anomaly_resolve, name="anomaly_resolve"),
]

public_urlpatterns = [
    path("checkin/<str:token>/", session_checkin, name="session_checkin"),
]

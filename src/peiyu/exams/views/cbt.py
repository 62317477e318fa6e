"""Pages of the computer-based theory exam. The candidate's pages (public, /exam/sit/…, namespace
`exam_public`) work with plain forms — identity check, the paper as one form saved with 保存 and
submitted with 交卷 — and static/exams/cbt.js makes them smooth where scripts run (autosave on change
through the JSON API, the countdown from the server's deadline, leaving the page reported, waiting for
the proctor). The proctor's console, incidents and marking are the signed-in pages of
views/cbt_proctor.py and views/cbt_marking.py, listed here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from peiyu.core.errors import Conflict, DomainError, InvalidInput, NotFound

from ..models import Attempt
from ..selectors.cbt import ACTIVE, attempt_for_page, content_by_id, items_by_position
from ..services import cbt as services
from . import cbt_marking, cbt_proctor


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def set_device_cookie(response: HttpResponse, request: HttpRequest, value: str) -> None:
    response.set_cookie(services.COOKIE, value, **services.cookie_options(request.is_secure()))


def _redirect(name: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"exam_public:{name}"))


@login_not_required
@require_http_methods(["GET", "POST"])
def sit_identify(request: HttpRequest) -> HttpResponse:
    data = {"id_number": "", "ticket_number": ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {k: str(request.POST.get(k, "")).strip() for k in data}
        try:
            started = services.cbt_start(
                id_number=data["id_number"], ticket_number=data["ticket_number"], address=client_address(request),
                cookie=request.COOKIES.get(services.COOKIE),
            )  # fmt: skip
        except DomainError as exc:
            errors = dict(exc.fields or {})
            errors.setdefault("form", [exc.message])
        else:
            response = _redirect("sit_wait" if started.waiting else "sit_paper")
            set_device_cookie(response, request, started.cookie)
            return response
    status = 400 if errors else 200
    return render(request, "exams/cbt_identify.html", {"data": data, "errors": errors}, status=status)


def _attempt_or_redirect(request: HttpRequest) -> Attempt | HttpResponse:
    try:
        return services.attempt_for_device(request.COOKIES.get(services.COOKIE))
    except NotFound:
        return _redirect("sit_identify")
    except Conflict as exc:
        if exc.code in ("resume_pending", "resume_refused"):
            return _redirect("sit_wait")
        raise


def _responses_from_form(request: HttpRequest, attempt: Attempt) -> dict[str, Any]:
    """The plain form's fields `q<position>` (checkboxes of a multiple choice: several values)."""
    index = items_by_position(content_by_id(attempt.paper_id, now=timezone.now()))
    answers: dict[str, Any] = {}
    for position, item in index.items():
        name = f"q{position}"
        if item["type"] == "multiple":
            answers[position] = "".join(request.POST.getlist(name)) or None
        elif name in request.POST:
            answers[position] = request.POST.get(name) or None
    return answers


@login_not_required
@require_http_methods(["GET", "POST"])
def sit_paper(request: HttpRequest) -> HttpResponse:
    found = _attempt_or_redirect(request)
    if isinstance(found, HttpResponse):
        return found
    attempt = found
    if attempt.status not in ACTIVE:
        return _redirect("sit_done")
    error = ""
    if request.method == "POST":
        try:
            attempt = services.answers_save(
                attempt=attempt, revision=int(request.POST.get("revision") or -1),
                answers=_responses_from_form(request, attempt),
            )  # fmt: skip
            if request.POST.get("action") == "submit":
                services.attempt_submit(attempt=attempt)
                return _redirect("sit_done")
            return _redirect("sit_paper")
        except (InvalidInput, Conflict) as exc:
            if getattr(exc, "code", "") in ("deadline_passed", "attempt_finished"):
                return _redirect("sit_done")
            error = exc.message
            attempt = services.attempt_for_device(request.COOKIES.get(services.COOKIE))
    context = attempt_for_page(attempt, now=timezone.now())
    context.update(error=error, registration=attempt.registration, session=attempt.sitting.session)
    return render(request, "exams/cbt_paper.html", context, status=400 if error else 200)


@login_not_required
def sit_wait(request: HttpRequest) -> HttpResponse:
    try:
        services.attempt_for_device(request.COOKIES.get(services.COOKIE))
    except NotFound:
        return _redirect("sit_identify")
    except Conflict as exc:
        refused = exc.code == "resume_refused"
        if exc.code not in ("resume_pending", "resume_refused"):
            raise
        return render(request, "exams/cbt_wait.html", {"refused": refused, "message": exc.message})
    return _redirect("sit_paper")


@login_not_required
def sit_done(request: HttpRequest) -> HttpResponse:
    found = _attempt_or_redirect(request)
    if isinstance(found, HttpResponse):
        return found
    if found.status in ACTIVE:
        return _redirect("sit_paper")
    answered = len(found.answers or {})
    return render(request, "exams/cbt_done.html", {"attempt": found, "answered": answered})


urlpatterns: list[URLPattern] = [*cbt_proctor.urlpatterns, *cbt_marking.urlpatterns]
public_urlpatterns: list[URLPattern] = [
    path("sit/", sit_identify, name="sit_identify"),
    path("sit/paper/", sit_paper, name="sit_paper"),
    path("sit/wait/", sit_wait, name="sit_wait"),
    path("sit/done/", sit_done, name="sit_done"),
]

"""API of the computer-based theory exam (EVL-6, EVL-11), through the same services as the pages.

The candidate's routes are public (auth=None: no platform account in the room) and identify her by the
device cookie the identity check sets (HttpOnly): start, the attempt with her items, autosave, a
leave, submission. They are called by static/exams/cbt.js with the page's CSRF token. The autosave
answers with the new revision only (no template, one statement). The proctor's, the report recipients'
and the examiners' routes authenticate as usual."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from peiyu.core.cleaning_adapters import ReasonStr
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.renderers import local_iso
from peiyu.core.schemas import Id, PathId, body_spec, validated_body

from ..selectors import incidents as incident_sel
from ..selectors import proctor as proctor_sel
from ..selectors.cbt import attempt_for_page, candidate_items_json, content_by_id
from ..services import cbt as services
from ..services import incidents as incident_services
from ..services import proctor as proctor_services
from ..services.cbt_answers import answers_save_for_device

router = Router(tags=["exams"])


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class StartIn(Schema):
    id_number: str
    ticket_number: str


class OptionOut(Schema):
    label: str
    value: str
    text: str


class ItemOut(Schema):
    number: int
    position: int
    type: str
    points: str
    stem: str
    options: list[OptionOut]
    response: str | None = None


class AttemptOut(Schema):
    status: str
    waiting: bool = False
    revision: int = 0
    deadline_at: dt.datetime | None = None
    seconds_left: int = 0
    leaves: int = 0
    items: list[ItemOut] = []


class AnswersIn(Schema):
    revision: int
    answers: dict[str, Any]


class SavedOut(Schema):
    revision: int
    saved_at: dt.datetime


class LeaveIn(Schema):
    kind: Literal["hidden", "blur"] = "hidden"


class LeaveOut(Schema):
    leaves: int


def _attempt_out(attempt: Any, now: dt.datetime) -> dict[str, Any]:
    view = attempt_for_page(attempt, now=now) if attempt.status in ("in_progress", "suspended") else {}
    return {
        "status": attempt.status,
        "revision": attempt.revision,
        "deadline_at": attempt.deadline_at,
        "seconds_left": view.get("seconds_left", 0),
        "leaves": attempt.leaves,
        "items": view.get("items", []),
    }


@router.post(
    "/exams/cbt/start", auth=None, response=AttemptOut, summary="考生身份核验并开始（或继续）作答",
    openapi_extra=body_spec(StartIn),
)  # fmt: skip
def cbt_start(request: HttpRequest) -> HttpResponse:
    """The answer is written here as JSON (the AttemptOut shape, times in Beijing time): 3 000
    candidates start within minutes and each gets a hundred items, so the schema's validation of
    what the selector already shaped is skipped, and a first start's items (no responses yet) are
    joined from the form's JSON fragments (selectors.cbt.candidate_items_json). The body (StartIn) is
    read by core.schemas.validated_body, as the autosave's is."""
    body = validated_body(StartIn, request)
    now = timezone.now()
    started = services.cbt_start(
        id_number=body.id_number, ticket_number=body.ticket_number, address=client_address(request),
        cookie=request.COOKIES.get(services.COOKIE), now=now,
    )  # fmt: skip
    attempt = started.attempt
    items = "[]"
    if started.waiting is not None:
        out: dict[str, Any] = {"status": attempt.status, "waiting": True, "revision": 0, "deadline_at": None,
                               "seconds_left": 0, "leaves": 0}  # fmt: skip
    else:
        active = attempt.status in ("in_progress", "suspended")
        left = (
            max(0, int((attempt.deadline_at - now).total_seconds())) if active and attempt.deadline_at else 0
        )
        out = {"status": attempt.status, "waiting": False, "revision": attempt.revision,
               "deadline_at": local_iso(attempt.deadline_at) if attempt.deadline_at else None,
               "seconds_left": left, "leaves": attempt.leaves}  # fmt: skip
        if active and not attempt.answers:
            items = candidate_items_json(
                attempt.paper_id, content_by_id(attempt.paper_id, now=now), attempt.shuffle_seed
            )
        elif active:
            shown = attempt_for_page(attempt, now=now)["items"]
            for item in shown:
                for option in item["options"]:
                    option.pop("chosen", None)
            items = json.dumps(shown, ensure_ascii=False)
    text = json.dumps(out, ensure_ascii=False)[:-1] + ',"items":' + items + "}"
    response = HttpResponse(text, content_type="application/json")
    response.set_cookie(services.COOKIE, started.cookie, **services.cookie_options(request.is_secure()))
    return response


@router.get("/exams/cbt/attempt", auth=None, response=AttemptOut, summary="本机作答（试题与已保存答案）")
def cbt_attempt(request: HttpRequest) -> dict[str, Any]:
    attempt = services.attempt_for_device(request.COOKIES.get(services.COOKIE))
    return _attempt_out(attempt, timezone.now())


@router.post(
    "/exams/cbt/answers",
    auth=None,
    response=SavedOut,
    summary="自动保存答案",
    openapi_extra=body_spec(AnswersIn),
)
def cbt_answers(request: HttpRequest) -> HttpResponse:
    """One conditional UPDATE, no model read (services.cbt_answers); the attempt is read only to say
    why a save was refused. The body (AnswersIn) is read by core.schemas.validated_body and the answer
    (SavedOut: two fields) written here: every candidate saves every few seconds, and ninja's generic
    parameter and response handling cost more than the save's own work."""
    body = validated_body(AnswersIn, request)
    now = timezone.now()
    revision = answers_save_for_device(
        request.COOKIES.get(services.COOKIE), revision=body.revision, answers=body.answers, now=now
    )
    return HttpResponse(
        json.dumps({"revision": revision, "saved_at": local_iso(now)}), content_type="application/json"
    )


@router.post("/exams/cbt/leaves", auth=None, response=LeaveOut, summary="报告离开考试页面")
def cbt_leave(request: HttpRequest, body: LeaveIn) -> dict[str, Any]:
    attempt = services.attempt_for_device(request.COOKIES.get(services.COOKIE))
    return {"leaves": services.attempt_leave(attempt=attempt, kind=body.kind).leaves}


@router.post("/exams/cbt/submit", auth=None, response=AttemptOut, summary="交卷")
def cbt_submit(request: HttpRequest) -> dict[str, Any]:
    attempt = services.attempt_for_device(request.COOKIES.get(services.COOKIE))
    if attempt.status in ("in_progress", "suspended"):
        attempt = services.attempt_submit(attempt=attempt)
    return _attempt_out(attempt, timezone.now())


# --- the proctor ------------------------------------------------------------------------------------


class CandidateOut(Schema):
    registration_id: int
    seat: str
    ticket_number: str | None
    name: str
    state: str
    attempt_id: int | None = None
    leaves: int = 0
    devices: int = 0
    revision: int = 0
    last_seen_at: dt.datetime | None = None


class DecisionIn(Schema):
    action: Literal["approve", "refuse"]
    note: str = ""


class ResumeOut(Schema):
    id: int
    status: str


class VoidIn(Schema):
    reason: ReasonStr


class IncidentIn(Schema):
    reason: str
    description: str
    registration_id: Id | None = None


class IncidentOut(Schema):
    id: int
    reason: str
    severe: bool
    status: str
    occurred_at: dt.datetime
    report_due_on: dt.date | None
    reports: list[dict[str, Any]]


def _candidate(r: dict[str, Any]) -> dict[str, Any]:
    reg, attempt = r["registration"], r["attempt"]
    return {
        "registration_id": reg.pk,
        "seat": reg.seat,
        "ticket_number": reg.ticket_number,
        "name": r["name"],
        "state": r["state"],
        "attempt_id": attempt.pk if attempt else None,
        "leaves": attempt.leaves if attempt else 0,
        "devices": attempt.devices if attempt else 0,
        "revision": attempt.revision if attempt else 0,
        "last_seen_at": attempt.last_seen_at if attempt else None,
    }


@router.get(
    "/exams/cbt/sittings/{sitting_id}/candidates", response=Page[CandidateOut], summary="监考台：考生作答状态"
)
def proctor_candidates(request: Any, sitting_id: PathId, page: Query[PageQuery]) -> Any:
    sitting = proctor_sel.sitting_watched_by(request.auth, sitting_id)
    rows = proctor_sel.console(request.auth, sitting, now=timezone.now())["rows"]
    return paginate([_candidate(r) for r in rows], page)


@router.post("/exams/cbt/resume-requests/{request_id}/decision", response=ResumeOut, summary="同意或拒绝续考")
def proctor_resume(request: Any, request_id: PathId, body: DecisionIn) -> Any:
    req = proctor_sel.resume_request_get_for(request.auth, request_id)
    return proctor_services.resume_decide(
        actor=request.auth, request=req, approve=body.action == "approve", note=body.note
    )


@router.post("/exams/cbt/attempts/{attempt_id}/void", response=AttemptOut, summary="作废考生本场作答")
def proctor_void(request: Any, attempt_id: PathId, body: VoidIn) -> dict[str, Any]:
    attempt = proctor_sel.attempt_get_for(request.auth, attempt_id)
    return _attempt_out(
        proctor_services.attempt_void(actor=request.auth, attempt=attempt, reason=body.reason), timezone.now()
    )


@router.post(
    "/exams/cbt/sittings/{sitting_id}/incidents", response={201: IncidentOut}, summary="记录考务事件"
)
def incident_record(request: Any, sitting_id: PathId, body: IncidentIn) -> tuple[int, Any]:
    sitting = proctor_sel.sitting_get_for(request.auth, sitting_id)
    registration = None
    if body.registration_id:
        registration = sitting.theory_candidates.filter(pk=body.registration_id).first()
    incident = incident_services.incident_record(
        actor=request.auth,
        sitting=sitting,
        reason=body.reason,
        description=body.description,
        registration=registration,
    )
    return 201, incident


@router.post(
    "/exams/cbt/incidents/{incident_id}/acknowledge", response=IncidentOut, summary="签收考务事件报告"
)
def incident_acknowledge(request: Any, incident_id: PathId) -> Any:
    incident = incident_sel.incident_get_for(request.auth, incident_id)
    return incident_services.incident_acknowledge(actor=request.auth, incident=incident)

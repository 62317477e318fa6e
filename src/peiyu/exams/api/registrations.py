"""API of registration (EVL-8): the same services as the pages. Every lookup goes through the actor's
scoped selectors, so out of scope and missing are both 404; personal data masked by role.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.accounts.masking import personal_view
from peiyu.core.cleaning_adapters import Reason
from peiyu.core.documents.pdf import PDF_CONTENT_TYPE
from peiyu.core.errors import NotFound
from peiyu.core.http import attachment
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..rules.conditions import evaluate_all
from ..selectors import registrations as sel
from ..services import registration_facts as rf
from ..services import registration_import as imports
from ..services import registrations as svc
from ..services.tickets import ticket_pdf

router = Router(tags=["exams-registrations"])


class RegistrationOut(Schema):
    id: int
    session_id: int
    session_number: str
    occupation_name: str
    level: str
    name: str
    id_number: str
    source: str
    route: str
    theory_exempt: bool
    status: str
    status_label: str
    review_reason: str
    ticket_number: str | None
    submitted_at: dt.datetime | None


class RegistrationDetailOut(RegistrationOut):
    facts: dict[str, Any]
    commitment_signed_at: dt.datetime | None
    commitment_digest: str
    route_justification: str
    decision: DecisionOut | None
    route_decision: DecisionOut | None
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作（工作流表与管辖范围）")
    ticket_url: str | None


class RegistrationQuery(PageQuery):
    session_id: Id | None = None
    status: str | None = Field(None, max_length=16)


class StartIn(Schema):
    session_id: Id
    name: str = Field("", max_length=60, description="首次报名（账号尚未关联学员记录）时必填")
    id_number: str = Field("", max_length=30)


class FactsIn(Schema):
    education: str = Field("", max_length=20)
    related_major: bool = False
    years_in_trade: str = Field("", max_length=8)
    apprenticeship: bool = False
    lower_level: str = Field("", max_length=8)
    lower_level_on: str = Field("", max_length=20)
    title: str = Field("", max_length=8)
    degree_major: str = Field("", max_length=200)
    competition: str = Field("", max_length=400)
    competition_document: str = Field("", max_length=200)


class AlternativeOut(Schema):
    number: int
    text: str
    ok: bool
    met: list[str]
    unmet: list[str]


class PreviewOut(Schema):
    holds: bool
    alternatives: list[AlternativeOut]


class SignIn(Schema):
    agree: bool


class ActionIn(Schema):
    action: str = Field(..., max_length=16, description="submit | withdraw | approve | return | reject")
    reason: str = Field("", max_length=2000)


class RouteIn(Schema):
    route: str = Field(..., max_length=24)
    justification: Annotated[str, Reason("路径依据说明", max_length=2000)]


class ForwardIn(Schema):
    session_id: Id
    certificate_id: Id
    facts: FactsIn
    commitment_collected: bool


class ApprovedOut(Schema):
    approved: int
    ticket_numbers: list[str]


class ImportOut(Schema):
    id: int
    status: str
    rows: int
    created: int
    errors: list[dict[str, Any]]


def _facts(body: FactsIn) -> dict[str, Any]:
    data = body.dict()
    for key in ("related_major", "apprenticeship"):
        data[key] = "yes" if data[key] else ""
    return data


def _row(r: Any, shown: Any) -> dict[str, Any]:
    return {
        "id": r.pk, "session_id": r.session_id, "session_number": r.session.number,
        "occupation_name": r.session.occupation_name, "level": r.session.level, "name": shown.name(r.person.name),
        "id_number": shown.id_number(r.person.id_number), "source": r.source, "route": r.route,
        "theory_exempt": r.theory_exempt, "status": r.status, "status_label": r.get_status_display(),
        "review_reason": r.review_reason, "ticket_number": r.ticket_number, "submitted_at": r.submitted_at,
    }  # fmt: skip


def _shown(request: Any, r: Any) -> Any:
    if sel.is_own(request.auth, r):
        from peiyu.accounts.masking import OWN

        return OWN
    s = r.session
    return personal_view(
        request.auth, r, what="exam_registration_api", region_code=s.region_code, org_id=s.institution_id
    )


def _detail(request: Any, r: Any) -> dict[str, Any]:
    url = None
    if r.ticket_number:
        url = request.build_absolute_uri(reverse("exam_public:ticket_download", args=[r.pk]))
    return {
        **_row(r, _shown(request, r)), "facts": r.facts or {}, "commitment_signed_at": r.commitment_signed_at,
        "commitment_digest": r.commitment_digest, "route_justification": r.route_justification,
        "decision": decision_out(r.decision) if r.decision else None,
        "route_decision": decision_out(r.route_decision) if r.route_decision else None,
        "allowed_actions": sel.registration_allowed_actions(request.auth, r), "ticket_url": url,
    }  # fmt: skip


@router.get("/exams/registrations", response=Page[RegistrationOut], summary="报名列表（按管辖范围）")
def registrations_list(request: Any, filters: Query[RegistrationQuery]) -> Any:
    qs = sel.registrations_visible_to(request.auth).order_by("-created_at", "-pk")
    if filters.session_id:
        qs = qs.filter(session_id=filters.session_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = paginate(qs, filters)
    rows = page["items"]
    return {"items": [_row(r, _shown(request, r)) for r in rows], "count": page["count"]}


# before "/exams/registrations/{registration_id}": the first path that matches answers, and that one
# would take "forward" for an id (and refuse the POST)
@router.post("/exams/registrations/forward", response={201: RegistrationDetailOut},
             summary="培训机构推送持证学员报名（数字技术工程师，003 四（四））")  # fmt: skip
def registration_forward(request: Any, body: ForwardIn) -> Any:
    session = sel.dte_sessions_open().filter(pk=body.session_id).first()
    if session is None:
        raise NotFound("考核批次不存在或未在报名")
    reg = imports.registration_forward(actor=request.auth, session=session, certificate_id=body.certificate_id,
                                       facts=_facts(body.facts), commitment_collected=body.commitment_collected)  # fmt: skip
    return 201, _detail(request, sel.registration_get_for(request.auth, reg.pk))


@router.get("/exams/registrations/{registration_id}", response=RegistrationDetailOut, summary="报名详情")
def registration_get(request: Any, registration_id: PathId) -> Any:
    return _detail(request, sel.registration_get_for(request.auth, registration_id))


@router.post("/exams/registrations", response={201: RegistrationDetailOut}, summary="考生本人报名（EVL-8）")
def registration_start(request: Any, body: StartIn) -> Any:
    session = sel.open_session_get(body.session_id)
    reg = svc.registration_start(actor=request.auth, session=session,
                                 person={"name": body.name, "id_number": body.id_number})  # fmt: skip
    return 201, _detail(request, sel.registration_get_for(request.auth, reg.pk))


@router.put(
    "/exams/registrations/{registration_id}/facts", response=RegistrationDetailOut, summary="填写申报信息"
)
def registration_facts(request: Any, registration_id: PathId, body: FactsIn) -> Any:
    reg = sel.registration_get_for(request.auth, registration_id)
    svc.registration_state_facts(actor=request.auth, registration=reg, data=_facts(body))
    return _detail(request, sel.registration_get_for(request.auth, registration_id))


@router.post(
    "/exams/registrations/{registration_id}/preview",
    response=PreviewOut,
    summary="按申报条件逐条核对（不保存）",
)
def registration_preview(request: Any, registration_id: PathId, body: FactsIn) -> Any:
    reg = sel.registration_get_for(request.auth, registration_id)
    if not sel.is_own(request.auth, reg):
        raise NotFound()
    s = reg.session
    facts = rf.clean_facts(_facts(body), programme=s.programme, today=timezone.localdate())
    facts["training_certificate"] = bool(reg.training_certificate_number)
    results = evaluate_all(sel.alternatives_for(s.programme, s.occupation_code, s.level), facts,
                           programme=s.programme, on=timezone.localdate())  # fmt: skip
    return {"holds": any(r.ok for r in results), "alternatives": [r.as_dict() for r in results]}


@router.post(
    "/exams/registrations/{registration_id}/sign", response=RegistrationDetailOut, summary="签署告知承诺书"
)
def registration_sign(request: Any, registration_id: PathId, body: SignIn) -> Any:
    reg = sel.registration_get_for(request.auth, registration_id)
    svc.registration_sign(actor=request.auth, registration=reg, agreed=body.agree)
    return _detail(request, sel.registration_get_for(request.auth, registration_id))


def _submit(actor: Any, reg: Any, _reason: str) -> Any:
    return svc.registration_submit(actor=actor, registration=reg)


def _withdraw(actor: Any, reg: Any, reason: str) -> Any:
    return svc.registration_withdraw(actor=actor, registration=reg, reason=reason)


def _review(action: str) -> Any:
    return lambda actor, reg, reason: svc.registration_review(
        actor=actor, registration=reg, action=action, reason=reason
    )


ACTIONS = {"submit": _submit, "withdraw": _withdraw, "approve": _review("approve"), "return": _review("return"),
           "reject": _review("reject")}  # fmt: skip


@router.post("/exams/registrations/{registration_id}/actions", response=RegistrationDetailOut,
             summary="提交、撤回、审核通过、退回补正、审核不通过")  # fmt: skip
def registration_action(request: Any, registration_id: PathId, body: ActionIn) -> Any:
    from peiyu.core.actions import dispatch

    reg = sel.registration_get_for(request.auth, registration_id)
    dispatch(ACTIONS, body.action, request.auth, reg, body.reason)
    return _detail(request, sel.registration_get_for(request.auth, registration_id))


@router.post("/exams/registrations/{registration_id}/route", response=RegistrationDetailOut,
             summary="选定第二十三条申报路径（EVL-8）")  # fmt: skip
def registration_route(request: Any, registration_id: PathId, body: RouteIn) -> Any:
    reg = sel.registration_get_for(request.auth, registration_id)
    svc.registration_choose_route(
        actor=request.auth, registration=reg, route=body.route, justification=body.justification
    )
    return _detail(request, sel.registration_get_for(request.auth, registration_id))


@router.post("/exams/sessions/{exam_session_id}/registrations/approve-passing", response=ApprovedOut,
             summary="批量审核通过资格核对全部通过的报名")  # fmt: skip
def approve_passing(request: Any, exam_session_id: PathId) -> Any:
    session = sel.managed_session_get(request.auth, exam_session_id)
    rows = svc.registrations_approve_passing(actor=request.auth, session=session)
    return {"approved": len(rows), "ticket_numbers": [r.ticket_number or "" for r in rows]}


@router.post("/exams/sessions/{exam_session_id}/registrations/import", response=ImportOut,
             summary="用人单位集体报名本单位用工人员（ACT-6）")  # fmt: skip
def bulk_import(request: Any, exam_session_id: PathId, file: File[UploadedFile]) -> Any:
    session = sel.managed_session_get(request.auth, exam_session_id)
    imp = imports.bulk_register(
        actor=request.auth, session=session, file_bytes=file.read(), filename=file.name or ""
    )
    return {
        "id": imp.pk,
        "status": imp.status,
        "rows": imp.rows,
        "created": imp.created,
        "errors": imp.errors,
    }


@router.get("/exams/registrations/{registration_id}/ticket", summary="下载准考证（PDF）",
            response={200: None})  # fmt: skip
def ticket_download(request: Any, registration_id: PathId) -> HttpResponse:
    reg = sel.registration_get_for(request.auth, registration_id)
    if not (sel.is_own(request.auth, reg) or sel.manages(request.auth, reg.session)):
        raise NotFound()
    url = request.build_absolute_uri(reverse("exam_public:ticket_verify", args=[reg.ticket_token or "-"]))
    content = ticket_pdf(reg, verify_url=url, actor=request.auth)
    return attachment(
        content, f"准考证-{reg.ticket_number}.pdf", PDF_CONTENT_TYPE, f"ticket-{reg.ticket_number}.pdf"
    )

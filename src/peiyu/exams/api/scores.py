"""Results, the score notice, objections and the passing list over the API (EVL-5, EVL-7, SEC-2), through
the same services and selectors as the pages.

Signed in: a session's results (institution its own, bureau its region; names masked by role), its
score steps (publish_notice, remark, finalise), its passing list; objections to decide and re-mark; the
candidate's own released scores. Public (auth=None): running notices with masked rows, filing an
objection (answer: a tracking number) and following it with the tracking number and the phone (in the
body, never in the address).

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.actions import dispatch
from peiyu.core.cleaning_adapters import Text
from peiyu.core.middleware import client_ip
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import ScoreNotice, ScoreObjection
from ..selectors import scores as selectors
from ..services import notices as services
from ..services import objections as objection_services

router = Router(tags=["考核成绩与公示"])


class ResultOut(Schema):
    registration: int
    ticket_number: str
    name: str = Field(description="姓名（按角色脱敏）")
    id_number: str = Field(description="身份证号（按角色脱敏）")
    theory: Decimal | None
    theory_exempt: bool = Field(description="免考理论知识")
    practical: Decimal | None
    review: Decimal | None
    result: str = Field(description="passed 合格、failed 不合格、absent 缺考、voided 成绩无效、空：未出成绩")
    result_label: str
    corrected: bool = Field(description="经复核更正")


class NoticeOut(Schema):
    number: str
    session: str
    title: str
    institution: str
    status: str
    status_label: str
    starts_on: dt.date = Field(description="发布日期（公示期起）")
    ends_on: dt.date = Field(description="公示期最后一日")
    working_days: int
    counts_publication_day: bool
    period: str = Field(description="公示期：起止日期、工作日数和起算方式")


class SessionResultsOut(Schema):
    session: int
    number: str
    title: str
    status: str
    status_label: str
    allowed_actions: list[str]
    notice: NoticeOut | None
    results: list[ResultOut]


class ResultsQuery(Schema):
    result: str = Field("", description="passed、failed、absent、voided、pending")
    q: Annotated[str, Text(32)] = Field("", description="准考证号（部分）")


class ScoreActionIn(Schema):
    action: str = Field(
        description="publish_notice 发布成绩公示、remark 撤回公示退回复核、finalise 公示期满生成证书数据"
    )
    reason: Annotated[str, Text(1000)] = ""
    body: Annotated[str, Text(2000)] = ""


class SessionStateOut(Schema):
    session: int
    status: str
    status_label: str
    allowed_actions: list[str]


class PublicRowOut(Schema):
    registration: int
    name: str = Field(description="姓名（脱敏）")
    ticket: str = Field(description="准考证号（脱敏）")
    theory: Decimal | None
    theory_exempt: bool
    practical: Decimal | None
    review: Decimal | None
    result_label: str
    corrected: bool


class NoticeDetailOut(NoticeOut):
    accepts_objections: bool
    rows: list[PublicRowOut]


class ObjectionIn(Schema):
    registration: Id
    name: str = Field(description="提出人姓名")
    phone: str = Field(description="手机号码（查询处理结果时使用）")
    content: str = Field(description="异议事实和理由")


class ObjectionCreatedOut(Schema):
    tracking_number: str
    notice: str
    due_on: dt.date | None


class TrackIn(Schema):
    tracking_number: Annotated[str, Text(32)]
    phone: Annotated[str, Text(20)]


class TrackOut(Schema):
    tracking_number: str
    status: str
    status_label: str
    resolution: str


class ObjectionOut(Schema):
    id: int
    tracking_number: str
    notice: str
    session: int
    registration: int | None
    ticket_number: str | None
    submitter_name: str
    content: str
    status: str
    status_label: str
    due_on: dt.date | None
    resolution: str
    allowed_actions: list[str]


class ObjectionQuery(PageQuery):
    status: str = Field("", description="open、accepted、dismissed、resolved")


class ObjectionActionIn(Schema):
    action: str = Field(description="accept 受理复核、dismiss 不予支持")
    reason: Annotated[str, Text(1000)] = ""


class RemarkIn(Schema):
    part: str = Field(description="theory、practical、review")
    score: str = Field(description="复核成绩（百分制，最多一位小数）")
    note: Annotated[str, Text(1000)] = ""


class RemarkOut(Schema):
    id: int
    registration: int
    part: str
    before: Decimal | None
    after: Decimal | None
    result_before: str
    result_after: str
    decision: DecisionOut


class PassingListOut(Schema):
    session: int
    notice: str
    count: int
    digest: str = Field(description="名单 SM3 摘要")
    exam_on: dt.date = Field(description="考核日期（最后一科）")
    created_at: dt.datetime
    rows: list[dict[str, Any]]
    decision: DecisionOut


class MyScoreOut(Schema):
    registration: int
    session: str
    title: str
    institution: str
    ticket_number: str | None
    theory: Decimal | None
    theory_exempt: bool
    practical: Decimal | None
    review: Decimal | None
    result: str
    result_label: str
    released_at: dt.datetime | None
    under_review: bool


def _notice_out(n: ScoreNotice) -> dict[str, Any]:
    return {
        "number": n.number,
        "session": n.session.number,
        "title": n.session.title,
        "institution": n.session.institution.name,
        "status": n.status,
        "status_label": str(n.get_status_display()),
        "starts_on": n.starts_on,
        "ends_on": n.ends_on,
        "working_days": n.working_days,
        "counts_publication_day": n.counts_publication_day,
        "period": services.notice_period_text(n),
    }


def _objection_out(request: Any, o: ScoreObjection) -> dict[str, Any]:
    return {
        "id": o.pk,
        "tracking_number": o.tracking_number,
        "notice": o.notice.number,
        "session": o.notice.session_id,
        "registration": o.registration_id,
        "ticket_number": o.registration.ticket_number if o.registration else None,
        "submitter_name": o.submitter_name,
        "content": o.content,
        "status": o.status,
        "status_label": str(o.get_status_display()),
        "due_on": o.due_on,
        "resolution": o.resolution,
        "allowed_actions": selectors.objection_allowed_actions(request.user, o),
    }


@router.get("/exams/scores/sessions/{exam_session_id}", response=SessionResultsOut, summary="考核批次成绩")
def session_results(request: Any, exam_session_id: PathId, q: Query[ResultsQuery]) -> dict[str, Any]:
    session = selectors.result_session_get_for(request.user, exam_session_id)
    notice = selectors.current_notice(session)
    rows = selectors.result_rows(request.user, session, result=q.result, q=q.q)
    return {
        "session": session.pk,
        "number": session.number,
        "title": session.title,
        "status": session.status,
        "status_label": str(session.get_status_display()),
        "allowed_actions": selectors.score_allowed_actions(request.user, session),
        "notice": _notice_out(notice) if notice else None,
        "results": [
            {
                "registration": r.registration.pk,
                "ticket_number": r.ticket,
                "name": r.name,
                "id_number": r.id_number,
                "theory": r.registration.theory_score,
                "theory_exempt": r.registration.theory_exempt,
                "practical": r.registration.practical_score,
                "review": r.registration.review_score,
                "result": r.registration.result,
                "result_label": str(r.registration.get_result_display()) if r.registration.result else "",
                "corrected": r.corrected,
            }
            for r in rows
        ],
    }


@router.post(
    "/exams/scores/sessions/{exam_session_id}/actions",
    response=SessionStateOut,
    summary="成绩公示环节：发布公示、撤回退回复核、公示期满生成证书数据",
)
def session_act(request: Any, exam_session_id: PathId, payload: ScoreActionIn) -> dict[str, Any]:
    session = selectors.result_session_get_for(request.user, exam_session_id)
    dispatch(
        services.SCORE_SESSION_ACTIONS,
        payload.action,
        actor=request.user,
        session=session,
        reason=payload.reason,
        body=payload.body,
    )
    session.refresh_from_db()
    return {
        "session": session.pk,
        "status": session.status,
        "status_label": str(session.get_status_display()),
        "allowed_actions": selectors.score_allowed_actions(request.user, session),
    }


@router.get(
    "/exams/scores/sessions/{exam_session_id}/passing-list",
    response=PassingListOut,
    summary="合格名单（证书数据，公示期满后生成）",
)
def passing_list(request: Any, exam_session_id: PathId) -> dict[str, Any]:
    plist = selectors.passing_list_visible_to(request.user, exam_session_id)
    return {
        "session": plist.session_id,
        "notice": plist.notice.number,
        "count": plist.count,
        "digest": plist.digest,
        "exam_on": plist.exam_on,
        "created_at": plist.created_at,
        "rows": plist.rows,
        "decision": decision_out(plist.decision),
    }


@router.get("/exams/scores/objections", response=Page[ObjectionOut], summary="成绩异议")
def objection_list(request: Any, q: Query[ObjectionQuery]) -> Any:
    qs = selectors.objections_visible_to(request.user)
    if q.status in ScoreObjection.Status.values:
        qs = qs.filter(status=q.status)
    return paginate(qs, q, lambda o: _objection_out(request, o))


@router.post("/exams/scores/objections/{score_objection_id}/actions", response=ObjectionOut, summary="处理成绩异议")  # fmt: skip
def objection_act(request: Any, score_objection_id: PathId, payload: ObjectionActionIn) -> dict[str, Any]:
    obj = selectors.objection_get_for(request.user, score_objection_id)
    dispatch(
        objection_services.OBJECTION_ACTIONS,
        payload.action,
        actor=request.user,
        objection=obj,
        reason=payload.reason,
    )
    obj.refresh_from_db()
    return _objection_out(request, obj)


@router.post(
    "/exams/scores/objections/{score_objection_id}/remarks",
    response={201: RemarkOut},
    summary="录入复核成绩（已受理复核的异议）",
)
def objection_remark(request: Any, score_objection_id: PathId, payload: RemarkIn) -> Any:
    obj = selectors.objection_get_for(request.user, score_objection_id)
    m = objection_services.objection_remark(
        actor=request.user, objection=obj, part=payload.part, score=payload.score, note=payload.note
    )
    return Status(
        201,
        {
            "id": m.pk,
            "registration": m.registration_id,
            "part": m.part,
            "before": m.before,
            "after": m.after,
            "result_before": m.result_before,
            "result_after": m.result_after,
            "decision": decision_out(m.decision),
        },
    )


def _my_score_out(r: Any) -> dict[str, Any]:
    return {
        "registration": r.pk,
        "session": r.session.number,
        "title": r.session.title,
        "institution": r.session.institution.name,
        "ticket_number": r.ticket_number,
        "theory": r.theory_score,
        "theory_exempt": r.theory_exempt,
        "practical": r.practical_score,
        "review": r.review_score,
        "result": r.result,
        "result_label": str(r.get_result_display()),
        "released_at": r.released_at,
        "under_review": r.session.status == r.session.Status.GRADING,
    }


@router.get("/exams/scores/mine", response=Page[MyScoreOut], summary="我的考核成绩")
def my_scores(request: Any, q: Query[PageQuery]) -> Any:
    return paginate(selectors.my_results(request.user), q, _my_score_out)


# --- public --------------------------------------------------------------------------------------------


@router.get("/exams/score-notices", auth=None, response=Page[NoticeOut], summary="成绩公示（公示中）")
def notice_list(request: Any, q: Query[PageQuery]) -> Any:
    return paginate(selectors.notices_public(), q, _notice_out)


@router.get(
    "/exams/score-notices/{number}", auth=None, response=NoticeDetailOut, summary="成绩公示详情（姓名脱敏）"
)
def notice_detail(request: Any, number: str) -> dict[str, Any]:
    notice = selectors.notice_get_public(number)
    rows = selectors.public_rows(notice)
    return {
        **_notice_out(notice),
        "accepts_objections": selectors.accepts_objections(notice),
        "rows": [
            {
                "registration": r.registration_id,
                "name": r.name,
                "ticket": r.ticket,
                "theory": r.theory,
                "theory_exempt": r.theory_exempt,
                "practical": r.practical,
                "review": r.review,
                "result_label": r.result_label,
                "corrected": r.corrected,
            }
            for r in rows
        ],
    }


@router.post(
    "/exams/score-notices/{number}/objections",
    auth=None,
    response={201: ObjectionCreatedOut},
    summary="对成绩公示提出异议（公示期内，无需登录），返回受理编号",
)
def objection_create(request: Any, number: str, payload: ObjectionIn) -> Any:
    notice = selectors.notice_get_public(number)
    obj = objection_services.objection_submit(
        notice=notice,
        registration_id=payload.registration,
        name=payload.name,
        phone=payload.phone,
        content=payload.content,
        address=client_ip(request),
    )
    return Status(
        201, {"tracking_number": obj.tracking_number, "notice": notice.number, "due_on": obj.due_on}
    )


@router.post(
    "/exams/score-objections/track",
    auth=None,
    response=TrackOut,
    summary="查询成绩异议处理结果（受理编号＋手机号码，放在请求体中）",
)
def objection_track(request: Any, payload: TrackIn) -> dict[str, Any]:
    obj = objection_services.objection_lookup(tracking_number=payload.tracking_number, phone=payload.phone)
    return {
        "tracking_number": obj.tracking_number,
        "status": obj.status,
        "status_label": str(obj.get_status_display()),
        "resolution": obj.resolution if obj.status != ScoreObjection.Status.OPEN else "",
    }

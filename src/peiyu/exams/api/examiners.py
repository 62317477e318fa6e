"""API of examiners, panels, scoring, results and quality supervision (EVL-3, EVL-6, EVL-7): the same
services and scoped selectors as the pages. Out of scope and missing are both 404; a draw the pool cannot
satisfy is a 400 citing EVL-6 with the shortfalls in `details`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.accounts.masking import Disclosure
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import Examiner, Panel
from ..selectors import examiners as ex_sel
from ..selectors import panels as panel_sel
from ..selectors import supervision as sup_sel
from ..services import examiners as ex_svc
from ..services import panels as panel_svc
from ..services import practical
from ..services import results as results_svc
from ..services import supervision as sup_svc

router = Router(tags=["exams"])


def _auth(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


class ExaminerOut(Schema):
    id: int
    name: str
    institution_id: int
    institution_name: str
    id_number: str = Field(description="身份证号码（按角色脱敏）")
    phone: str = Field(description="手机号码（按角色脱敏）")
    employer_name: str
    occupations: list[str] = Field(description="考评职业（工种）编码")
    licence_number: str
    licence_level: str
    licence_valid_until: dt.date
    is_active: bool
    disabled_reason: str


class ExaminerIn(Schema):
    name: str | None = Field(None, max_length=64)
    id_number: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=32)
    employer_name: str | None = Field(None, max_length=200)
    occupations: str | list[str] | None = None
    licence_number: str | None = Field(None, max_length=64)
    licence_level: str | None = Field(None, max_length=16)
    licence_valid_until: str | None = Field(None, max_length=32)
    username: str | None = Field(None, max_length=150)


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)


class RelationIn(Schema):
    kind: str = Field(description="employed 任职、teaches 授课、personal 亲属或其他利害关系", max_length=16)
    org_name: str = Field("", max_length=200)
    person_name: str = Field("", max_length=64)
    person_id_number: str = Field("", max_length=32)
    note: str = Field("", max_length=200)


class RelationOut(Schema):
    id: int
    kind: str
    org_name: str
    person_name: str
    ended_on: dt.date | None


def _examiner_out(e: Examiner, shown: Disclosure) -> dict[str, Any]:
    return {
        "id": e.pk, "name": e.name, "institution_id": e.institution_id, "institution_name": e.institution.name,
        "id_number": shown.id_number(e.id_number), "phone": shown.phone(e.phone), "employer_name": e.employer_name,
        "occupations": list(e.occupations or []), "licence_number": e.licence_number,
        "licence_level": e.licence_level, "licence_valid_until": e.licence_valid_until, "is_active": e.is_active,
        "disabled_reason": e.disabled_reason,
    }  # fmt: skip


def _one(actor: Any, e: Examiner) -> dict[str, Any]:
    return _examiner_out(e, ex_sel.disclosure(actor, e, what="考评员档案（接口）"))


@router.get("/exams/examiners", response=Page[ExaminerOut], summary="考评员名册（本机构或本辖区）")
def examiner_list(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    from peiyu.accounts.masking import MASKED

    qs = ex_sel.examiners_visible_to(_auth(request)).order_by("name", "id")
    return paginate(qs, filters, lambda e: _examiner_out(e, MASKED))


@router.post("/exams/examiners", response={201: ExaminerOut}, summary="登记考评员")
def examiner_create(request: HttpRequest, payload: ExaminerIn) -> Any:
    actor = _auth(request)
    e = ex_svc.examiner_create(actor=actor, **payload.dict(exclude_none=True))
    return 201, _one(actor, e)


@router.get("/exams/examiners/{examiner_id}", response=ExaminerOut, summary="考评员档案")
def examiner_get(request: HttpRequest, examiner_id: PathId) -> Any:
    actor = _auth(request)
    return _one(actor, ex_sel.examiner_get_for(actor, examiner_id))


@router.patch(
    "/exams/examiners/{examiner_id}", response=ExaminerOut, summary="修改考评员信息（只改给出的字段）"
)
def examiner_update(request: HttpRequest, examiner_id: PathId, payload: ExaminerIn) -> Any:
    actor = _auth(request)
    e = ex_svc.examiner_update(actor=actor, examiner=ex_sel.examiner_get_for(actor, examiner_id),
                               data=payload.dict(exclude_none=True))  # fmt: skip
    return _one(actor, e)


@router.post("/exams/examiners/{examiner_id}/disable", response=ExaminerOut, summary="停用考评员")
def examiner_disable(request: HttpRequest, examiner_id: PathId, payload: ReasonIn) -> Any:
    actor = _auth(request)
    e = ex_svc.examiner_disable(
        actor=actor, examiner=ex_sel.examiner_get_for(actor, examiner_id), reason=payload.reason
    )
    return _one(actor, e)


@router.post("/exams/examiners/{examiner_id}/relations", response={201: RelationOut}, summary="申报回避关系")
def examiner_relation(request: HttpRequest, examiner_id: PathId, payload: RelationIn) -> Any:
    actor = _auth(request)
    r = ex_svc.examiner_relation_declare(actor=actor, examiner=ex_sel.examiner_get_for(actor, examiner_id),
                                         **payload.dict())  # fmt: skip
    return 201, {
        "id": r.pk,
        "kind": r.kind,
        "org_name": r.org_name,
        "person_name": r.person_name,
        "ended_on": r.ended_on,
    }


class MemberOut(Schema):
    examiner_id: int
    name: str
    role: str = Field(description="leader 考评组长、member 考评员")


class PanelOut(Schema):
    id: int
    session_id: int
    kind: str = Field(description="practical 技能操作考评组、review 综合评审组、marking 主观题阅卷组")
    seed: str
    drawn_at: dt.datetime
    is_current: bool
    members: list[MemberOut]
    confirmed: bool
    decision: DecisionOut


class DrawIn(Schema):
    kind: str = Field(max_length=16)
    size: int | None = Field(None, ge=1, le=99)
    seed: str | None = Field(None, max_length=64)
    leader_examiner_id: Id | None = None


class RedrawIn(DrawIn):
    reason: str = Field(max_length=300)
    kind: str = Field("", max_length=16)


def _panel_out(p: Panel) -> dict[str, Any]:
    members = p.members.select_related("examiner").order_by("role", "id")
    return {
        "id": p.pk, "session_id": p.session_id, "kind": p.kind, "seed": p.seed, "drawn_at": p.drawn_at,
        "is_current": p.is_current, "confirmed": hasattr(p, "confirmation") and p.confirmation is not None,
        "members": [{"examiner_id": m.examiner_id, "name": m.examiner.name, "role": m.role} for m in members],
        "decision": decision_out(p.decision),
    }  # fmt: skip


@router.post(
    "/exams/sessions/{exam_session_id}/panels", response={201: PanelOut}, summary="随机抽取考评组（EVL-6）"
)
def panel_draw(request: HttpRequest, exam_session_id: PathId, payload: DrawIn) -> Any:
    actor = _auth(request)
    session = panel_sel.session_for_panels(actor, exam_session_id)
    p = panel_svc.panel_draw(actor=actor, session=session, kind=payload.kind, size=payload.size, seed=payload.seed,
                             leader_id=payload.leader_examiner_id)  # fmt: skip
    return 201, _panel_out(p)


@router.get("/exams/panels/{exam_panel_id}", response=PanelOut, summary="考评组")
def panel_get(request: HttpRequest, exam_panel_id: PathId) -> Any:
    return _panel_out(panel_sel.panel_get_for(_auth(request), exam_panel_id))


@router.post(
    "/exams/panels/{exam_panel_id}/redraw",
    response={201: PanelOut},
    summary="重新抽取考评组（原组保留在历史中）",
)
def panel_redraw(request: HttpRequest, exam_panel_id: PathId, payload: RedrawIn) -> Any:
    actor = _auth(request)
    p = panel_svc.panel_redraw(actor=actor, panel=panel_sel.panel_get_for(actor, exam_panel_id), reason=payload.reason,
                               size=payload.size, seed=payload.seed, leader_id=payload.leader_examiner_id)  # fmt: skip
    return 201, _panel_out(p)


class ScoreIn(Schema):
    registration_id: Id
    marks: dict[str, str] = Field(description="评分细则编号 → 得分")
    comment: str = Field("", max_length=300)


class ScoreOut(Schema):
    id: int
    registration_id: int
    part: str
    score: Decimal = Field(description="本考评员百分制得分")


@router.post("/exams/panels/{exam_panel_id}/scores", response=ScoreOut, summary="考评员评分（本组成员）")
def score_enter(request: HttpRequest, exam_panel_id: PathId, payload: ScoreIn) -> Any:
    actor = _auth(request)
    panel = panel_sel.panel_get_for(actor, exam_panel_id)
    practical.require_member(actor, panel)
    reg = panel_sel.session_candidates(panel.session).filter(pk=payload.registration_id).first()
    if reg is None:
        from peiyu.core.errors import NotFound

        raise NotFound()
    e = practical.score_enter(
        actor=actor, panel=panel, registration=reg, marks=payload.marks, comment=payload.comment
    )
    return {"id": e.pk, "registration_id": e.registration_id, "part": e.part, "score": e.score}


class ConfirmIn(Schema):
    note: str = Field("", max_length=300)


@router.post("/exams/panels/{exam_panel_id}/confirm", response=DecisionOut, summary="考评组长确认本组成绩")
def panel_confirm(request: HttpRequest, exam_panel_id: PathId, payload: ConfirmIn) -> Any:
    actor = _auth(request)
    c = practical.panel_confirm(
        actor=actor, panel=panel_sel.panel_get_for(actor, exam_panel_id), note=payload.note
    )
    return decision_out(c.decision)


class ResultsOut(Schema):
    passed: int
    failed: int
    absent: int
    voided: int
    changed: int


@router.post(
    "/exams/sessions/{exam_session_id}/results", response=ResultsOut, summary="计算考生结果（EVL-7，可重复）"
)
def results_compute(request: HttpRequest, exam_session_id: PathId) -> Any:
    actor = _auth(request)
    return results_svc.results_compute(
        actor=actor, session=panel_sel.session_for_panels(actor, exam_session_id)
    )


class AssignIn(Schema):
    supervisor_id: Id


class AssignmentOut(Schema):
    id: int
    sitting_id: int
    supervisor_id: int
    kind: str
    checked_in_at: dt.datetime | None
    reported_at: dt.datetime | None


def _assignment_out(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "sitting_id": a.sitting_id, "supervisor_id": a.supervisor_id, "kind": a.supervisor.kind,
            "checked_in_at": a.checked_in_at, "reported_at": a.reported_at}  # fmt: skip


@router.post(
    "/exams/sittings/{sitting_id}/supervisors", response={201: AssignmentOut}, summary="安排质量督导员"
)
def supervision_assign(request: HttpRequest, sitting_id: PathId, payload: AssignIn) -> Any:
    actor = _auth(request)
    sitting = sup_sel.sitting_get_for(actor, sitting_id)
    a = sup_svc.supervision_assign(actor=actor, sitting=sitting,
                                   supervisor=sup_sel.supervisor_get_for(actor, payload.supervisor_id))  # fmt: skip
    return 201, _assignment_out(a)


@router.post("/exams/supervision/{supervision_id}/check-in", response=AssignmentOut, summary="督导员到岗签到")
def supervision_check_in(request: HttpRequest, supervision_id: PathId) -> Any:
    actor = _auth(request)
    a = sup_svc.supervision_check_in(actor=actor, assignment=sup_sel.own_assignment(actor, supervision_id))
    return _assignment_out(a)


class ReportIn(Schema):
    report: str = Field(max_length=4000)


@router.post("/exams/supervision/{supervision_id}/report", response=AssignmentOut, summary="提交督导记录")
def supervision_report(request: HttpRequest, supervision_id: PathId, payload: ReportIn) -> Any:
    actor = _auth(request)
    a = sup_svc.supervision_report(actor=actor, assignment=sup_sel.own_assignment(actor, supervision_id),
                                   report=payload.report)  # fmt: skip
    return _assignment_out(a)

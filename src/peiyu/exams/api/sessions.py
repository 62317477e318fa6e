"""API of exam sessions (EVL-5) and their sittings: the same services and scoped selectors as the pages.
A session out of the caller's scope and a missing one are both 404; a refused creation or step is a 400
with the rule ids and the failed checks (`details.checks`, `details.decision`); a move the status does
not allow is a 409. Public (auth=None): the announcements of announced sessions.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.accounts.models import Org
from peiyu.core.cleaning_adapters import Text
from peiyu.core.errors import InvalidInput, NotFound
from peiyu.core.lookups import filter_given
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import EvaluationSession, Sitting
from ..selectors import sessions as sel
from ..selectors.actions import session_allowed_actions, sitting_allowed_actions
from ..services import sessions as svc
from ..services import sessions_steps as steps
from ..services import sittings as sit

router = Router(tags=["exams"])

STATUS_PATTERN = (
    r"^(draft|announced|registration|eligibility|rooms|papers|exam|grading|notice|certificates|cancelled)?$"
)


class StepOut(Schema):
    key: str
    label: str
    done: bool
    current: bool


class SessionOut(Schema):
    id: int
    number: str = Field(description="批次编号")
    title: str
    status: str = Field(description="draft 筹备中 … certificates 证书数据已生成、cancelled 已取消（EVL-5）")
    status_label: str
    institution_id: int
    institution_name: str
    programme: str
    occupation_code: str
    occupation_name: str
    level: str
    region_code: str
    site_name: str
    capacity: int
    registration_opens_on: dt.date
    registration_closes_on: dt.date
    theory_starts_at: dt.datetime
    announce_by: dt.date | None
    review_due_on: dt.date | None
    grading_due_on: dt.date | None


class SessionDetailOut(SessionOut):
    direction: str
    fee: Decimal | None
    announcement: str
    theory_minutes: int
    practical_on: dt.date | None
    review_on: dt.date | None
    review_required: bool = Field(description="须综合评审（EVL-7，二级及以上）")
    forms: int
    listing_number: str
    bank_id: int | None
    announced_at: dt.datetime | None
    cancelled_reason: str
    steps: list[StepOut] = Field(description="EVL-5 各环节")
    registrations: dict[str, int] = Field(description="各状态报名人数；waiting 待审核或待补正")
    decisions: list[DecisionOut] = Field(description="本批次的自动检查记录（含拒绝）")
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作（工作流表与管辖范围）")


class SessionIn(Schema):
    institution: Id | None = Field(None, description="评价机构（本人只管理一个机构时可省略）")
    listing: Id = Field(..., description="本机构的评价机构目录条目 id")
    level: Annotated[str, Text(16)]
    direction: Annotated[str, Text(100)] = ""
    title: Annotated[str, Text(200)]
    site: Id = Field(..., description="已受理的本机构考核站点 id（EVL-9）")
    bank: Id | None = Field(None, description="题库 id（EVL-2）")
    capacity: int = Field(..., description="计划人数")
    fee: Decimal | None = None
    announcement: Annotated[str, Text(20000)] = ""
    registration_opens_on: dt.date
    registration_closes_on: dt.date
    theory_starts_at: dt.datetime
    theory_minutes: int = 90
    practical_on: dt.date | None = None
    review_on: dt.date | None = None
    forms: int = Field(2, description="平行试卷套数")


class ActionIn(Schema):
    action: str = Field(..., description="allowed_actions 中的一项，如 announce、open_registration、cancel")
    reason: Annotated[str, Text(2000)] = Field("", description="取消原因（cancel 时必填）")


class SessionQuery(PageQuery):
    status: str = Field("", pattern=STATUS_PATTERN)
    occupation: str = Field("", max_length=32, description="职业（工种）编码")
    level: str = Field("", max_length=16)


class SittingOut(Schema):
    id: int
    session_id: int
    kind: str = Field(description="theory 理论、practical 实操、review 综合评审")
    kind_label: str
    room_name: str
    capacity: int
    taken: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    proctor: str
    status: str
    status_label: str
    allowed_actions: list[str]


class SittingIn(Schema):
    kind: str = Field(..., pattern=r"^(theory|practical|review)$")
    room: Id
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    proctor: Id | None = None


class SittingActionIn(Schema):
    action: str = Field(
        ..., description="open 开考、close 结束、assign_proctor 指定监考、allocate_seats 编排座位"
    )
    proctor: Id | None = None


class AnnouncementOut(Schema):
    number: str
    title: str
    institution: str
    occupation_code: str
    occupation_name: str
    direction: str
    level: str
    site: str
    address: str
    capacity: int
    fee: Decimal | None
    registration_opens_on: dt.date
    registration_closes_on: dt.date
    theory_starts_at: dt.datetime
    practical_on: dt.date | None
    announcement: str
    status: str
    status_label: str


def _out(s: EvaluationSession) -> dict[str, Any]:
    return {
        **{k: getattr(s, k) for k in SessionOut.model_fields if hasattr(s, k) and k != "status_label"},
        "status_label": str(s.get_status_display()),
        "institution_name": s.institution.name,
        "site_name": s.site.name,
    }


def _detail(request: Any, session_id: int) -> dict[str, Any]:
    s = sel.session_get_for(request.auth, session_id)
    return {
        **_out(s),
        **{
            k: getattr(s, k)
            for k in (
                "direction",
                "fee",
                "announcement",
                "theory_minutes",
                "practical_on",
                "review_on",
                "review_required",
                "forms",
                "bank_id",
                "announced_at",
                "cancelled_reason",
            )
        },
        "listing_number": s.listing.number,
        "steps": [step.__dict__ for step in sel.session_steps(s)],
        "registrations": sel.registration_counts(s),
        "decisions": [decision_out(d) for d in sel.session_decisions(s)],
        "allowed_actions": session_allowed_actions(request.auth, s),
    }


def institution_for(actor: Any, given: int | None) -> Org:
    managed = sel.managed_institutions(actor)
    if given is None:
        if len(managed) != 1:
            raise InvalidInput("请指定评价机构", fields={"institution": ["请指定评价机构"]})
        given = managed[0]
    if given not in managed:
        raise NotFound()
    return Org.objects.get(pk=given)


@router.get("/exams/sessions", response=Page[SessionOut], summary="考核批次（本机构或本辖区）")
def session_list(request: Any, filters: Query[SessionQuery]) -> Any:
    qs = filter_given(
        sel.sessions_visible_to(request.auth).order_by("-theory_starts_at", "-pk"),
        status=filters.status,
        occupation_code=filters.occupation,
        level=filters.level,
    )
    return paginate(qs, filters, _out)


@router.post(
    "/exams/sessions", response={201: SessionDetailOut}, summary="新建考核批次（SUP-7、DIR-1、EVL-9、EVL-2）"
)
def session_create(request: Any, payload: SessionIn) -> Any:
    data = payload.dict()
    org = institution_for(request.auth, data.pop("institution"))
    s = svc.session_create(actor=request.auth, institution=org, data=data)
    return Status(201, _detail(request, s.pk))


@router.get(
    "/exams/sessions/{exam_session_id}", response=SessionDetailOut, summary="考核批次详情（EVL-5 各环节）"
)
def session_get(request: Any, exam_session_id: PathId) -> Any:
    return _detail(request, exam_session_id)


@router.post(
    "/exams/sessions/{exam_session_id}/actions", response=SessionDetailOut, summary="办理考核批次的一个环节"
)
def session_action(request: Any, exam_session_id: PathId, payload: ActionIn) -> Any:
    s = sel.session_get_for(request.auth, exam_session_id)
    steps.session_act(actor=request.auth, session=s, action=payload.action, data={"reason": payload.reason})
    return _detail(request, exam_session_id)


def _sitting_out(actor: Any, x: Sitting, session: EvaluationSession) -> dict[str, Any]:
    return {
        "id": x.pk,
        "session_id": x.session_id,
        "kind": x.kind,
        "kind_label": str(x.get_kind_display()),
        "room_name": x.room.name,
        "capacity": sel.capacity_of(x),
        "taken": int(getattr(x, "taken", 0) or x.seats.count()),
        "starts_at": x.starts_at,
        "ends_at": x.ends_at,
        "proctor": str(x.proctor) if x.proctor else "",
        "status": x.status,
        "status_label": str(x.get_status_display()),
        "allowed_actions": sitting_allowed_actions(actor, x, session),
    }


@router.get(
    "/exams/sessions/{exam_session_id}/sittings",
    response=Page[SittingOut],
    summary="考核批次的场次与考场编排",
)
def sitting_list(request: Any, exam_session_id: PathId, page: Query[PageQuery]) -> Any:
    s = sel.session_get_for(request.auth, exam_session_id)
    rows = sel.sittings_of(s)
    return {
        "items": [_sitting_out(request.auth, x, s) for x in rows[page.offset : page.offset + page.limit]],
        "count": len(rows),
    }


@router.post(
    "/exams/sessions/{exam_session_id}/sittings",
    response={201: SittingOut},
    summary="新建场次（考场编排，EVL-1）",
)
def sitting_create(request: Any, exam_session_id: PathId, payload: SittingIn) -> Any:
    s = sel.session_get_for(request.auth, exam_session_id)
    x = sit.sitting_create(actor=request.auth, session=s, data=payload.dict())
    return Status(201, _sitting_out(request.auth, sel.sitting_get_for(request.auth, x.pk), s))


@router.get("/exams/sittings/{sitting_id}", response=SittingOut, summary="场次详情")
def sitting_get(request: Any, sitting_id: PathId) -> Any:
    x = sel.sitting_get_for(request.auth, sitting_id)
    return _sitting_out(request.auth, x, x.session)


@router.post(
    "/exams/sittings/{sitting_id}/actions",
    response=SittingOut,
    summary="场次操作：开考（EVL-3 逢考必督）、结束、指定监考、编排座位",
)
def sitting_action(request: Any, sitting_id: PathId, payload: SittingActionIn) -> Any:
    x = sel.sitting_get_for(request.auth, sitting_id)
    sit.sitting_act(actor=request.auth, sitting=x, action=payload.action, data={"proctor": payload.proctor})
    x = sel.sitting_get_for(request.auth, sitting_id)
    return _sitting_out(request.auth, x, x.session)


def announcement_out(s: EvaluationSession) -> dict[str, Any]:
    return {
        **{
            k: getattr(s, k)
            for k in (
                "number",
                "title",
                "occupation_code",
                "occupation_name",
                "direction",
                "level",
                "capacity",
                "fee",
                "registration_opens_on",
                "registration_closes_on",
                "theory_starts_at",
                "practical_on",
                "announcement",
                "status",
            )
        },
        "institution": s.institution.name,
        "site": s.site.name,
        "address": s.site.address,
        "status_label": str(s.get_status_display()),
    }


@router.get("/exams/announcements", auth=None, response=Page[AnnouncementOut], summary="考核公告（公开）")
def announcement_list(request: Any, page: Query[PageQuery]) -> Any:
    return paginate(sel.announcements_public().order_by("-theory_starts_at", "-pk"), page, announcement_out)


@router.get(
    "/exams/announcements/{number}", auth=None, response=AnnouncementOut, summary="考核公告详情（公开）"
)
def announcement_get(request: Any, number: str) -> Any:
    return announcement_out(sel.announcement_get_public(number))

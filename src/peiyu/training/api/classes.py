"""API of training classes (TRN-2, TRN-3, TRN-9, TRN-12, SUP-7): the same services and scoped selectors
as the pages. A class out of the caller's scope and a missing one are both 404; a refused announcement
is a 400 with the rule ids and the failed checks (`details.checks`); a move the class's status no longer
allows (e.g. a second decision on an opening) is a 409. Public (auth=None): the announcements.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Reason, Text
from peiyu.core.lookups import filter_given
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..models import Inspection, TrainingClass
from ..selectors import classes as sel
from ..selectors.actions import class_allowed_actions
from ..selectors.scope import plan_get_for
from ..services import classes as svc
from ..services.inspections import inspection_record

router = Router(tags=["training"])


# --- schemas -------------------------------------------------------------------------------------------


class StepOut(Schema):
    key: str
    label: str
    done: bool
    detail: str
    rule: str


class ClassOut(Schema):
    id: int
    number: str = Field(description="班级编号")
    title: str = Field(description="班级名称")
    status: str = Field(
        description="draft 筹备中、announced 招生中、opening 开班待审、running 培训中、completed、cancelled"
    )
    status_label: str
    plan_id: int
    plan_number: str
    cert_type: str = Field(description="证书类型（TRN-12）")
    institution_name: str
    occupation_code: str
    occupation_name: str
    level: str
    region_code: str
    region_name: str
    venue: str
    capacity: int
    starts_on: dt.date
    ends_on: dt.date
    online_platform_id: int | None
    announced_at: dt.datetime | None
    opening_requested_at: dt.datetime | None
    opening_decided_at: dt.datetime | None
    opening_note: str
    started_at: dt.datetime | None
    cancelled_reason: str


class ClassDetailOut(ClassOut):
    announcement: str
    exam_conditions: str
    process: list[StepOut] = Field(description="TRN-12 过程监管环节")
    actions: dict[str, bool] = Field(description="当前用户可办理的事项")
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作（工作流表与管辖范围）")
    decision_id: int | None


class ClassIn(Schema):
    title: Annotated[str, Text(200)]
    region: str = Field("", max_length=6, description="培训地区（GB/T 2260），默认为计划的培训地区")
    venue: Annotated[str, Text(200)] = ""
    capacity: int = Field(..., description="招生人数，大于0")
    starts_on: dt.date
    ends_on: dt.date
    online_platform: Id | None = Field(None, description="线上培训平台（单位 id，计划含线上学时时）")
    announcement: Annotated[str, Text(20000)] = Field("", description="招生简章")
    exam_conditions: Annotated[str, Text(5000)] = Field("", description="考核申报条件（TRN-3）")


class ClassCreateIn(ClassIn):
    plan: Id = Field(..., description="已备案的培训计划 id")


class DecideIn(Schema):
    approve: bool
    note: Annotated[str, Text(2000)] = Field("", description="审核意见（不同意时必填）")


class CancelIn(Schema):
    reason: Annotated[str, Reason("取消原因")]


class InspectionIn(Schema):
    kind: str = Field(..., description="process 过程检查（合格证类）、certificate 证书核对（证书类、行业类）")
    result: str = Field(..., description="passed 符合要求、issues 发现问题")
    findings: Annotated[str, Text(10000)] = ""
    inspected_on: dt.date | None = None


class InspectionOut(Schema):
    id: int
    kind: str
    kind_label: str
    result: str
    result_label: str
    findings: str
    inspected_on: dt.date
    org_name: str


class ClassQuery(PageQuery):
    status: str = Field("", pattern=r"^(draft|announced|opening|running|completed|cancelled)?$")
    plan: Id | None = None


class AnnouncementOut(Schema):
    number: str
    title: str
    institution: str
    occupation_code: str
    occupation_name: str
    direction: str
    level: str
    region: str
    venue: str
    capacity: int
    starts_on: dt.date
    ends_on: dt.date
    hours: int
    hours_online: int
    fee: Decimal
    makeup_fee: Decimal
    exam_fee: Decimal
    refund_terms: str
    makeup_terms: str
    announcement: str
    exam_conditions: str
    announced_at: dt.datetime | None
    status: str
    status_label: str


# --- helpers -------------------------------------------------------------------------------------------


def _out(k: TrainingClass) -> dict[str, Any]:
    plan = k.plan
    return {
        "id": k.pk,
        "number": k.number,
        "title": k.title,
        "status": k.status,
        "status_label": str(k.get_status_display()),
        "plan_id": plan.pk,
        "plan_number": plan.number,
        "cert_type": plan.cert_type,
        "institution_name": plan.institution.name,
        "occupation_code": plan.occupation_code,
        "occupation_name": plan.occupation_name,
        "level": plan.level,
        "region_code": k.region_id,
        "region_name": k.region.name,
        "venue": k.venue,
        "capacity": k.capacity,
        "starts_on": k.starts_on,
        "ends_on": k.ends_on,
        "online_platform_id": k.online_platform_id,
        "announced_at": k.announced_at,
        "opening_requested_at": k.opening_requested_at,
        "opening_decided_at": k.opening_decided_at,
        "opening_note": k.opening_note,
        "started_at": k.started_at,
        "cancelled_reason": k.cancelled_reason,
    }


def _detail(request, class_id: int) -> dict[str, Any]:
    k = sel.class_get_for(request.auth, class_id)
    return {
        **_out(k),
        "announcement": k.announcement,
        "exam_conditions": k.exam_conditions,
        "process": [s.__dict__ for s in sel.class_process(k)],
        "actions": sel.class_actions(request.auth, k),
        "allowed_actions": class_allowed_actions(request.auth, k),
        "decision_id": k.decision_id,
    }


def _data(payload: ClassIn) -> dict[str, Any]:
    data = payload.dict()
    data.pop("plan", None)
    return data


# --- signed in -------------------------------------------------------------------------------------------


@router.get("/training/classes", response=Page[ClassOut], summary="培训班（本机构或本辖区）")
def class_list(request, filters: Query[ClassQuery]):
    qs = filter_given(
        sel.classes_visible_to(request.auth).order_by("-starts_on", "-pk"),
        status=filters.status,
        plan_id=filters.plan,
    )
    return paginate(qs, filters, _out)


@router.get("/training/classes/{class_id}", response=ClassDetailOut, summary="培训班详情（含TRN-12过程监管）")
def class_get(request, class_id: PathId):
    return _detail(request, class_id)


@router.post(
    "/training/classes", response={201: ClassDetailOut}, summary="开班（在已备案的计划下新建培训班）"
)
def class_create(request, payload: ClassCreateIn):
    plan = plan_get_for(request.auth, payload.plan)
    k = svc.class_create(actor=request.auth, plan=plan, data=_data(payload))
    return Status(201, _detail(request, k.pk))


@router.patch("/training/classes/{class_id}", response=ClassDetailOut, summary="修改培训班（仅筹备中）")
def class_update(request, class_id: PathId, payload: ClassIn):
    k = sel.class_get_for(request.auth, class_id)
    svc.class_update(actor=request.auth, klass=k, data=_data(payload))
    return _detail(request, class_id)


@router.post(
    "/training/classes/{class_id}/announce",
    response=ClassDetailOut,
    summary="发布招生简章（TRN-3 考核申报条件、TRN-9 宣传内容检查）",
)
def class_announce(request, class_id: PathId):
    svc.class_announce(actor=request.auth, klass=sel.class_get_for(request.auth, class_id))
    return _detail(request, class_id)


@router.post(
    "/training/classes/{class_id}/opening",
    response=ClassDetailOut,
    summary="提出开班申请（合格证类，TRN-12）",
)
def class_request_opening(request, class_id: PathId):
    svc.class_request_opening(actor=request.auth, klass=sel.class_get_for(request.auth, class_id))
    return _detail(request, class_id)


@router.post(
    "/training/classes/{class_id}/opening/decide",
    response=ClassDetailOut,
    summary="审核开班申请（培训地区的市、区人社部门）",
)
def class_decide_opening(request, class_id: PathId, payload: DecideIn):
    k = sel.class_get_for(request.auth, class_id)
    svc.class_decide_opening(actor=request.auth, klass=k, approve=payload.approve, note=payload.note)
    return _detail(request, class_id)


@router.post("/training/classes/{class_id}/start", response=ClassDetailOut, summary="开班（证书类、行业类）")
def class_start(request, class_id: PathId):
    svc.class_start(actor=request.auth, klass=sel.class_get_for(request.auth, class_id))
    return _detail(request, class_id)


@router.post("/training/classes/{class_id}/cancel", response=ClassDetailOut, summary="取消培训班")
def class_cancel(request, class_id: PathId, payload: CancelIn):
    k = sel.class_get_for(request.auth, class_id)
    svc.class_cancel(actor=request.auth, klass=k, reason=payload.reason)
    return _detail(request, class_id)


def _inspection_out(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "kind": i.kind,
        "kind_label": str(i.get_kind_display()),
        "result": i.result,
        "result_label": str(i.get_result_display()),
        "findings": i.findings,
        "inspected_on": i.inspected_on,
        "org_name": i.org.name,
    }


@router.get("/training/classes/{class_id}/inspections", response=Page[InspectionOut], summary="监管检查记录")
def inspection_list(request, class_id: PathId, page: Query[PageQuery]):
    k = sel.class_get_for(request.auth, class_id)
    return paginate(sel.class_inspections(k), page, _inspection_out)


@router.post(
    "/training/classes/{class_id}/inspections",
    response={201: InspectionOut},
    summary="登记过程检查或证书核对（TRN-12）",
)
def inspection_create(request, class_id: PathId, payload: InspectionIn):
    k = sel.class_get_for(request.auth, class_id)
    data = payload.dict()
    kind = data.pop("kind")
    return Status(201, _inspection_out(inspection_record(actor=request.auth, klass=k, kind=kind, data=data)))


# --- public ----------------------------------------------------------------------------------------------


@router.get(
    "/training/announcements", auth=None, response=Page[AnnouncementOut], summary="培训招生简章（公开）"
)
def announcement_list(request, page: Query[PageQuery]):
    return paginate(sel.announcements_public(), page, sel.public_class_info)


@router.get(
    "/training/announcements/{number}",
    auth=None,
    response=AnnouncementOut,
    summary="培训招生简章详情（公开）",
)
def announcement_detail(request, number: str):
    return sel.public_class_info(sel.announcement_get_public(number))

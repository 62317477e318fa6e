"""API of training plans and the teacher registry (TRN-1, TRN-2, TRN-4, TRN-9, TRN-10, TRN-12): the same
services and scoped selectors as the pages. Field names are the glossary's English names; a plan out
of the caller's scope and a missing one are both 404; a refused filing is a 400 with the rule ids and
the failed checks (`details.checks`); teachers' ID numbers only ever leave masked."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import PersonNameStr, Reason, Text
from peiyu.core.errors import PermissionDenied
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import Teacher, TrainingPlan
from ..selectors import plans as plan_sel
from ..selectors import scope as selectors
from ..selectors.actions import plan_allowed_actions
from ..services import plans as svc

router = Router(tags=["training"])


# --- schemas -------------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    number: str = Field(description="计划编号")
    title: str = Field(description="计划名称")
    status: str = Field(description="状态：draft 草稿、filed 已备案、withdrawn 已撤回")
    status_label: str
    institution_id: int
    institution_name: str = Field(description="培训机构")
    programme: str = Field(description="项目：dte、skill、subsidised")
    occupation_code: str = Field(description="职业（工种）编码")
    occupation_name: str
    direction: str = Field(description="职业方向")
    level: str = Field(description="等级")
    cert_type: str = Field(description="证书类型（TRN-12）")
    cert_type_label: str
    region_code: str = Field(description="培训地区（GB/T 2260）")
    region_name: str
    hours_total: int = Field(description="总学时")
    starts_on: dt.date = Field(description="计划开始日期")
    ends_on: dt.date = Field(description="计划结束日期")
    filed_at: dt.datetime | None = Field(description="备案时间")


class TeacherOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    name: str = Field(description="姓名")
    id_number_masked: str = Field(description="身份证号码（部分隐藏）")
    title: str = Field(description="职称或职业技能等级")
    title_level: str = Field(description="职称或等级层次：none、junior、intermediate、senior")
    title_level_label: str
    below_intermediate: bool = Field(description="未达中级及以上（TRN-1 提示）")
    dual_qualified: bool = Field(description="双师型")
    specialties: str = Field(description="授课方向")
    active: bool


class PlanDetailOut(PlanOut):
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作（工作流表与管辖范围）")
    listing_number: str = Field(description="目录条目编号（TRN-2）")
    supervising_authority_id: int | None = Field(description="行业主管部门")
    supervising_authority_name: str | None
    description: str = Field(description="培训方案")
    hours_theory: int
    hours_practice: int
    hours_online: int
    hours_offline: int
    fee: Decimal = Field(description="培训费（元/人）")
    makeup_fee: Decimal = Field(description="补学费用（元/人）")
    exam_fee: Decimal = Field(description="补考费用（元/人）")
    refund_terms: str = Field(description="退费流程")
    makeup_terms: str = Field(description="补学补考安排")
    schedule: str = Field(description="培训安排")
    evaluation_institution_id: int | None = Field(description="商定的评价机构")
    evaluation_institution_name: str | None
    exam_plan: str = Field(description="考核计划和方案")
    commitment: bool = Field(description="已作出承诺")
    teachers: list[TeacherOut]
    decision: DecisionOut | None = Field(
        description="最近一次备案检查（outcome：filed 已备案、refused 备案未通过）"
    )
    history: list[dict[str, Any]]


def _plan_out(p: TrainingPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "title": p.title,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "institution_id": p.institution_id,
        "institution_name": p.institution.name,
        "programme": p.programme,
        "occupation_code": p.occupation_code,
        "occupation_name": p.occupation_name,
        "direction": p.direction,
        "level": p.level,
        "cert_type": p.cert_type,
        "cert_type_label": str(p.get_cert_type_display()),
        "region_code": p.region_id,
        "region_name": p.region.name,
        "hours_total": p.total_hours,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "filed_at": p.filed_at,
    }


def _teacher_out(row: dict[str, Any]) -> dict[str, Any]:
    t: Teacher = row["teacher"]
    return {
        "id": t.pk,
        "institution_id": t.institution_id,
        "institution_name": t.institution.name,
        "name": t.name,
        "id_number_masked": row["id_masked"],
        "title": t.title,
        "title_level": t.title_level,
        "title_level_label": str(row["level_label"]),
        "below_intermediate": row["below_intermediate"],
        "dual_qualified": t.dual_qualified,
        "specialties": t.specialties,
        "active": t.active,
    }


def _detail(plan_id: int, actor) -> dict[str, Any]:
    p = selectors.plan_get_for(actor, plan_id)
    decisions = plan_sel.plan_decisions(p)
    d = decisions[0] if decisions else None
    body = _plan_out(p)
    body.update(
        listing_number=p.listing.number,
        supervising_authority_id=p.supervising_authority_id,
        supervising_authority_name=p.supervising_authority.name
        if p.supervising_authority is not None
        else None,
        evaluation_institution_id=p.evaluation_institution_id,
        evaluation_institution_name=(
            p.evaluation_institution.name if p.evaluation_institution is not None else None
        ),
        teachers=[_teacher_out(r) for r in plan_sel.teacher_rows(p.teachers.select_related("institution"))],
        decision=None if d is None else decision_out(d),
        history=plan_sel.plan_history(p),
        allowed_actions=plan_allowed_actions(actor, p),
        **{
            name: getattr(p, name)
            for name in (
                "description",
                "hours_theory",
                "hours_practice",
                "hours_online",
                "hours_offline",
                "fee",
                "makeup_fee",
                "exam_fee",
                "refund_terms",
                "makeup_terms",
                "schedule",
                "exam_plan",
                "commitment",
            )
        },
    )
    return body


def _institution(actor):
    institution = plan_sel.managed_institution(actor)
    if institution is None:
        raise PermissionDenied("只有培训机构可以管理师资和培训计划")
    return institution


# --- plans ---------------------------------------------------------------------------------------------


class PlanFilter(PageQuery):
    status: str = Field("", max_length=16, description="状态")
    occupation: str = Field("", max_length=50, description="职业（工种）编码或名称关键字")
    cert_type: str = Field("", max_length=16, description="证书类型")
    region: str = Field("", max_length=6, description="培训地区代码（省、市或区县）")
    q: str = Field("", max_length=100, description="计划名称或编号关键字")


@router.get("/training/plans", response=Page[PlanOut], summary="培训计划（本机构或本辖区）")
def plan_list(request, filters: Query[PlanFilter]):
    qs = plan_sel.plans_filtered(
        request.auth,
        status=filters.status,
        occupation=filters.occupation,
        cert_type=filters.cert_type,
        region=filters.region,
        q=filters.q,
    )
    return paginate(qs, filters, _plan_out)


@router.get("/training/plans/{plan_id}", response=PlanDetailOut, summary="培训计划详情")
def plan_get(request, plan_id: PathId):
    return _detail(plan_id, request.auth)


class PlanIn(Schema):
    """A plan as the form has it; the service names every problem per field in Chinese."""

    title: Annotated[str, Text(200)] = Field(..., description="计划名称")
    programme: str = Field("", max_length=16, description="项目（缺省取职业所属项目）")
    occupation_code: str = Field(..., max_length=32, description="职业（工种）编码")
    direction: Annotated[str, Text(100)] = Field("", description="职业方向")
    level: str = Field(..., max_length=16, description="等级")
    cert_type: str = Field("certificate", max_length=16, description="证书类型")
    supervising_authority: Id | None = Field(None, description="负责过程监管的行业主管部门 id")
    region: str = Field("", max_length=6, description="培训地区代码（缺省为机构所在地）")
    description: Annotated[str, Text(20000)] = Field("", description="培训方案")
    hours_theory: int = Field(0, ge=0, le=10000, description="理论学时")
    hours_practice: int = Field(0, ge=0, le=10000, description="实操学时")
    hours_online: int = Field(0, ge=0, le=10000, description="线上学时")
    hours_offline: int = Field(0, ge=0, le=10000, description="线下学时")
    fee: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2, description="培训费（元/人）")
    makeup_fee: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2, description="补学费用")
    exam_fee: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2, description="补考费用")
    refund_terms: Annotated[str, Text(5000)] = Field("", description="退费流程")
    makeup_terms: Annotated[str, Text(5000)] = Field("", description="补学补考安排")
    starts_on: dt.date = Field(..., description="计划开始日期")
    ends_on: dt.date = Field(..., description="计划结束日期")
    schedule: Annotated[str, Text(20000)] = Field("", description="培训安排")
    evaluation_institution: Id | None = Field(None, description="商定的评价机构 id")
    exam_plan: Annotated[str, Text(20000)] = Field("", description="考核计划和方案")
    teachers: list[Id] = Field(default_factory=list, max_length=200, description="师资 id")
    commitment: bool = Field(False, description="已作出承诺（TRN-12）")


class PlanPatch(Schema):
    """Only the fields sent change; the others keep the draft's values."""

    title: Annotated[str, Text(200)] | None = None
    programme: str | None = Field(None, max_length=16)
    occupation_code: str | None = Field(None, max_length=32)
    direction: Annotated[str, Text(100)] | None = None
    level: str | None = Field(None, max_length=16)
    cert_type: str | None = Field(None, max_length=16)
    supervising_authority: Id | None = None
    region: str | None = Field(None, max_length=6)
    description: Annotated[str, Text(20000)] | None = None
    hours_theory: int | None = Field(None, ge=0, le=10000)
    hours_practice: int | None = Field(None, ge=0, le=10000)
    hours_online: int | None = Field(None, ge=0, le=10000)
    hours_offline: int | None = Field(None, ge=0, le=10000)
    fee: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    makeup_fee: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    exam_fee: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    refund_terms: Annotated[str, Text(5000)] | None = None
    makeup_terms: Annotated[str, Text(5000)] | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    schedule: Annotated[str, Text(20000)] | None = None
    evaluation_institution: Id | None = None
    exam_plan: Annotated[str, Text(20000)] | None = None
    teachers: list[Id] | None = Field(None, max_length=200)
    commitment: bool | None = None


def _current(plan: TrainingPlan) -> dict[str, Any]:
    """The draft as service input, so a PATCH changes only what it sends."""
    data: dict[str, Any] = {name: getattr(plan, name) for name in PlanIn.model_fields if hasattr(plan, name)}
    data.update(
        supervising_authority=plan.supervising_authority_id,
        region=plan.region_id,
        evaluation_institution=plan.evaluation_institution_id,
        teachers=[t.pk for t in plan.teachers.all()],
    )
    return data


@router.post("/training/plans", response={201: PlanDetailOut}, summary="新建培训计划（草稿）")
def plan_create(request, payload: PlanIn):
    plan = svc.plan_create(actor=request.auth, institution=_institution(request.auth), data=payload.dict())
    return Status(201, _detail(plan.pk, request.auth))


@router.patch("/training/plans/{plan_id}", response=PlanDetailOut, summary="修改培训计划（仅草稿）")
def plan_update(request, plan_id: PathId, payload: PlanPatch):
    plan = selectors.plan_get_for(request.auth, plan_id)
    data = _current(plan)
    data.update(payload.dict(exclude_unset=True))
    svc.plan_update(actor=request.auth, plan=plan, data=data)
    return _detail(plan.pk, request.auth)


@router.post(
    "/training/plans/{plan_id}/file",
    response=PlanDetailOut,
    summary="提交备案（不通过时返回 400，rule 为未通过的规则，details.checks 为未通过的检查）",
)
def plan_file(request, plan_id: PathId):
    plan = selectors.plan_get_for(request.auth, plan_id)
    svc.plan_file(actor=request.auth, plan=plan)
    return _detail(plan.pk, request.auth)


class WithdrawIn(Schema):
    reason: Annotated[str, Reason("撤回原因")] = Field(..., description="撤回原因")


@router.post("/training/plans/{plan_id}/withdraw", response=PlanDetailOut, summary="撤回培训计划")
def plan_withdraw(request, plan_id: PathId, payload: WithdrawIn):
    plan = selectors.plan_get_for(request.auth, plan_id)
    svc.plan_withdraw(actor=request.auth, plan=plan, reason=payload.reason)
    return _detail(plan.pk, request.auth)


# --- teachers ------------------------------------------------------------------------------------------


class TeacherFilter(PageQuery):
    q: str = Field("", max_length=64, description="姓名、职称或机构关键字")


@router.get("/training/teachers", response=Page[TeacherOut], summary="师资（本机构或本辖区）")
def teacher_list(request, filters: Query[TeacherFilter]):
    page = paginate(plan_sel.teachers_filtered(request.auth, q=filters.q), filters)
    return {**page, "items": [_teacher_out(r) for r in plan_sel.teacher_rows(page["items"])]}


class TeacherIn(Schema):
    name: PersonNameStr = Field(..., description="姓名")
    id_number: str = Field(..., max_length=32, description="身份证号码")
    title: Annotated[str, Text(100)] = Field("", description="职称或职业技能等级")
    title_level: str = Field(
        ..., max_length=16, description="职称或等级层次：none、junior、intermediate、senior"
    )
    dual_qualified: bool = Field(False, description="双师型")
    specialties: Annotated[str, Text(200)] = Field("", description="授课方向")


@router.post("/training/teachers", response={201: TeacherOut}, summary="登记师资")
def teacher_add(request, payload: TeacherIn):
    teacher = svc.teacher_add(actor=request.auth, institution=_institution(request.auth), data=payload.dict())
    teacher = Teacher.objects.select_related("institution").get(pk=teacher.pk)
    return Status(201, _teacher_out(plan_sel.teacher_rows([teacher])[0]))

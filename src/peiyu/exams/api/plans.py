"""API of annual evaluation plans (EVL-4): the same services and scoped selectors as the pages. A plan
out of the caller's scope and a missing one are both 404; a refused publication is a 400 with the rule
ids and the failed checks (TRN-9 prohibited claims among them). Public (auth=None): the published plans
with their lines, filtered by year, region and occupation.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.lookups import filter_given
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import EvaluationPlan, PlanEntry
from ..selectors import plans as sel
from ..selectors.actions import plan_allowed_actions
from ..services import plans as svc
from .sessions import institution_for

router = Router(tags=["exams"])


class EntryOut(Schema):
    position: int
    occupation_code: str
    occupation_name: str
    level: str
    times: str
    place: str
    conditions: str
    fee: Decimal | None
    sessions_planned: int


class PlanOut(Schema):
    id: int
    year: int
    title: str
    status: str = Field(description="draft 编制中、published 已公布、withdrawn 已撤回")
    status_label: str
    institution_id: int
    institution_name: str
    region_code: str
    published_at: dt.datetime | None


class PlanDetailOut(PlanOut):
    notes: str
    withdrawn_reason: str
    entries: list[EntryOut]
    decisions: list[DecisionOut]
    allowed_actions: list[str]


class PublicPlanOut(PlanOut):
    notes: str
    entries: list[EntryOut]


class EntryIn(Schema):
    occupation_code: Annotated[str, Text(32)]
    level: Annotated[str, Text(16)]
    times: Annotated[str, Text(200)] = ""
    place: Annotated[str, Text(200)] = ""
    conditions: Annotated[str, Text(5000)] = ""
    fee: Decimal | None = None
    sessions_planned: int = 1


class PlanIn(Schema):
    institution: Id | None = Field(None, description="评价机构（本人只管理一个机构时可省略）")
    year: int
    title: Annotated[str, Text(200)]
    notes: Annotated[str, Text(20000)] = Field("", description="年度工作方案")
    entries: list[EntryIn] = Field(default_factory=list, max_length=200)


class PlanActionIn(Schema):
    action: str = Field(..., description="publish 公布（EVL-4、TRN-9 检查）、withdraw 撤回")
    reason: Annotated[str, Text(2000)] = Field("", description="撤回原因（withdraw 时必填）")


class PlanQuery(PageQuery):
    status: str = Field("", pattern=r"^(draft|published|withdrawn)?$")
    year: int | None = Field(None, ge=2000, le=2100)


class PublicPlanQuery(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)
    region: str = Field("", pattern=r"^\d{0,6}$", description="地区编码（前缀）")
    occupation: str = Field("", max_length=50, description="职业（工种）名称或编码")


def _entry(e: PlanEntry) -> dict[str, Any]:
    return {k: getattr(e, k) for k in EntryOut.model_fields}


def _out(p: EvaluationPlan) -> dict[str, Any]:
    return {
        **{
            k: getattr(p, k)
            for k in ("id", "year", "title", "status", "institution_id", "region_code", "published_at")
        },
        "status_label": str(p.get_status_display()),
        "institution_name": p.institution.name,
    }


def _public(p: EvaluationPlan) -> dict[str, Any]:
    return {**_out(p), "notes": p.notes, "entries": [_entry(e) for e in sel.plan_entries(p)]}


def _detail(request: Any, plan_id: int) -> dict[str, Any]:
    p = sel.plan_get_for(request.auth, plan_id)
    return {
        **_public(p),
        "withdrawn_reason": p.withdrawn_reason,
        "decisions": [decision_out(d) for d in sel.plan_decisions(p)],
        "allowed_actions": plan_allowed_actions(request.auth, p),
    }


@router.get("/exams/plans", response=Page[PlanOut], summary="年度评价计划（本机构或本辖区）")
def plan_list(request: Any, filters: Query[PlanQuery]) -> Any:
    qs = filter_given(
        sel.plans_visible_to(request.auth).order_by("-year", "-pk"), status=filters.status, year=filters.year
    )
    return paginate(qs, filters, _out)


@router.post("/exams/plans", response={201: PlanDetailOut}, summary="编制年度评价计划（EVL-4）")
def plan_create(request: Any, payload: PlanIn) -> Any:
    data = payload.dict()
    org = institution_for(request.auth, data.pop("institution"))
    p = svc.plan_create(actor=request.auth, institution=org, data=data)
    return Status(201, _detail(request, p.pk))


@router.get("/exams/plans/{exam_plan_id}", response=PlanDetailOut, summary="年度评价计划详情")
def plan_get(request: Any, exam_plan_id: PathId) -> Any:
    return _detail(request, exam_plan_id)


@router.put("/exams/plans/{exam_plan_id}", response=PlanDetailOut, summary="修改年度评价计划（仅编制中）")
def plan_update(request: Any, exam_plan_id: PathId, payload: PlanIn) -> Any:
    p = sel.plan_get_for(request.auth, exam_plan_id)
    data = payload.dict()
    data.pop("institution")
    svc.plan_update(actor=request.auth, plan=p, data=data)
    return _detail(request, exam_plan_id)


@router.post("/exams/plans/{exam_plan_id}/actions", response=PlanDetailOut, summary="公布或撤回年度评价计划")
def plan_action(request: Any, exam_plan_id: PathId, payload: PlanActionIn) -> Any:
    p = sel.plan_get_for(request.auth, exam_plan_id)
    svc.plan_act(actor=request.auth, plan=p, action=payload.action, data={"reason": payload.reason})
    return _detail(request, exam_plan_id)


@router.get(
    "/exams/public/plans", auth=None, response=Page[PublicPlanOut], summary="已公布的年度评价计划（公开）"
)
def public_plan_list(request: Any, filters: Query[PublicPlanQuery]) -> Any:
    qs = sel.plans_public_filtered(
        year=str(filters.year or ""), region=filters.region, occupation=filters.occupation
    ).prefetch_related("entries")
    return paginate(qs, filters, _public)

"""Calls (申报通知) as their issuers manage them over the API: list, draft, read (with
`allowed_actions`, the items pre-filled from the profile and which of them the profile lets the call
change), change a draft, publish, close. Scoped to the official's jurisdiction (another province's call
is a 404); the same services as the pages. The public calls are in api.notices.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.accounts.services.access import require
from peiyu.core.cleaning_adapters import Reason
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import Call
from ..selectors import calls as selectors
from ..selectors.actions import call_allowed_actions
from ..services import calls as services

router = Router(tags=["申报通知管理"])

ProgrammeIn = Literal["dte", "skill"]
KindIn = Literal["training", "evaluation"]


class QuotaIn(Schema):
    default: int = Field(..., ge=0, le=100000, description="默认数量（每职业每地区）")
    overrides: dict[str, Annotated[int, Field(ge=0, le=100000)]] = Field(
        default_factory=dict, description="地区代码 → 数量"
    )


class CallChangeIn(Schema):
    """The fields of a call; left out, an item pre-filled from the profile keeps the profile's value."""

    title: str | None = Field(None, max_length=200, description="标题")
    kinds: list[KindIn] | None = Field(None, description="机构类别")
    occupation_codes: list[str] | None = Field(None, max_length=2000, description="职业（工种）编码")
    levels: list[str] | None = Field(None, description="等级；留空为政策配置的全部等级")
    opens_on: dt.date | None = Field(None, description="开始受理日期")
    deadline: dt.date | None = Field(None, description="截止日期")
    step_deadlines: dict[str, dt.date] | None = Field(None, description="环节 → 办理期限")
    quota_table: dict[str, QuotaIn] | None = Field(None, description="申报数量（政策配置允许时可调整）")
    excluded_occupations: dict[KindIn, list[str]] | None = Field(
        None, description="不受理的职业（按机构类别）"
    )
    founded_on_or_before: dt.date | None = Field(None, description="成立日期不晚于（政策配置允许时可调整）")
    publicity_working_days: int | None = Field(None, ge=1, le=60, description="公示期（工作日）")
    body: str | None = Field(None, max_length=20000, description="通知正文")
    source: str | None = Field(None, max_length=300, description="依据")


class CallCreateIn(CallChangeIn):
    programme: ProgrammeIn = Field(
        ..., description="项目：dte 数字技术工程师培育项目、skill 职业技能等级认定"
    )
    region_code: str | None = Field(
        None, pattern=r"^\d{6}$", description="申报地区范围（6位行政区划代码）；空为全国"
    )
    opens_on: dt.date = Field(..., description="开始受理日期")
    deadline: dt.date = Field(..., description="截止日期")
    code: str = Field("", max_length=64, pattern=r"^[a-z0-9-]*$", description="编号；留空自动生成")


class CloseIn(Schema):
    reason: Annotated[str, Reason("截止原因", max_length=500)] = Field(..., description="提前截止的原因")


class CallFilter(PageQuery):
    status: Literal["draft", "published", "closed"] | None = Field(None, description="状态")


class ManagedCallOut(Schema):
    id: int
    code: str
    title: str
    programme: str
    status: str
    status_label: str
    region_code: str | None
    region_name: str
    issuer: str
    kinds: list[str]
    occupation_codes: list[str]
    levels: list[str]
    opens_on: dt.date
    deadline: dt.date
    published_at: dt.datetime | None
    policy_name: str
    policy_version: int | None


class PrefilledOut(Schema):
    item: str
    label: str
    value: Any
    profile_value: Any
    editable: bool


class ManagedCallDetailOut(ManagedCallOut):
    step_deadlines: dict[str, str]
    quota_table: dict[str, Any]
    excluded_occupations: dict[str, list[str]]
    founded_on_or_before: dt.date | None
    publicity_working_days: int | None
    body: str
    source: str
    prefilled: list[PrefilledOut]
    decision: DecisionOut | None
    allowed_actions: list[str]


def _out(call: Call) -> dict:
    return {
        "id": call.pk,
        "code": call.code,
        "title": call.title,
        "programme": call.programme,
        "status": call.status,
        "status_label": str(call.get_status_display()),
        "region_code": call.region_id,
        "region_name": call.region.name if call.region is not None else "全国",
        "issuer": call.issuer.name,
        "kinds": list(call.kinds),
        "occupation_codes": list(call.occupation_codes),
        "levels": list(call.levels),
        "opens_on": call.opens_on,
        "deadline": call.deadline,
        "published_at": call.published_at,
        "policy_name": call.policy_name,
        "policy_version": call.policy_version,
    }


def _detail(user, call: Call) -> dict:
    decision = selectors.call_decision(call)
    rows = selectors.prefilled_rows(selectors.call_fields(call), selectors.call_profile(call))
    return {
        **_out(call),
        "step_deadlines": dict(call.step_deadlines or {}),
        "quota_table": dict(call.quota_table or {}),
        "excluded_occupations": dict(call.excluded_occupations or {}),
        "founded_on_or_before": call.founded_on_or_before,
        "publicity_working_days": call.publicity_working_days,
        "body": call.body,
        "source": call.source,
        "prefilled": [
            {k: r[k] for k in ("item", "label", "value", "profile_value", "editable")} for r in rows
        ],
        "decision": decision_out(decision) if decision else None,
        "allowed_actions": call_allowed_actions(user, call),
    }


def _changes(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    for key in ("quota_table",):
        if data.get(key) is not None:
            data[key] = {name: dict(q) for name, q in data[key].items()}
    return data


@router.get("/directory/official/calls", response=Page[ManagedCallOut], summary="本辖区的申报通知")
def call_list(request, filters: Query[CallFilter]):
    require(request.auth, "call.manage")
    qs = selectors.calls_visible_to(request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs.order_by("-opens_on", "-pk"), filters, _out)


@router.post("/directory/official/calls", response={201: ManagedCallDetailOut}, summary="起草申报通知")
def call_create(request, payload: CallCreateIn):
    data = _changes(payload)
    region_code = data.pop("region_code", None)
    code = data.pop("code", "")
    call = services.call_create(actor=request.auth, region_code=region_code, code=code, **data)
    return Status(201, _detail(request.auth, call))


@router.get("/directory/official/calls/{call_id}", response=ManagedCallDetailOut, summary="申报通知详情")
def call_detail(request, call_id: PathId):
    return _detail(request.auth, selectors.call_get_for(request.auth, call_id))


@router.patch(
    "/directory/official/calls/{call_id}", response=ManagedCallDetailOut, summary="修改申报通知草稿"
)
def call_update(request, call_id: PathId, payload: CallChangeIn):
    call = selectors.call_get_for(request.auth, call_id)
    call = services.call_update(actor=request.auth, call=call, **_changes(payload))
    return _detail(request.auth, call)


@router.post(
    "/directory/official/calls/{call_id}/publish", response=ManagedCallDetailOut, summary="发布申报通知"
)
def call_publish(request, call_id: PathId):
    call = services.call_publish(actor=request.auth, call=selectors.call_get_for(request.auth, call_id))
    return _detail(request.auth, call)


@router.post(
    "/directory/official/calls/{call_id}/close", response=ManagedCallDetailOut, summary="提前截止申报通知"
)
def call_close(request, call_id: PathId, payload: CloseIn):
    call = selectors.call_get_for(request.auth, call_id)
    call = services.call_close(actor=request.auth, call=call, reason=payload.reason)
    return _detail(request.auth, call)

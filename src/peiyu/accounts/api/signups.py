"""Institutions' sign-ups: the public sign-up, the bureau's list, its decision (confirm or return with
a reason), the institution's resubmission. The same services as the pages."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.actions import dispatch
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..selectors import actions as action_sel
from ..selectors import signups as sel
from ..services import signups as services

router = Router(tags=["机构注册"])


class SignupOut(Schema):
    id: int
    name: str
    uscc: str | None
    region_code: str | None
    region_name: str
    legal_rep_name: str
    contact_name: str
    status: str
    status_label: str
    due_on: dt.date | None
    return_reason: str
    allowed_actions: list[str]


def signup_out(actor, org) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "uscc": org.uscc,
        "region_code": org.region_id,
        "region_name": org.region.full_name if org.region_id else "",
        "legal_rep_name": org.legal_rep_name,
        "contact_name": org.contact_name,
        "status": org.status,
        "status_label": str(org.get_status_display()),
        "due_on": org.signup_due_on,
        "return_reason": sel.signup_return_reason(org),
        "allowed_actions": action_sel.signup_allowed_actions(actor, org) if actor is not None else [],
    }


class OrgFieldsIn(Schema):
    name: str = Field(..., max_length=200, description="机构名称")
    uscc: str = Field(..., max_length=40, description="统一社会信用代码")
    region_code: str = Field("", max_length=6, description="所在地行政区划代码；留空取信用代码第3–8位")
    legal_rep_name: str = Field(..., max_length=64, description="法定代表人")
    contact_name: str = Field(..., max_length=64, description="联系人（申报经办人）")
    contact_phone: str = Field(..., max_length=20, description="联系人手机号码")
    contact_email: str = Field("", max_length=254)


class SignupIn(OrgFieldsIn):
    username: str = Field(..., max_length=150, description="经办人（本机构管理员）的用户名")
    password: str = Field(..., max_length=128)
    password_confirm: str = Field(..., max_length=128)


@router.post(
    "/signups", response={201: SignupOut}, auth=None, summary="机构注册（公开）：待所在地人社部门确认"
)
def signup_create(request, payload: SignupIn):
    org = services.org_signup(data=payload.dict())
    return Status(201, signup_out(None, org))


@router.get("/signups", response=Page[SignupOut], summary="待本辖区确认的机构注册")
def signup_list(request, q: Query[PageQuery]):
    return paginate(sel.signups_to_confirm(request.user), q, lambda o: signup_out(request.user, o))


@router.get("/signups/{org_id}", response=SignupOut, summary="机构注册详情")
def signup_detail(request, org_id: PathId):
    return signup_out(request.user, sel.signup_get_for(request.user, org_id))


class DecisionIn(Schema):
    action: str = Field(..., max_length=16, description="confirm 确认；return 退回（须填理由）")
    reason: str = Field("", max_length=2000)


@router.post("/signups/{org_id}/decision", response=SignupOut, summary="确认或退回机构注册")
def signup_decide(request, org_id: PathId, payload: DecisionIn):
    org = sel.signup_get_for(request.user, org_id)
    dispatch(services.SIGNUP_ACTIONS, payload.action, actor=request.user, org=org, reason=payload.reason)
    return signup_out(request.user, org)


@router.put("/signups/{org_id}", response=SignupOut, summary="修改被退回的注册并重新提交")
def signup_resubmit(request, org_id: PathId, payload: OrgFieldsIn):
    org = sel.signup_get_for(request.user, org_id)
    services.signup_resubmit(actor=request.user, org=org, data=payload.dict())
    return signup_out(request.user, org)

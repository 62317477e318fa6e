"""Accounts of the caller's jurisdiction: read (user.view) and administered by the security
administrator (user.manage): create with a first role, roles given and revoked, disable, enable,
password reset, unlock. The same services as the pages."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.errors import NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..selectors import actions as action_sel
from ..selectors import orgs as org_sel
from ..selectors import roles as role_sel
from ..selectors import users as sel
from ..services import roles as role_services
from ..services import users as services
from . import schemas
from .schemas import AccountOut, ReasonIn, RoleOut, TemporaryPasswordOut, UserOut, role_out

router = Router(tags=["账户与单位"])


@router.get("/users", response=Page[UserOut], summary="本辖区的用户")
def user_list(request, page: Query[PageQuery]):
    return paginate(sel.users_visible_to(request.user).order_by("id"), page)


@router.get("/users/{user_id}", response=UserOut, summary="用户详情")
def user_detail(request, user_id: PathId):
    return sel.user_get_for(request.user, user_id)


def account_out(actor, user) -> dict:
    roles = getattr(user, "current_assignments", None)
    if roles is None:
        roles = list(role_sel.assignments_of(user))
    return schemas.account_out(user, roles, action_sel.account_allowed_actions(actor, user))


class AccountQuery(PageQuery):
    q: str = Field("", max_length=100, description="用户名或姓名")
    org_id: Id | None = None
    active: bool | None = None


@router.get("/accounts", response=Page[AccountOut], summary="本辖区的账户（安全管理员）")
def account_list(request, q: Query[AccountQuery]):
    qs = sel.users_managed_by(request.user, q=q.q, org_id=q.org_id, active=q.active)
    return paginate(qs, q, lambda u: account_out(request.user, u))


@router.get("/accounts/{user_id}", response=AccountOut, summary="账户详情（安全管理员）")
def account_detail(request, user_id: PathId):
    return account_out(request.user, sel.user_managed_get_for(request.user, user_id))


class AccountIn(Schema):
    username: str = Field(..., max_length=150)
    full_name: str = Field(..., max_length=64)
    org_id: Id
    role: str = Field(..., max_length=48)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    password: str = Field(..., max_length=128, description="临时密码：本人首次登录须修改")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


@router.post("/accounts", response={201: AccountOut}, summary="创建账户并分配角色（安全管理员，本辖区）")
def account_create(request, payload: AccountIn):
    org = org_sel.org_managed_get_for(request.user, payload.org_id)
    user, _assignment = services.account_create(
        actor=request.user,
        username=payload.username,
        full_name=payload.full_name,
        org=org,
        role_code=payload.role,
        region_code=payload.region_code,
        password=payload.password,
        phone=payload.phone,
        email=payload.email,
    )
    return Status(201, account_out(request.user, user))


@router.post("/accounts/{user_id}/disable", response=AccountOut, summary="停用账户")
def account_disable(request, user_id: PathId, payload: ReasonIn):
    user = services.user_disable(
        actor=request.user, user=sel.user_managed_get_for(request.user, user_id), reason=payload.reason
    )
    return account_out(request.user, user)


@router.post("/accounts/{user_id}/enable", response=AccountOut, summary="重新启用账户")
def account_enable(request, user_id: PathId, payload: ReasonIn):
    user = services.user_enable(
        actor=request.user, user=sel.user_managed_get_for(request.user, user_id), reason=payload.reason
    )
    return account_out(request.user, user)


@router.post(
    "/accounts/{user_id}/password-reset", response=TemporaryPasswordOut, summary="重置密码（下次登录须修改）"
)
def account_password_reset(request, user_id: PathId, payload: ReasonIn):
    user = sel.user_managed_get_for(request.user, user_id)
    return {
        "temporary_password": services.user_password_reset(
            actor=request.user, user=user, reason=payload.reason
        )
    }


@router.post("/accounts/{user_id}/unlock", response={204: None}, summary="解除登录失败锁定")
def account_unlock(request, user_id: PathId, payload: ReasonIn):
    services.user_unlock(
        actor=request.user, user=sel.user_managed_get_for(request.user, user_id), reason=payload.reason
    )
    return Status(204, None)


class AssignIn(Schema):
    role: str = Field(..., max_length=48)
    org_id: Id
    region_code: str | None = Field(None, pattern=r"^\d{6}$")


@router.post("/users/{user_id}/roles", response={201: RoleOut}, summary="分配角色（三员分立）")
def user_assign_role(request, user_id: PathId, payload: AssignIn):
    user = sel.user_get_for(request.user, user_id)
    org = org_sel.org_get_for(request.user, payload.org_id)
    a = role_services.role_assign(
        actor=request.user, user=user, role_code=payload.role, org=org, region_code=payload.region_code
    )
    return Status(201, role_out(a))


@router.post("/users/{user_id}/roles/{assignment_id}/revoke", response={204: None}, summary="撤销角色")
def user_revoke_role(request, user_id: PathId, assignment_id: PathId, payload: ReasonIn):
    assignment = role_sel.managed_assignment_get_for(request.user, assignment_id)
    if assignment.user_id != user_id:
        raise NotFound()
    role_services.role_revoke(actor=request.user, assignment=assignment, reason=payload.reason)
    return Status(204, None)

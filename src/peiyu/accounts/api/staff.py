"""An institution's administrator manages its own staff (org.staff_manage). The same services as the
pages."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.errors import NotFound, PermissionDenied
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..selectors import actions as action_sel
from ..selectors import staff as sel
from ..services import staff as services
from .schemas import AccountOut, ReasonIn, TemporaryPasswordOut, account_out

router = Router(tags=["本单位人员"])


def staff_out(actor, user) -> dict:
    allowed = action_sel.account_allowed_actions(actor, user, "org.staff_manage")
    return account_out(user, user.current_assignments, allowed)


def _staff(request, user_id):
    return sel.staff_get_for(request.user, user_id)


@router.get("/staff", response=Page[AccountOut], summary="本单位人员及其角色")
def staff_list(request, q: Query[PageQuery]):
    return paginate(sel.staff_of(request.user), q, lambda u: staff_out(request.user, u))


class StaffIn(Schema):
    username: str = Field(..., max_length=150)
    full_name: str = Field(..., max_length=64)
    role: str = Field(
        ...,
        max_length=48,
        description="本机构岗位角色：institution_admin、applications_officer、training_admin",
    )
    password: str = Field(..., max_length=128, description="临时密码：本人首次登录须修改")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


@router.post("/staff", response={201: AccountOut}, summary="为本单位人员创建账户")
def staff_create(request, payload: StaffIn):
    org = sel.staff_org_of(request.user)
    if org is None:
        raise PermissionDenied("您没有管理本单位人员的权限")
    user, _assignment = services.staff_create(
        actor=request.user,
        org=org,
        username=payload.username,
        full_name=payload.full_name,
        password=payload.password,
        role_code=payload.role,
        phone=payload.phone,
        email=payload.email,
    )
    return Status(201, staff_out(request.user, _staff(request, user.pk)))


class StaffRoleIn(Schema):
    role: str = Field(..., max_length=48)


@router.post("/staff/{user_id}/roles", response=AccountOut, summary="给本单位人员分配岗位角色")
def staff_role_assign(request, user_id: PathId, payload: StaffRoleIn):
    services.staff_role_assign(actor=request.user, user=_staff(request, user_id), role_code=payload.role)
    return staff_out(request.user, _staff(request, user_id))


@router.post(
    "/staff/{user_id}/roles/{assignment_id}/revoke", response=AccountOut, summary="撤销本单位人员的岗位角色"
)
def staff_role_revoke(request, user_id: PathId, assignment_id: PathId, payload: ReasonIn):
    person = _staff(request, user_id)
    assignment = sel.staff_assignment_get_for(request.user, assignment_id)
    if assignment.user_id != person.pk:
        raise NotFound()
    services.staff_role_revoke(actor=request.user, assignment=assignment, reason=payload.reason)
    return staff_out(request.user, _staff(request, user_id))


@router.post("/staff/{user_id}/disable", response=AccountOut, summary="停用本单位人员账户")
def staff_disable(request, user_id: PathId, payload: ReasonIn):
    services.staff_disable(actor=request.user, user=_staff(request, user_id), reason=payload.reason)
    return staff_out(request.user, _staff(request, user_id))


@router.post("/staff/{user_id}/enable", response=AccountOut, summary="重新启用本单位人员账户")
def staff_enable(request, user_id: PathId, payload: ReasonIn):
    services.staff_enable(actor=request.user, user=_staff(request, user_id), reason=payload.reason)
    return staff_out(request.user, _staff(request, user_id))


@router.post("/staff/{user_id}/password-reset", response=TemporaryPasswordOut, summary="重置本单位人员密码")
def staff_password_reset(request, user_id: PathId, payload: ReasonIn):
    plain = services.staff_password_reset(
        actor=request.user, user=_staff(request, user_id), reason=payload.reason
    )
    return {"temporary_password": plain}

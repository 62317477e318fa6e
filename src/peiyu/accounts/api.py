from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.identifiers import mask_phone
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from . import selectors, services
from .scoping import capabilities_of

router = Router(tags=["账户与单位"])


class RoleOut(Schema):
    role: str
    role_name: str
    org_id: int
    org_name: str
    region_code: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    capabilities: list[str]
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="当前用户、角色与权限")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "capabilities": sorted(capabilities_of(user)),
        "roles": [
            {
                "role": a.role.code,
                "role_name": a.role.name,
                "org_id": a.org_id,
                "org_name": a.org.name,
                "region_code": a.region_id or "",
            }
            for a in selectors.assignments_of(user)
        ],
    }


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None = Field(None, alias="parent_id")


class RegionQuery(PageQuery):
    parent: str = Field("", pattern=r"^(\d{6})?$", description="上级区划代码；留空为省级")


@router.get("/regions", response=Page[RegionOut], auth=None, summary="行政区划（GB/T 2260），按上级查询")
def regions(request, q: Query[RegionQuery]):
    return paginate(selectors.regions_children(q.parent or None).order_by("code"), q)


@router.get("/regions/{code}", response=RegionOut, auth=None, summary="行政区划详情")
def region_detail(request, code: str):
    return selectors.region_get(code)


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region_code: str | None = Field(None, alias="region_id")
    uscc: str | None
    recommended_by_id: int | None
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class OrgQuery(PageQuery):
    kind: str = Field("", max_length=32)


@router.get("/orgs", response=Page[OrgOut], summary="本辖区的单位")
def org_list(request, q: Query[OrgQuery]):
    qs = selectors.orgs_visible_to(request.user).order_by("id")
    return paginate(qs.filter(kind=q.kind) if q.kind else qs, q)


@router.get("/orgs/{org_id}", response=OrgOut, summary="单位详情")
def org_detail(request, org_id: PathId):
    return selectors.org_get_for(request.user, org_id)


class OrgIn(Schema):
    name: Annotated[str, Text(200)] = Field(..., min_length=1)
    kind: str = Field(..., max_length=32)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    uscc: str | None = Field(None, max_length=40)


@router.post("/orgs", response={201: OrgOut}, summary="登记单位")
def org_create(request, payload: OrgIn):
    org = services.org_create(actor=request.user, **payload.dict())
    return Status(201, org)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    org_id: int | None = Field(None, alias="primary_org_id")
    phone_masked: str
    is_active: bool

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


@router.get("/users", response=Page[UserOut], summary="本辖区的用户")
def user_list(request, page: Query[PageQuery]):
    return paginate(selectors.users_visible_to(request.user).order_by("id"), page)


@router.get("/users/{user_id}", response=UserOut, summary="用户详情")
def user_detail(request, user_id: PathId):
    return selectors.user_get_for(request.user, user_id)


class AssignIn(Schema):
    role: str = Field(..., max_length=48)
    org_id: Id
    region_code: str | None = Field(None, pattern=r"^\d{6}$")


@router.post("/users/{user_id}/roles", response={201: RoleOut}, summary="分配角色（三员分立）")
def user_assign_role(request, user_id: PathId, payload: AssignIn):
    user = selectors.user_get_for(request.user, user_id)
    org = selectors.org_get_for(request.user, payload.org_id)
    a = services.role_assign(
        actor=request.user, user=user, role_code=payload.role, org=org, region_code=payload.region_code
    )
    return Status(
        201,
        {
            "role": a.role.code,
            "role_name": a.role.name,
            "org_id": a.org_id,
            "org_name": a.org.name,
            "region_code": a.region_id or "",
        },
    )


class TokenIn(Schema):
    name: Annotated[str, Text(100)] = Field(..., min_length=1)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    expires_at: str
    token: str | None = None


@router.post("/tokens", response={201: TokenOut}, summary="创建本人接口令牌（只显示一次）")
def token_create(request, payload: TokenIn):
    token, plain = services.api_token_create(actor=request.user, name=payload.name)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
            "token": plain,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销本人接口令牌")
def token_revoke(request, token_id: PathId):
    services.api_token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)

"""Regions (public reference data) and organisations of the caller's jurisdiction."""

from __future__ import annotations

from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..selectors import orgs as sel
from ..selectors import regions as region_sel
from ..services import orgs as services

router = Router(tags=["账户与单位"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None = Field(None, alias="parent_id")


class RegionQuery(PageQuery):
    parent: str = Field("", pattern=r"^(\d{6})?$", description="上级区划代码；留空为省级")


@router.get("/regions", response=Page[RegionOut], auth=None, summary="行政区划（GB/T 2260），按上级查询")
def regions(request, q: Query[RegionQuery]):
    return paginate(region_sel.regions_children(q.parent or None).order_by("code"), q)


@router.get("/regions/{code}", response=RegionOut, auth=None, summary="行政区划详情")
def region_detail(request, code: str):
    return region_sel.region_get(code)


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region_code: str | None = Field(None, alias="region_id")
    uscc: str | None
    recommended_by_id: int | None
    is_active: bool
    status: str
    status_label: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class OrgQuery(PageQuery):
    kind: str = Field("", max_length=32)


@router.get("/orgs", response=Page[OrgOut], summary="本辖区的单位")
def org_list(request, q: Query[OrgQuery]):
    qs = sel.orgs_visible_to(request.user).order_by("id")
    return paginate(qs.filter(kind=q.kind) if q.kind else qs, q)


@router.get("/orgs/{org_id}", response=OrgOut, summary="单位详情")
def org_detail(request, org_id: PathId):
    return sel.org_get_for(request.user, org_id)


class OrgIn(Schema):
    name: Annotated[str, Text(200)] = Field(..., min_length=1)
    kind: str = Field(..., max_length=32)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    uscc: str | None = Field(None, max_length=40)


@router.post("/orgs", response={201: OrgOut}, summary="登记单位")
def org_create(request, payload: OrgIn):
    org = services.org_create(actor=request.user, **payload.dict())
    return Status(201, org)

"""The public institution catalog in the API (CAT-4): anyone may search the listings and read one,
so every route here is `auth=None` and read-only. The same selector serves the pages at /catalog/.

No `from __future__ import annotations` here: ninja must see the real Query[...] types. The output
models are plain pydantic models validating plain dicts: ninja's Schema resolves each attribute
through Django-aware getters, which cost more than the whole search on this hot path."""

import datetime as dt

import orjson
from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import BaseModel, Field

from peiyu.core.cache import public_response_cache
from peiyu.core.schemas import validated_json

from ..selectors import catalog as selectors

router = Router(tags=["机构目录"])

STATUS_PATTERN = "^(" + "|".join(selectors.STATUS_FILTERS) + ")?$"


class CatalogQuery(Schema):
    q: str = Field(
        "", max_length=selectors.Q_MAX, description="关键字：机构名称、职业名称或编码、目录编号、统一编码"
    )
    programme: str = Field(
        "", pattern=r"^(dte|skill)?$", description="项目：dte 数字技术工程师，skill 职业技能等级认定"
    )
    kind: str = Field(
        "",
        pattern=r"^(training|evaluation)?$",
        description="机构类别：training 培训机构，evaluation 评价机构",
    )
    occupation: str = Field("", max_length=32, description="职业（工种）编码")
    level: str = Field("", max_length=16, description="等级名称，如 初级、五级（或别称 初级工）")
    region: str = Field(
        "", pattern=r"^(\d{6})?$", description="所在地区的 6 位行政区划代码；省、市代码含其下辖地区"
    )
    status: str = Field(
        "",
        pattern=STATUS_PATTERN,
        description="状态：valid 今日有效，active 有效，suspended 暂停，expired 已到期，forfeited 视为主动放弃，"
        "terminated 已注销；空为全部公开状态（已退出目录的条目不公开）",
    )
    limit: int = Field(
        selectors.PAGE_SIZE,
        ge=1,
        le=selectors.MAX_PAGE_SIZE,
        description=f"每页条数（1–{selectors.MAX_PAGE_SIZE}，默认 {selectors.PAGE_SIZE}）",
    )
    offset: int = Field(
        0, ge=0, le=selectors.MAX_PAGE * selectors.MAX_PAGE_SIZE, description="跳过的条数（从 0 开始）"
    )


class CatalogListingOut(BaseModel):
    number: str = Field(..., description="目录编号")
    institution_name: str
    programme: str
    programme_label: str
    kind: str
    kind_label: str
    institution_type: str
    occupation_code: str
    occupation_name: str
    levels: list[str]
    region_code: str = Field(..., description="所在地区代码")
    region_name: str = Field(..., description="所在地区全称")
    catalog_region_code: str | None = Field(None, description="目录范围（空为全国目录）")
    catalog_region_name: str
    status: str
    status_label: str
    valid: bool = Field(..., description="今日是否有效：状态为有效且今日在有效期内（DIR-1）")
    valid_from: dt.date
    valid_until: dt.date
    filing_code: str | None = Field(None, description="统一编码")
    reapply_banned_until: dt.date | None = Field(
        None, description="视为主动放弃后，此日期前不得再次申报该职业（DIR-3）"
    )


class CatalogPageOut(BaseModel):
    """The one list envelope (`items`, `count`), with what a capped count needs: whether `count` is
    a lower bound and whether another page follows."""

    items: list[CatalogListingOut]
    count: int = Field(..., description="符合条件的条目数；count_capped 为真时表示“至少这么多”")
    count_capped: bool
    has_next: bool
    limit: int
    offset: int


class CatalogHistoryOut(BaseModel):
    at: dt.datetime
    from_status: str
    from_label: str
    to_status: str
    to_label: str
    reason: str


class CatalogPeriodOut(BaseModel):
    number: int
    valid_from: dt.date
    valid_until: dt.date


class CatalogListingDetailOut(CatalogListingOut):
    status_reason: str
    period: int = Field(..., description="第几个有效期")
    address: str
    contact_name: str
    contact_phone: str
    periods: list[CatalogPeriodOut]
    history: list[CatalogHistoryOut]


_encode = orjson.dumps  # compact UTF-8 bytes, as the JSON encoder wrote them, ten times faster (ADR 0017)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _listing_json(r) -> dict:
    """A listing as CatalogListingOut publishes it, as JSON-ready values (dates as ISO text)."""
    return {
        **_listing_out(r),
        "valid_from": r.valid_from.isoformat(),
        "valid_until": r.valid_until.isoformat(),
        "reapply_banned_until": _day(r.reapply_banned_until),
    }


def _listing_out(r) -> dict:
    return {
        "number": r.number,
        "institution_name": r.institution_name,
        "programme": r.programme,
        "programme_label": r.programme_label,
        "kind": r.kind,
        "kind_label": r.kind_label,
        "institution_type": r.institution_type,
        "occupation_code": r.occupation_code,
        "occupation_name": r.occupation_name,
        "levels": r.levels,
        "region_code": r.region_code,
        "region_name": r.region_name,
        "catalog_region_code": r.catalog_region_code,
        "catalog_region_name": r.catalog_region_name,
        "status": r.status,
        "status_label": r.status_label,
        "valid": r.valid,
        "valid_from": r.valid_from,
        "valid_until": r.valid_until,
        "filing_code": r.filing_code,
        "reapply_banned_until": r.reapply_banned_until,
    }


@router.get("/catalog/listings", auth=None, response=CatalogPageOut, summary="机构目录检索")
@decorate_view(public_response_cache(selectors.CATALOG_GENERATION))
def catalog_listings(request, query: Query[CatalogQuery]):
    params = query.dict()
    limit, offset = params.pop("limit"), params.pop("offset")
    page = selectors.catalog_search(**params, page_size=limit, offset=offset)
    # Written directly in CatalogPageOut's shape (the published schema; the tests validate answers
    # against it): the selector has already shaped every value, and validating twenty listings with
    # pydantic before writing them cost a quarter of this route's work beyond the floor.
    body = {
        "items": [_listing_json(r) for r in page.rows],
        "count": page.total,
        "count_capped": page.total_capped,
        "has_next": page.has_next,
        "limit": limit,
        "offset": offset,
    }
    return HttpResponse(_encode(body), content_type="application/json")


@router.get(
    "/catalog/listings/{number}", auth=None, response=CatalogListingDetailOut, summary="机构目录条目详情"
)
@decorate_view(public_response_cache(selectors.CATALOG_GENERATION))
def catalog_listing(request, number: str):
    entry = selectors.catalog_get_public(number)
    body = _listing_out(entry.row)
    body.update(
        status_reason=entry.status_reason,
        period=entry.period,
        address=entry.address,
        contact_name=entry.contact_name,
        contact_phone=entry.contact_phone,
        periods=[{"number": n, "valid_from": a, "valid_until": b} for n, a, b in entry.periods],
        history=[
            {
                "at": h.at,
                "from_status": h.from_status,
                "from_label": h.from_label,
                "to_status": h.to_status,
                "to_label": h.to_label,
                "reason": h.reason,
            }
            for h in entry.history
        ],
    )
    return validated_json(CatalogListingDetailOut, body)

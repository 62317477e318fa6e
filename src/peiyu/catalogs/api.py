"""Public reference catalogs (CAT-4): occupations, levels, industries and trades can be queried by
anyone, so every route here is `auth=None` and read-only. Every list is `{items, count}` with
`limit`/`offset` (peiyu.core.pagination).

No `from __future__ import annotations` here: ninja must see the real Query[...] types."""

from ninja import Query, Router
from pydantic import Field

from peiyu.core.pagination import Page, PageQuery, paginate

from . import selectors
from .schemas import IndustryOut, LevelOut, OccupationDetailOut, OccupationOut, TradeOut

router = Router(tags=["参考目录"])


def _occupation_out(o, *, detail: bool = False, levels=None) -> dict:
    body = {
        "code": o.code,
        "alias_codes": list(o.alias_codes),
        "name": o.name,
        "programme": o.programme,
        "kind": o.kind,
        "code_source": o.code_source,
        "confidence": o.confidence,
        "directions": [{"id": d.id, "name": d.name} for d in o.active_directions],
    }
    if detail:
        body["provenance"] = o.provenance
        body["levels"] = levels or []
    return body


class OccupationQuery(PageQuery):
    programme: str = Field("", pattern=r"^(dte|skill)?$")


@router.get("/occupations", auth=None, response=Page[OccupationOut], summary="职业目录")
def occupation_list(request, q: Query[OccupationQuery]):
    return paginate(selectors.occupations_public(q.programme or None), q, _occupation_out)


@router.get(
    "/occupations/{code}", auth=None, response=OccupationDetailOut, summary="职业详情（可用别名编码查询）"
)
def occupation_detail(request, code: str):
    occupation = selectors.occupation_get_public(code)
    return _occupation_out(occupation, detail=True, levels=selectors.levels_public(occupation.kind))


class LevelQuery(PageQuery):
    kind: str = Field("", pattern=r"^(professional|skill)?$")


@router.get("/levels", auth=None, response=Page[LevelOut], summary="等级（专业技术等级、职业技能等级）")
def level_list(request, q: Query[LevelQuery]):
    return paginate(selectors.levels_public(q.kind or None), q)


@router.get(
    "/industries", auth=None, response=Page[IndustryOut], summary="国民经济行业门类（GB/T 4754-2017）"
)
def industry_list(request, page: Query[PageQuery]):
    return paginate(selectors.industries_public(), page)


class TradeQuery(PageQuery):
    q: str = Field("", max_length=50, description="编码前缀或名称关键字")
    occupation_code: str = Field("", max_length=32)


@router.get("/trades", auth=None, response=Page[TradeOut], summary="工种目录（职业技能等级认定）")
def trade_list(request, q: Query[TradeQuery]):
    return paginate(selectors.trades_public(q.q.strip(), q.occupation_code.strip()), q)

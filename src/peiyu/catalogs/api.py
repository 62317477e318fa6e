"""Public reference catalogs (CAT-4): occupations, levels, industries and trades can be queried by
anyone, so every route here is `auth=None` and read-only.

No `from __future__ import annotations` here: ninja's @paginate must see the real Query[...] types."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

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


class OccupationQuery(Schema):
    programme: str = Field("", pattern=r"^(dte|skill)?$")


@router.get("/occupations", auth=None, response=list[OccupationOut], summary="职业目录")
def occupation_list(request, q: Query[OccupationQuery]):
    return [_occupation_out(o) for o in selectors.occupations_public(q.programme or None)]


@router.get(
    "/occupations/{code}", auth=None, response=OccupationDetailOut, summary="职业详情（可用别名编码查询）"
)
def occupation_detail(request, code: str):
    occupation = selectors.occupation_get_public(code)
    return _occupation_out(occupation, detail=True, levels=selectors.levels_public(occupation.kind))


class LevelQuery(Schema):
    kind: str = Field("", pattern=r"^(professional|skill)?$")


@router.get("/levels", auth=None, response=list[LevelOut], summary="等级（专业技术等级、职业技能等级）")
def level_list(request, q: Query[LevelQuery]):
    return selectors.levels_public(q.kind or None)


@router.get(
    "/industries", auth=None, response=list[IndustryOut], summary="国民经济行业门类（GB/T 4754-2017）"
)
def industry_list(request):
    return selectors.industries_public()


class TradeQuery(Schema):
    q: str = Field("", max_length=50, description="编码前缀或名称关键字")
    occupation_code: str = Field("", max_length=32)


@router.get("/trades", auth=None, response=list[TradeOut], summary="工种目录（职业技能等级认定）")
@paginate
def trade_list(request, q: Query[TradeQuery]):
    return selectors.trades_public(q.q.strip(), q.occupation_code.strip())

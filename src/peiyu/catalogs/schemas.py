from __future__ import annotations

from ninja import Schema
from pydantic import Field


class DirectionOut(Schema):
    id: int
    name: str


class OccupationOut(Schema):
    code: str = Field(..., description="职业编码（2022年版职业分类大典，无则为稳定编码）")
    alias_codes: list[str] = Field(..., description="别名编码，如2021年国家职业技术技能标准上的编码")
    name: str
    programme: str
    kind: str = Field(..., description="等级类型：professional 专业技术等级，skill 职业技能等级")
    code_source: str
    confidence: str = Field(..., description="confirmed 已确认，to_verify 待核实")
    directions: list[DirectionOut]


class OccupationDetailOut(OccupationOut):
    provenance: str
    levels: list[LevelOut]


class LevelOut(Schema):
    code: str
    name: str
    kind: str
    rank: int
    number: int | None
    aliases: list[str]


class IndustryOut(Schema):
    code: str
    name: str


class TradeOut(Schema):
    code: str
    name: str
    occupation_code: str
    occupation_name: str | None = None

    @staticmethod
    def resolve_occupation_name(obj) -> str | None:
        occupation = getattr(obj, "occupation", None)
        return occupation.name if occupation is not None else None


OccupationDetailOut.model_rebuild()

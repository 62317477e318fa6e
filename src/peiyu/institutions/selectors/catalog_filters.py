"""The public catalog's search filters (CAT-4): what may be asked for, checked, and the labels of
statuses, programmes, kinds and institution types the catalog shows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext_lazy as _

from peiyu.catalogs.selectors import programme_labels
from peiyu.core.cleaning import CONTROL_MESSAGE, has_control_characters
from peiyu.core.errors import InvalidInput

from ..models import InstitutionType, Kind, Listing

S = Listing.Status
SHOWN_STATUSES: tuple[str, ...] = (S.ACTIVE, S.SUSPENDED, S.EXPIRED, S.FORFEITED, S.TERMINATED)
HIDDEN_STATUSES: tuple[str, ...] = (S.REMOVED,)
VALID = "valid"  # pseudo-status of the filter: active and within its dates today
STATUS_FILTERS: tuple[str, ...] = (VALID, *SHOWN_STATUSES)
STATUS_LABELS: dict[str, Any] = dict(S.choices)
STATUS_FILTER_LABELS: dict[str, Any] = {VALID: _("今日有效"), **{s: STATUS_LABELS[s] for s in SHOWN_STATUSES}}
PROGRAMME_LABELS: dict[str, Any] = programme_labels()
KIND_LABELS: dict[str, Any] = dict(Kind.choices)
INSTITUTION_TYPE_LABELS: dict[str, Any] = dict(InstitutionType.choices)

Q_MAX = 50
Q_TERMS = 5
REGION_CODE = re.compile(r"^\d{6}$")
# Prefecture-level names of GB/T 2260 that are placeholders rather than places (北京市 市辖区 东城区).
PLACEHOLDER_REGION_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
LEVEL_SEP = "|"


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    programme: str = ""
    kind: str = ""
    occupation: str = ""
    level: str = ""
    region: str = ""
    status: str = ""

    @property
    def terms(self) -> list[str]:
        """The words of `q`, lowercase, at most Q_TERMS; the level separator is not searchable."""
        words = self.q.lower().replace(LEVEL_SEP, " ").split()
        return list(dict.fromkeys(words))[:Q_TERMS]

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def as_params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


FILTER_NAMES = tuple(f.name for f in fields(CatalogFilters))
FILTER_LABELS = {
    "q": "关键字",
    "programme": "项目",
    "kind": "机构类别",
    "occupation": "职业（工种）",
    "level": "等级",
    "region": "地区",
    "status": "状态",
}


def catalog_filters(data: Mapping[str, Any] | None = None, **values: Any) -> CatalogFilters:
    """Checked filters from a mapping (GET parameters) or keywords; InvalidInput names each bad one.
    Empty values mean "any"."""
    raw = {name: "" for name in FILTER_NAMES}
    errors: dict[str, list[str]] = {}
    for source in (data or {}, values):
        for name in FILTER_NAMES:
            if name in source and source[name] is not None:
                text = str(source[name])
                if has_control_characters(text):  # NUL and the like: no search, no export, no 500
                    errors[name] = [f"{FILTER_LABELS[name]}{CONTROL_MESSAGE}"]
                    continue
                raw[name] = " ".join(text.split())
    if "q" not in errors and len(raw["q"]) > Q_MAX:
        errors["q"] = [f"关键字不超过 {Q_MAX} 个字"]
    if raw["programme"] and raw["programme"] not in PROGRAMME_LABELS:
        errors["programme"] = ["项目只能是 " + "、".join(PROGRAMME_LABELS)]
    if raw["kind"] and raw["kind"] not in KIND_LABELS:
        errors["kind"] = ["机构类别只能是 " + "、".join(KIND_LABELS)]
    if len(raw["occupation"]) > 32:
        errors["occupation"] = ["职业编码不超过 32 个字符"]
    if len(raw["level"]) > 16:
        errors["level"] = ["等级不超过 16 个字"]
    if raw["region"] and not REGION_CODE.match(raw["region"]):
        errors["region"] = ["地区须为 6 位行政区划代码"]
    if raw["status"] and raw["status"] not in STATUS_FILTERS:
        errors["status"] = ["状态只能是 " + "、".join(STATUS_FILTERS) + "（已退出目录的条目不公开）"]
    if errors:
        raise InvalidInput("检索条件有误", fields=errors)
    return CatalogFilters(**raw)

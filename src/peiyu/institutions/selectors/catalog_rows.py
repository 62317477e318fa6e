"""Rows of the public catalog as the public sees them: labels in the request's language, valid
today or not (DIR-1), and the regions' full names, which each process keeps for a while."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import Region

from .catalog_filters import (
    INSTITUTION_TYPE_LABELS,
    KIND_LABELS,
    PLACEHOLDER_REGION_NAMES,
    PROGRAMME_LABELS,
    STATUS_FILTER_LABELS,
    STATUS_LABELS,
    S,
)

ROW_COLUMNS = (
    "id",
    "number",
    "institution_name",
    "programme",
    "kind",
    "institution_type",
    "occupation_code",
    "occupation_name",
    "levels",
    "region_id",
    "catalog_region_id",
    "status",
    "valid_from",
    "valid_until",
    "filing_code",
    "reapply_banned_until",
)


def labels() -> dict[str, dict[str, str]]:
    """The labels of statuses, programmes, kinds and institution types as text in the active
    language, made once per language (a lazy label costs a translation lookup per use, and a page
    shows a hundred of them)."""
    language = translation.get_language() or ""
    made = _labels.get(language)
    if made is None:
        made = {
            "status": {k: str(v) for k, v in STATUS_LABELS.items()},
            "status_filter": {k: str(v) for k, v in STATUS_FILTER_LABELS.items()},
            "programme": {k: str(v) for k, v in PROGRAMME_LABELS.items()},
            "kind": {k: str(v) for k, v in KIND_LABELS.items()},
            "institution_type": {k: str(v) for k, v in INSTITUTION_TYPE_LABELS.items()},
            "misc": {"outside_dates": str(_("不在有效期内"))},
        }
        _labels[language] = made
    return made


_labels: dict[str, dict[str, dict[str, str]]] = {}


@dataclass(slots=True)
class CatalogRow:
    """One listing as the public sees it; labels are text in the language of the request."""

    id: int
    number: str
    institution_name: str
    programme: str
    kind: str
    institution_type: str
    occupation_code: str
    occupation_name: str
    levels: list[str]
    region_code: str
    catalog_region_code: str | None
    status: str
    valid_from: dt.date
    valid_until: dt.date
    filing_code: str | None
    reapply_banned_until: dt.date | None
    valid: bool = False  # DIR-1: active and today within valid_from–valid_until
    region_name: str = ""
    catalog_region_name: str = ""
    status_label: str = ""
    display_status: str = ""  # 有效 only when valid today; an active entry outside its dates says so
    programme_label: str = ""
    kind_label: str = ""
    institution_type_label: str = ""
    levels_text: str = ""

    @property
    def reapply_ban_text(self) -> str:
        if not self.reapply_banned_until:
            return ""
        return str(_("至 %(date)s 前不得再次申报该职业")) % {"date": self.reapply_banned_until.isoformat()}


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_levels_seen: dict[str, list[str]] = {}


def _as_list(value) -> list[str]:
    """A JSON list of levels; the few distinct texts (初级, 初级+中级 …) are decoded once."""
    if isinstance(value, str | bytes):
        key = value if isinstance(value, str) else value.decode()
        decoded = _levels_seen.get(key)
        if decoded is None:
            decoded = [str(v) for v in json.loads(key) or []]
            if len(_levels_seen) < 4096:
                _levels_seen[key] = decoded
        return list(decoded)
    return [str(v) for v in value or []]


def _rows(values: list[tuple], today: dt.date) -> list[CatalogRow]:
    """Rows from ROW_COLUMNS tuples as the database returned them (SQLite gives dates and JSON as
    text), with the valid-today flag and the regions' full names."""
    text = labels()
    status_text, programme_text, kind_text = text["status"], text["programme"], text["kind"]
    type_text, outside = text["institution_type"], text["misc"]["outside_dates"]
    rows = []
    for v in values:
        row = CatalogRow(
            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], _as_list(v[8]), v[9], v[10], v[11],
            _as_date(v[12]), _as_date(v[13]), v[14], _as_date(v[15]),  # type: ignore[arg-type]  # NOT NULL dates
        )  # fmt: skip
        row.valid = valid = row.status == S.ACTIVE and row.valid_from <= today <= row.valid_until
        row.status_label = status_text.get(row.status, row.status)
        row.display_status = outside if row.status == S.ACTIVE and not valid else row.status_label
        row.programme_label = programme_text.get(row.programme, row.programme)
        row.kind_label = kind_text.get(row.kind, row.kind)
        row.institution_type_label = type_text.get(row.institution_type, row.institution_type)
        row.levels_text = "、".join(row.levels)
        rows.append(row)
    codes = {r.region_code for r in rows} | {r.catalog_region_code for r in rows if r.catalog_region_code}
    names = region_full_names(codes)
    for row in rows:
        row.region_name = names.get(row.region_code, row.region_code)
        if row.catalog_region_code:
            row.catalog_region_name = names.get(row.catalog_region_code, row.catalog_region_code)
    return rows


# --- region names ----------------------------------------------------------------------------------------

# Region names are reference data that almost never change (GB/T 2260 renames): each process reads
# all of them (some 3 000 short rows, one query) and keeps them for REGION_NAMES_TTL seconds, so a
# page asks for none; a code it does not know yet (a region added since) is looked up alone.
REGION_NAMES_TTL = 300.0
_region_names: dict[str, str] = {}
_full_names: dict[str, str] = {}
_region_names_loaded = 0.0
_region_lock = threading.Lock()


def _names_of(codes: set[str]) -> dict[str, str]:
    global _region_names_loaded
    now = time.monotonic()
    if now - _region_names_loaded > REGION_NAMES_TTL:
        every = dict(Region.objects.values_list("code", "name"))
        with _region_lock:
            _region_names.clear()
            _full_names.clear()
            _region_names.update(every)
            _region_names_loaded = now
    with _region_lock:
        missing = [c for c in codes if c and c not in _region_names]
    if missing:
        found: dict[str, str] = {}
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found.update(Region.objects.filter(code__in=chunk).values_list("code", "name"))
        with _region_lock:
            _region_names.update(found)
            for code in missing:
                _region_names.setdefault(code, "")  # unknown codes are not asked for again
    with _region_lock:
        return {c: _region_names.get(c, "") for c in codes}


def region_full_names(codes: set[str]) -> dict[str, str]:
    """'辽宁省沈阳市和平区' for 210102: province, city (unless a placeholder such as 市辖区) and
    district names; the code itself when the region is unknown."""
    known = _full_names
    if time.monotonic() - _region_names_loaded <= REGION_NAMES_TTL and all(c in known for c in codes if c):
        return {c: known[c] for c in codes if c}
    codes = {c for c in codes if c}
    parts: dict[str, tuple[str, ...]] = {}
    for code in codes:
        chain: tuple[str, ...] = (code[:2] + "0000", code[:4] + "00", code)
        parts[code] = tuple(dict.fromkeys(chain))
    names = _names_of({c for chain in parts.values() for c in chain})
    out = {}
    for code, chain in parts.items():
        if not names.get(code):
            out[code] = code  # not kept: a region added later gets its name
            continue
        out[code] = known[code] = "".join(
            names[c]
            for c in chain
            if names.get(c) and (c == code or names[c] not in PLACEHOLDER_REGION_NAMES)
        )
    return out


def forget_region_names() -> None:
    """Drop the region names this process has read."""
    global _region_names_loaded
    with _region_lock:
        _region_names.clear()
        _full_names.clear()
        _region_names_loaded = 0.0

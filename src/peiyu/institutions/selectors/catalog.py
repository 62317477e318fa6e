"""The public institution catalog (CAT-3, CAT-4, DIR-1): anyone may search the listings, read one
and export a search, without logging in. No actor and no scope: what is public is decided here.

Shown: every listing except those removed from the catalog (退出目录); each row says whether it is
valid today (status active and today within valid_from–valid_until, DIR-1), so an expired, forfeited,
suspended or terminated entry stays findable with its dates but is never presented as valid.

Speed at 100 000 listings (benchmarks/run.py `catalog`): hand-written SQL (see _where), a page is
one query for the newest matches (ids chosen first, then only the columns shown), one count capped
at COUNT_CAP and only when a single index answers it (other searches page on with "more"), and a
region name lookup only for regions this process has not named yet. Region filters are code ranges
as in accounts.scoping.Scope.q. Keyword and level filters match `search_text`, the denormalised
lowercase line written by listing_search_text() (services call it whenever they save a listing);
those are substring matches, so a rare keyword reads every listing (tens of milliseconds at 100 000
rows): a trigram or full-text index would serve them."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import Region
from peiyu.catalogs.selectors import level_rows_in_force, occupation_rows_in_force, programme_labels
from peiyu.core.cache import Generation
from peiyu.core.errors import InvalidInput, NotFound
from peiyu.core.models import TransitionLog
from peiyu.core.policy import region_prefix

from ..models import InstitutionType, Kind, Listing, ListingPeriod
from ..rules.listings import search_text

# Bumped by every write the catalog shows (institutions.signals); the public pages and API answers
# cached for anonymous visitors are keyed by it (core.cache.public_response_cache).
CATALOG_GENERATION = Generation("catalog")

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

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 5000
COUNT_CAP = 1000  # matches counted per search; beyond it the total reads "1000+"
EXPORT_CAP = 20_000  # rows per xlsx export
Q_MAX = 50
Q_TERMS = 5
SEARCH_TEXT_MAX = Listing._meta.get_field("search_text").max_length or 400
REGION_CODE = re.compile(r"^\d{6}$")
# Prefecture-level names of GB/T 2260 that are placeholders rather than places (北京市 市辖区 东城区).
PLACEHOLDER_REGION_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
LEVEL_SEP = "|"

# Columns a row of the list, the API and the export need; nothing else is read.
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


# --- the denormalised search line ------------------------------------------------------------------------


# one definition of the search line, shared with the services that save listings
listing_search_text = search_text


# --- filters ---------------------------------------------------------------------------------------------


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


def catalog_filters(data: Mapping[str, Any] | None = None, **values: Any) -> CatalogFilters:
    """Checked filters from a mapping (GET parameters) or keywords; InvalidInput names each bad one.
    Empty values mean "any"."""
    raw = {name: "" for name in FILTER_NAMES}
    for source in (data or {}, values):
        for name in FILTER_NAMES:
            if name in source and source[name] is not None:
                raw[name] = " ".join(str(source[name]).split())
    errors: dict[str, list[str]] = {}
    if len(raw["q"]) > Q_MAX:
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


def _level_name(level: str) -> str:
    """A level by its name or alias (初级工 → 五级, CAT-2)."""
    for name, aliases in _choices()["level_aliases"]:
        if level == name or level in aliases:
            return name
    return level


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class _Sql:
    """Names of the listing table and its columns, quoted for the connection in use (one per
    database vendor, made once)."""

    _made: dict[str, _Sql] = {}

    def __new__(cls) -> _Sql:
        made = cls._made.get(connection.vendor)
        if made is None:
            made = super().__new__(cls)
            qn = connection.ops.quote_name
            meta = Listing._meta
            made.table = qn(meta.db_table)
            made.col = {f.attname: qn(f.column) for f in meta.concrete_fields}
            made.row_columns = ", ".join(made.col[name] for name in ROW_COLUMNS)
            cls._made[connection.vendor] = made
        return made

    table: str
    col: dict[str, str]
    row_columns: str


def _where(f: CatalogFilters, today: dt.date, *, for_count: bool = False) -> tuple[str, list[Any], bool]:
    """The WHERE clause of a search, its parameters, and whether one index alone answers it (then
    counting the matches reads that index only). Hand-written SQL rather than the ORM: at 100 000
    listings the database answers in a fraction of a millisecond and compiling the ORM's query took
    three times as long (benchmarks/run.py `catalog`). Every value is a parameter.

    The page is the newest matches (ORDER BY id DESC LIMIT n). PostgreSQL plans that well from plain
    conditions. SQLite takes one index per table, so for a page (not for a count) the clause steers
    it, as measured at 100 000 listings: within a province (a few per cent of the listings) it walks
    the table newest first and stops at the page's last match (columns written `+col` are not
    looked up in an index); within a city or a district the region index yields the ids, which are
    then checked newest first."""
    sqlite = connection.vendor == "sqlite"
    prefix = region_prefix(f.region) if f.region else ""
    walk = sqlite and not for_count and len(prefix) == 2
    c = {k: "+" + v for k, v in _Sql().col.items()} if walk else _Sql().col
    parts: list[str] = []
    params: list[Any] = []

    def among(column: str, values) -> None:
        values = list(values)
        parts.append(f"{c[column]} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)

    if f.status == VALID:
        day = connection.ops.adapt_datefield_value(today)
        parts.append(f"{c['status']} = %s AND {c['valid_from']} <= %s AND {c['valid_until']} >= %s")
        params += [S.ACTIVE.value, day, day]
        statuses = [S.ACTIVE.value]
    else:
        statuses = [f.status] if f.status else list(SHOWN_STATUSES)
        among("status", statuses)
    # With a kind or an occupation, every programme (and kind) is spelt out so the (status,
    # programme, kind, occupation_code) index is used down to the last column given (an IN list
    # per column).
    if f.programme or f.kind or f.occupation:
        among("programme", [f.programme] if f.programme else PROGRAMME_LABELS)
    if f.kind or f.occupation:
        among("kind", [f.kind] if f.kind else KIND_LABELS)
    if f.occupation:
        among("occupation_code", [f.occupation])
    if f.region:
        # A range on the 6-digit code uses the (region, status) index under any collation (Scope.q).
        bounds = [prefix.ljust(6, "0"), prefix.ljust(6, "9")]
        in_region = f"{c['region_id']} >= %s AND {c['region_id']} <= %s"
        alone = len(parts) == 1 and f.status != VALID and not (f.level or f.terms)
        if alone or walk or for_count or not sqlite:
            parts.append(in_region)
            params += bounds
        else:
            # SQLite, a city or district with other filters: the region's ids come from its index
            # alone (region, status, id) and each is checked against the rest, newest first.
            marks = ", ".join(["%s"] * len(statuses))
            sub = f"SELECT {c['id']} FROM {_Sql().table} WHERE {in_region} AND {c['status']} IN ({marks})"  # noqa: S608
            parts.append(f"{c['id']} IN ({sub})")
            params += [*bounds, *statuses]
    likes = [f"{LEVEL_SEP}{_level_name(f.level).lower()}{LEVEL_SEP}"] if f.level else []
    for term in [*likes, *f.terms]:
        parts.append(f"{c['search_text']} LIKE %s ESCAPE '\\'")
        params.append(_like(term))
    by_catalog_index = not f.region
    by_region_index = not (f.programme or f.kind or f.occupation)
    countable = f.status != VALID and not likes and not f.terms and (by_catalog_index or by_region_index)
    return " AND ".join(parts), params, countable


def _fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _count(where: str, params: list[Any], limit: int) -> int:
    """Matches, counted up to `limit` (the inner LIMIT stops the scan there)."""
    sql = _Sql()
    inner = f"SELECT 1 FROM {sql.table} WHERE {where} LIMIT %s"  # noqa: S608 - quoted names, bound values
    return _fetch(f"SELECT COUNT(*) FROM ({inner}) matched", [*params, limit])[0][0]  # noqa: S608


# --- rows ------------------------------------------------------------------------------------------------


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
            _as_date(v[12]), _as_date(v[13]), v[14], _as_date(v[15]),
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

# Region names are reference data that almost never change (GB/T 2260 renames): each process keeps
# the names it has read for REGION_NAMES_TTL seconds, so a page after the first asks for none.
REGION_NAMES_TTL = 300.0
_region_names: dict[str, str] = {}
_region_names_loaded = 0.0
_region_lock = threading.Lock()


def _names_of(codes: set[str]) -> dict[str, str]:
    global _region_names_loaded
    now = time.monotonic()
    with _region_lock:
        if now - _region_names_loaded > REGION_NAMES_TTL:
            _region_names.clear()
            _region_names_loaded = now
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
    codes = {c for c in codes if c}
    parts: dict[str, tuple[str, ...]] = {}
    for code in codes:
        chain = [code[:2] + "0000", code[:4] + "00", code]
        parts[code] = tuple(dict.fromkeys(chain))
    names = _names_of({c for chain in parts.values() for c in chain})
    out = {}
    for code, chain in parts.items():
        if not names.get(code):
            out[code] = code
            continue
        out[code] = "".join(
            names[c]
            for c in chain
            if names.get(c) and (c == code or names[c] not in PLACEHOLDER_REGION_NAMES)
        )
    return out


# --- search ----------------------------------------------------------------------------------------------


@dataclass
class CatalogPage:
    rows: list[CatalogRow]
    total: int  # matches, counted up to COUNT_CAP
    total_capped: bool  # True: there are more than `total`
    page: int
    page_size: int
    has_next: bool
    counted: bool = True  # False: the matches were not counted (total is only what was paged through)
    filters: CatalogFilters = field(default_factory=CatalogFilters)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def num_pages(self) -> int:
        """Pages known to exist (at least; more when total_capped)."""
        return max(1, -(-self.total // self.page_size), self.page if self.rows else 1)

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.page - 1) * self.page_size + len(self.rows)


def catalog_search(
    *,
    q: str = "",
    programme: str = "",
    kind: str = "",
    occupation: str = "",
    level: str = "",
    region: str = "",
    status: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> CatalogPage:
    """One page of the public catalog, newest listing first. Filters as in catalog_filters(); an
    empty status shows every public status (removed listings never). `total` counts up to COUNT_CAP
    matches (`total_capped` says there are more), so no request counts 100 000 rows."""
    f = catalog_filters(
        q=q, programme=programme, kind=kind, occupation=occupation, level=level, region=region, status=status
    )
    try:
        page = min(max(1, int(page)), MAX_PAGE)
        page_size = min(max(1, int(page_size)), MAX_PAGE_SIZE)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("页码有误", fields={"page": ["须为正整数"]}) from exc
    today = today or timezone.localdate()
    where, params, countable = _where(f, today)
    sql = _Sql()
    offset = (page - 1) * page_size
    # The page's ids first (an index or the primary key answers them), then only those rows: a
    # query that sorted whole rows would read every match of a province from the table.
    source = sql.table
    if connection.vendor == "postgresql" and (f.terms or f.level) and not (f.region or f.occupation):
        # PostgreSQL guesses a substring match to be rare and reads the whole table in parallel, then
        # sorts; walking the primary key newest first (the subquery with OFFSET 0 is not flattened)
        # stops at the page's last match: 4 ms instead of 50 for a city's name at 100 000 listings.
        source = f"(SELECT * FROM {sql.table} ORDER BY {sql.col['id']} DESC OFFSET 0) newest"  # noqa: S608
    values = _fetch(
        f"SELECT {sql.row_columns} FROM {sql.table} WHERE {sql.col['id']} IN ("  # noqa: S608 - quoted names, bound values
        f"SELECT {sql.col['id']} FROM {source} WHERE {where} ORDER BY {sql.col['id']} DESC LIMIT %s OFFSET %s"
        f") ORDER BY {sql.col['id']} DESC",
        [*params, page_size + 1, offset],
    )
    has_next = len(values) > page_size
    values = values[:page_size]
    counted = True
    if not has_next and (values or offset == 0):
        total, capped = offset + len(values), False  # the last page: the total is known without counting
    elif not countable:
        # Counting what no single index answers (text, level, valid today, region with occupation)
        # would read up to every listing: such a search pages on without a total.
        total, capped, counted = offset + len(values), True, False
    elif offset + page_size + 1 > COUNT_CAP:
        total, capped = max(COUNT_CAP, offset + len(values)), True
    else:
        count_where, count_params, _countable = _where(f, today, for_count=True)
        matched = _count(count_where, count_params, COUNT_CAP + 1)
        total, capped = min(matched, COUNT_CAP), matched > COUNT_CAP
    return CatalogPage(
        rows=_rows(values, today),
        total=total,
        total_capped=capped,
        page=page,
        page_size=page_size,
        has_next=has_next,
        counted=counted,
        filters=f,
    )


# --- one listing -----------------------------------------------------------------------------------------


@dataclass
class HistoryItem:
    at: dt.datetime
    from_status: str
    to_status: str
    reason: str

    @property
    def from_label(self) -> str:
        return labels()["status"].get(self.from_status, self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return labels()["status"].get(self.to_status, self.to_status)


@dataclass
class CatalogEntry:
    """A listing's public page: its row, the reason of its status, contact details published with
    the catalog (CAT-6), its validity periods and its status history (TransitionLog)."""

    row: CatalogRow
    status_reason: str
    period: int
    address: str
    contact_name: str
    contact_phone: str
    periods: list[tuple[int, dt.date, dt.date]]
    history: list[HistoryItem]

    def __getattr__(self, name: str):
        return getattr(self.row, name)


def catalog_get_public(number: str, *, today: dt.date | None = None) -> CatalogEntry:
    """A shown listing by its catalog number; unknown and removed both raise NotFound."""
    today = today or timezone.localdate()
    number = str(number or "").strip()
    extra = ("status_reason", "period", "address", "contact_name", "contact_phone")
    found = list(
        Listing.objects.order_by()
        .filter(number=number, status__in=SHOWN_STATUSES)
        .values_list(*ROW_COLUMNS, *extra)[:1]
    )
    if not number or not found:
        raise NotFound("目录中没有该条目", code="listing_not_found")
    values = found[0]
    row = _rows([values[: len(ROW_COLUMNS)]], today)[0]
    status_reason, period, address, contact_name, contact_phone = values[len(ROW_COLUMNS) :]
    periods = list(
        ListingPeriod.objects.filter(listing_id=row.id)
        .order_by("number")
        .values_list("number", "valid_from", "valid_until")
    )
    history = [
        HistoryItem(*h)
        for h in TransitionLog.objects.filter(subject_type=Listing._meta.label_lower, subject_id=str(row.id))
        .order_by("at", "id")
        .values_list("at", "from_status", "to_status", "reason")
    ]
    return CatalogEntry(row, status_reason, period, address, contact_name, contact_phone, periods, history)


# --- export ----------------------------------------------------------------------------------------------


@dataclass
class CatalogExport:
    filters: CatalogFilters
    rows: Iterator[CatalogRow]
    count: int  # rows in the export (≤ cap)
    truncated: bool  # more listings matched than the export holds
    cap: int
    today: dt.date

    @property
    def note(self) -> str:
        if not self.truncated:
            return ""
        return str(
            _("符合条件的条目超过 %(cap)s 条，本表只含最新的 %(cap)s 条；请缩小检索范围后分批导出。")
        ) % {"cap": f"{self.cap:,}"}


def catalog_export_rows(
    filters: CatalogFilters | Mapping[str, Any] | None = None,
    *,
    cap: int = EXPORT_CAP,
    today: dt.date | None = None,
) -> CatalogExport:
    """The rows of a search for the xlsx export, newest first, at most `cap` (a note says when more
    matched); read in chunks so memory stays flat."""
    f = filters if isinstance(filters, CatalogFilters) else catalog_filters(filters or {})
    today = today or timezone.localdate()
    count_where, count_params, _countable = _where(f, today, for_count=True)
    matched = _count(count_where, count_params, cap + 1)
    where, params, _countable = _where(f, today)
    count = min(matched, cap)
    sql = _Sql()
    query = (
        f"SELECT {sql.row_columns} FROM {sql.table} WHERE {where} "  # noqa: S608 - quoted names, bound values
        f"ORDER BY {sql.col['id']} DESC LIMIT %s"
    )

    def rows() -> Iterator[CatalogRow]:
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, cap])
            while chunk := cursor.fetchmany(2000):
                yield from _rows(chunk, today)

    return CatalogExport(f, rows(), count, matched > cap, cap, today)


# --- choices of the search form --------------------------------------------------------------------------

# Regions, levels and occupations are reference data: each process keeps what the form offers for
# CHOICES_TTL seconds (a region renamed or an occupation added shows within that time).
CHOICES_TTL = 300.0
_choices_memo: dict[str, Any] = {}
_choices_lock = threading.Lock()


def _choices() -> dict[str, Any]:
    with _choices_lock:
        data = _choices_memo.get("data")
        if data is not None and time.monotonic() - data["loaded"] <= CHOICES_TTL:
            return data
    regions = [
        (code, name, level, parent)
        for code, name, level, parent in Region.objects.active()
        .filter(level__lte=Region.Level.CITY)
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
        if name not in PLACEHOLDER_REGION_NAMES
    ]
    levels = level_rows_in_force()
    occupations = occupation_rows_in_force()
    data = {
        "loaded": time.monotonic(),
        "regions": tuple(regions),
        "levels": tuple((kind, name) for kind, name, _aliases in levels),
        "level_aliases": tuple((name, tuple(aliases or ())) for _kind, name, aliases in levels),
        "occupations": tuple(occupations),
    }
    with _choices_lock:
        _choices_memo["data"] = data
    return data


def forget_memos() -> None:
    """Drop the process-local region names and form choices (tests; after reference data loads)."""
    global _region_names_loaded
    with _region_lock:
        _region_names.clear()
        _region_names_loaded = 0.0
    with _choices_lock:
        _choices_memo.clear()


def catalog_filter_choices() -> dict[str, Any]:
    """What the search form offers: programmes, kinds, statuses, levels (kind, name), occupations
    (code, name, programme) and regions (provinces and their cities: code, name, level, parent
    code). `version` changes whenever the lists are read again."""
    data = _choices()
    text = labels()
    return {
        "version": data["loaded"],
        "programmes": tuple(text["programme"].items()),
        "kinds": tuple(text["kind"].items()),
        "statuses": tuple(text["status_filter"].items()),
        "levels": data["levels"],
        "occupations": data["occupations"],
        "regions": data["regions"],
    }


__all__ = [
    "COUNT_CAP",
    "EXPORT_CAP",
    "SHOWN_STATUSES",
    "VALID",
    "CatalogEntry",
    "CatalogExport",
    "CatalogFilters",
    "CatalogPage",
    "CatalogRow",
    "catalog_export_rows",
    "catalog_filter_choices",
    "catalog_filters",
    "catalog_get_public",
    "catalog_search",
    "listing_search_text",
    "region_full_names",
]

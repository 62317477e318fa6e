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
those are substring matches. A keyword is first looked up in the catalog's n-gram index
(catalog_index, ADR 0010), which triggers keep in step with `search_text`, so no keyword reads every
listing; the substring is still checked on what the index gives."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from peiyu.core.cache import Generation
from peiyu.core.errors import InvalidInput, NotFound
from peiyu.core.policy import region_prefix

from ..rules.listings import search_text
from .catalog_choices import catalog_filter_choices, forget_memos
from .catalog_export import EXPORT_CAP, CatalogExport, catalog_export_rows
from .catalog_filters import (
    Q_MAX,
    SHOWN_STATUSES,
    STATUS_FILTERS,
    VALID,
    CatalogFilters,
    catalog_filters,
)
from .catalog_index import REGION_WALK, keyword_share, sqlite_match
from .catalog_rows import ROW_COLUMNS, CatalogRow, _rows, labels, region_full_names
from .catalog_sql import _count, _entry, _fetch, _Sql, _where

# Bumped by every write the catalog shows (institutions.signals); the public pages and API answers
# cached for anonymous visitors are keyed by it (core.cache.public_response_cache).
CATALOG_GENERATION = Generation("catalog")

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 5000
COUNT_CAP = 1000  # matches counted per search; beyond it the total reads "1000+"

# --- the denormalised search line ------------------------------------------------------------------------


# one definition of the search line, shared with the services that save listings
listing_search_text = search_text


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
    offset: int | None = None,
    today: dt.date | None = None,
) -> CatalogPage:
    """One page of the public catalog, newest listing first. Filters as in catalog_filters(); an
    empty status shows every public status (removed listings never). `total` counts up to COUNT_CAP
    matches (`total_capped` says there are more), so no request counts 100 000 rows. The API pages by
    `offset` (rows skipped) and `page_size` (its `limit`); the pages by `page`."""
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
    if offset is None:
        offset = (page - 1) * page_size
    else:
        offset = min(max(0, int(offset)), MAX_PAGE * MAX_PAGE_SIZE)
        page = offset // page_size + 1
    # The page's ids first (an index or the primary key answers them), then only those rows: a
    # query that sorted whole rows would read every match of a province from the table.
    if f.terms and connection.vendor == "sqlite":
        # The keyword index yields the listings holding every keyword's grams, newest first; each is
        # looked up by id and checked against the rest (the exact substring above all) until the
        # page is full. CROSS JOIN keeps the index as the outer loop.
        grams = sql.grams_table
        ids = (
            f"SELECT {grams}.rowid FROM {grams} CROSS JOIN {sql.table} ON {sql.col['id']} = {grams}.rowid "  # noqa: S608
            f"WHERE {grams} MATCH %s AND {where} ORDER BY {grams}.rowid DESC LIMIT %s OFFSET %s"
        )
        params = [sqlite_match(f.terms, region_prefix(f.region) if f.region else ""), *params]
    else:
        source = sql.table
        if connection.vendor == "postgresql" and f.level and not (f.terms or f.region or f.occupation):
            # PostgreSQL guesses a level's substring match to be rare and reads the whole table in
            # parallel, then sorts; walking the primary key newest first (the subquery with OFFSET 0 is
            # not flattened) stops at the page's last match. Keywords have their index (catalog_index).
            source = f"(SELECT * FROM {sql.table} ORDER BY {sql.col['id']} DESC OFFSET 0) newest"  # noqa: S608
        ids = (
            f"SELECT {sql.col['id']} FROM {source} WHERE {where} "  # noqa: S608 - quoted names, bound values
            f"ORDER BY {sql.col['id']} DESC LIMIT %s OFFSET %s"
        )
    values = None
    if f.terms and connection.vendor == "postgresql" and not _narrowed(f):
        window = _recent_window(f.terms, offset + page_size + 1)
        if window:
            values = _recent_page(f, today, page_size, offset, window)
    if values is None:
        values = _fetch(
            f"SELECT {sql.row_columns} FROM {sql.table} WHERE {sql.col['id']} IN ({ids}) "  # noqa: S608
            f"ORDER BY {sql.col['id']} DESC",
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


RECENT_WINDOW = 3000  # PostgreSQL: the newest listings a keyword search reads before its index, at most
RECENT_MARGIN = 4  # … and as many as this many times the rows its page needs, by its keyword's share


def _recent_window(terms: list[str], needed: int) -> int:
    """PostgreSQL: how many of the newest listings to read for `needed` matches of a keyword whose
    every gram is common (RECENT_MARGIN times what its share promises), or 0 when that is more than
    RECENT_WINDOW. A window no larger than the need keeps the planner walking the newest listings
    one by one (it stops at the page's last match) rather than reading and sorting all of them."""
    share = keyword_share(terms)
    if share <= 0.0:
        return 0
    window = math.ceil(RECENT_MARGIN * needed / share)
    return window if window <= RECENT_WINDOW else 0


def _narrowed(f: CatalogFilters) -> bool:
    """Another filter besides the keywords and a province or city: the newest RECENT_WINDOW listings
    hold only its share of them, rarely a page, and reading them first cost more than the index then
    saved. A province or a city has its own newest listings (catalog_index.REGION_WALK)."""
    walked = not f.region or len(region_prefix(f.region)) in REGION_WALK
    return bool(f.programme or f.kind or f.occupation or f.level or f.status or not walked)


def _recent_page(
    f: CatalogFilters, today: dt.date, page_size: int, offset: int, window: int
) -> list[tuple] | None:
    """PostgreSQL: a keyword's page from the newest `window` listings alone (of the province or
    city searched, from its index), None when they hold less than a full page. A keyword whose grams
    are each common (人工智能: 人工, 工智, 智能) fills a page there after reading a few hundred listings
    at most: the walk stops at the page's last match. The planner, multiplying the grams' frequencies
    as if they were independent, would read all its matches through the index and sort them (in a
    province at 100 000 listings, 700 rows and 5 ms against 0.3 ms). Asked only when every gram is
    common enough (_recent_window); a rarer keyword goes to the index."""
    sql = _Sql()
    where, params, _countable = _where(f, today, grams=False)
    prefix = region_prefix(f.region) if f.region else ""
    within, first = "", [window]  # type: tuple[str, list[object]]
    if prefix:
        # the expression of the region's index, written as it is (the length is a literal there)
        within, first = f"WHERE substr({sql.col['region_id']}, 1, {len(prefix):d}) = %s ", [prefix, window]
    recent = f"(SELECT * FROM {sql.table} {within}ORDER BY {sql.col['id']} DESC LIMIT %s) recent"  # noqa: S608
    values = _fetch(
        f"SELECT {sql.row_columns} FROM {sql.table} WHERE {sql.col['id']} IN ("  # noqa: S608
        f"SELECT {sql.col['id']} FROM {recent} WHERE {where} ORDER BY {sql.col['id']} DESC LIMIT %s OFFSET %s"
        f") ORDER BY {sql.col['id']} DESC",
        [*first, *params, page_size + 1, offset],
    )
    return values if len(values) > page_size else None


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
    found = _entry(number) if number else None
    if found is None:
        raise NotFound("目录中没有该条目", code="listing_not_found")
    values, periods, changes = found
    row = _rows([values[: len(ROW_COLUMNS)]], today)[0]
    status_reason, period, address, contact_name, contact_phone = values[len(ROW_COLUMNS) :]
    history = [HistoryItem(*h) for h in changes]
    return CatalogEntry(row, status_reason, period, address, contact_name, contact_phone, periods, history)


# --- export ----------------------------------------------------------------------------------------------


__all__ = [
    "CATALOG_GENERATION",
    "COUNT_CAP",
    "EXPORT_CAP",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "Q_MAX",
    "SHOWN_STATUSES",
    "STATUS_FILTERS",
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
    "forget_memos",
    "labels",
    "listing_search_text",
    "region_full_names",
]

"""The catalog's hand-written SQL: the WHERE clause of a search, the count of its matches, and the
statements of one listing's public page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from peiyu.core.models import TransitionLog
from peiyu.core.policy import region_prefix
from peiyu.core.sql import prepared_cursor

from ..models import Listing, ListingPeriod
from .catalog_choices import choices_memo
from .catalog_filters import (
    KIND_LABELS,
    LEVEL_SEP,
    PROGRAMME_LABELS,
    SHOWN_STATUSES,
    VALID,
    CatalogFilters,
    S,
)
from .catalog_index import GRAMS_COLUMN, GRAMS_TABLE, pg_tsquery
from .catalog_rows import ROW_COLUMNS


def _level_name(level: str) -> str:
    """A level by its name or alias (初级工 → 五级, CAT-2)."""
    for name, aliases in choices_memo()["level_aliases"]:
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
            made.col["search_grams"] = qn(GRAMS_COLUMN)  # PostgreSQL only, not a model field
            made.grams_table = qn(GRAMS_TABLE)  # SQLite only
            made.row_columns = ", ".join(made.col[name] for name in ROW_COLUMNS)
            cls._made[connection.vendor] = made
        return made

    table: str
    col: dict[str, str]
    row_columns: str
    grams_table: str


def _where(
    f: CatalogFilters, today: dt.date, *, for_count: bool = False, grams: bool = True
) -> tuple[str, list[Any], bool]:
    """The WHERE clause of a search, its parameters, and whether one index alone answers it (then
    counting the matches reads that index only). Hand-written SQL rather than the ORM: at 100 000
    listings the database answers in a fraction of a millisecond and compiling the ORM's query took
    three times as long (benchmarks/run.py `catalog`). Every value is a parameter.

    The page is the newest matches (ORDER BY id DESC LIMIT n). PostgreSQL plans that well from plain
    conditions. SQLite takes one index per table, so for a page (not for a count) the clause steers
    it, as measured at 100 000 listings: within a province (a few per cent of the listings) it walks
    the province's listings newest first (the index on `substr(region_id, 1, 2), id`, REGION_WALK)
    and stops at the page's last match (columns written `+col` are not looked up in an index); within
    a city or a district the region index yields the ids, which are then checked newest first."""
    sqlite = connection.vendor == "sqlite"
    prefix = region_prefix(f.region) if f.region else ""
    # An occupation within a region: the (occupation_code, region_id, status) index holds every
    # match (a few hundred at most), newest first after sorting them; on SQLite the programme and
    # kind are then only asked for when given, or SQLite would take the status index instead.
    by_occupation_region = bool(f.occupation and f.region and not f.terms)
    # with keywords on SQLite the keyword index drives the page (catalog_search): plain conditions
    walk = sqlite and not for_count and len(prefix) == 2 and not f.terms and not by_occupation_region
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
    spelt_out = not (sqlite and by_occupation_region)
    if f.programme or (spelt_out and (f.kind or f.occupation)):
        among("programme", [f.programme] if f.programme else PROGRAMME_LABELS)
    if f.kind or (spelt_out and f.occupation):
        among("kind", [f.kind] if f.kind else KIND_LABELS)
    if f.occupation:
        among("occupation_code", [f.occupation])
    if f.region:
        # A range on the 6-digit code uses the (region, status) index under any collation (Scope.q).
        bounds = [prefix.ljust(6, "0"), prefix.ljust(6, "9")]
        in_region = f"{c['region_id']} >= %s AND {c['region_id']} <= %s"
        alone = len(parts) == 1 and f.status != VALID and not (f.level or f.terms)
        if walk:  # the province's own index, written as its expression is
            parts.append(f"substr({_Sql().col['region_id']}, 1, 2) = %s")
            params.append(prefix)
        if alone or walk or for_count or not sqlite or f.terms or by_occupation_region:
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
    if f.terms and not sqlite and grams:
        # the keyword index (catalog_index): the listings holding every gram of every keyword
        parts.append(f"{c['search_grams']} @@ %s::tsquery")
        params.append(pg_tsquery(f.terms))
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


# --- one listing -----------------------------------------------------------------------------------------

ENTRY_COLUMNS = ("status_reason", "period", "address", "contact_name", "contact_phone")
_entry_sql: dict[str, tuple[str, str, str]] = {}


def _entry_statements() -> tuple[str, str, str]:
    """The three statements of a listing's public page (the listing, its periods, its status
    history), written once per database vendor: the ORM compiled them on every request."""
    made = _entry_sql.get(connection.vendor)
    if made is None:
        qn, sql = connection.ops.quote_name, _Sql()
        period, log = ListingPeriod._meta, TransitionLog._meta
        pc = {f.attname: qn(f.column) for f in period.concrete_fields}
        lc = {f.attname: qn(f.column) for f in log.concrete_fields}
        marks = ", ".join(["%s"] * len(SHOWN_STATUSES))
        extra = ", ".join(sql.col[name] for name in ENTRY_COLUMNS)
        made = _entry_sql[connection.vendor] = (
            f"SELECT {sql.row_columns}, {extra} FROM {sql.table} "  # noqa: S608 - quoted names, bound values
            f"WHERE {sql.col['number']} = %s AND {sql.col['status']} IN ({marks}) LIMIT 1",
            f"SELECT {pc['number']}, {pc['valid_from']}, {pc['valid_until']} FROM {qn(period.db_table)} "  # noqa: S608
            f"WHERE {pc['listing_id']} = %s ORDER BY {pc['number']}",
            f"SELECT {lc['at']}, {lc['from_status']}, {lc['to_status']}, {lc['reason']} "  # noqa: S608
            f"FROM {qn(log.db_table)} WHERE {lc['subject_type']} = %s AND {lc['subject_id']} = %s "
            f"ORDER BY {lc['at']}, {lc['id']}",
        )
    return made


def _as_datetime(value: Any) -> dt.datetime:
    """A stored aware datetime as the ORM gives it (SQLite returns UTC text)."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a datetime: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _as_day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _entry(number: str) -> tuple[tuple, list[tuple[int, dt.date, dt.date]], list[tuple]] | None:
    """A shown listing's ROW_COLUMNS + ENTRY_COLUMNS values, its periods (number, from, until) and
    its status changes (at, from, to, reason) oldest first; None when no shown listing has that
    number."""
    listing_sql, periods_sql, history_sql = _entry_statements()
    # a unique number, one listing's periods and history: one plan fits every value, so PostgreSQL
    # prepares the three once per connection (core.sql, ADR 0016); a search's statements are planned
    # each time, as no generic plan fits a search (its region range, its dates)
    with prepared_cursor() as cursor:
        cursor.execute(listing_sql, [number, *SHOWN_STATUSES])
        found = cursor.fetchone()
        if found is None:
            return None
        listing_id = found[0]
        cursor.execute(periods_sql, [listing_id])
        periods = [(n, _as_day(a), _as_day(b)) for n, a, b in cursor.fetchall()]
        cursor.execute(history_sql, [Listing._meta.label_lower, str(listing_id)])
        history = [(_as_datetime(at), *rest) for at, *rest in cursor.fetchall()]
    return found, periods, history

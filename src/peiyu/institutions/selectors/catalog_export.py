"""A catalog search as the rows of its xlsx export, newest first, capped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalog_filters import CatalogFilters, catalog_filters
from .catalog_rows import CatalogRow, _rows
from .catalog_sql import _count, _Sql, _where

EXPORT_CAP = 20_000  # rows per xlsx export


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

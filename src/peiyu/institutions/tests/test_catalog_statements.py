"""Which of the catalog's statements PostgreSQL prepares (core.sql, ADR 0016): a listing's public page
(its number is unique, so one plan fits every value), never a search (its plan depends on the values)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from peiyu.institutions.selectors.catalog import catalog_get_public, catalog_search
from peiyu.institutions.selectors.catalog_sql import _entry_statements

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")


def _server_form(sql: str) -> str:
    count = iter(range(1, 100))
    return re.sub(r"%s", lambda _: f"${next(count)}", sql)


def _prepared() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cur.fetchall()]


def test_a_listings_public_page_runs_its_three_statements_prepared(catalog):
    for listing in ("sy_ai", "dl_ai", "sy_ai"):
        entry = catalog_get_public(catalog[listing].number)
        assert entry.row.number == catalog[listing].number
    prepared = _prepared()
    for sql in _entry_statements():
        assert _server_form(sql) in prepared


def test_a_search_is_planned_for_its_values_and_never_prepared(catalog):
    for region in ("210000", "210100", "210200"):
        catalog_search(region=region)
    assert not [s for s in _prepared() if "LIMIT" in s and "ORDER BY" in s]

"""Hot-path statements planned once per connection (ADR 0016).

A statement sent with its parameters bound by the client, as Django sends every query, is parsed and
planned by PostgreSQL each time. For the few statements a request at national scale runs thousands of
times a minute — an exam start's identity check joining six tables, its log and audit inserts, a
certificate lookup — planning costs more than running: 1.3 ms against 0.2 ms for the identity check on
the benchmark machine. `prepared_cursor()` gives a cursor whose statements PostgreSQL prepares once per
connection (psycopg's server-side binding with `prepare=True`; psycopg keeps the prepared statements of
each connection, keyed by the SQL text, and drops them with it). On SQLite it is the ordinary cursor
(Python's sqlite3 already keeps compiled statements per connection).

Write the SQL with `%s` placeholders and quoted names from the models' meta, as core.bulk does."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


class PreparedCursor:
    """`execute(sql, params)`, `fetchone()`, `fetchall()`, `rowcount` and `lastrowid` of a cursor whose
    statements are prepared (PostgreSQL) or cached (SQLite)."""

    def __init__(self, cursor: Any, prepare: bool, db: Any) -> None:
        self._cursor = cursor
        self._prepare = prepare
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if not self._prepare:
            self._cursor.execute(sql, params)  # Django's own cursor: logged and wrapped as usual
            return
        started = time.monotonic()
        try:
            with self._db.wrap_database_errors:
                self._cursor.execute(sql, params, prepare=True)
        finally:
            if self._db.queries_logged:  # what Django's debug cursor records (tests count queries)
                self._db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def lastrowid(self) -> Any:
        return self._cursor.lastrowid


def default_connection() -> Any:
    """The default connection itself: `django.db.connection` is a proxy that looks the connection up on
    every attribute read, and a hot path's statement reads it once per value."""
    return connections[DEFAULT_DB_ALIAS]


@contextmanager
def prepared_cursor() -> Iterator[PreparedCursor]:
    """A cursor for hot-path statements (module docstring). Inside or outside a transaction alike: it
    runs on Django's own connection."""
    db = default_connection()
    if db.vendor != "postgresql":
        with db.cursor() as cur:
            yield PreparedCursor(cur, prepare=False, db=db)
        return
    import psycopg

    db.ensure_connection()
    raw = psycopg.Cursor(db.connection)  # server-side binding, whatever Django's default is
    try:
        yield PreparedCursor(raw, prepare=True, db=db)
    finally:
        raw.close()

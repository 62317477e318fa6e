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
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


class PreparedCursor:
    """`execute(sql, params)`, `fetchone()`, `fetchall()`, `rowcount` and `lastrowid` of a cursor whose
    statements are prepared (PostgreSQL) or cached (SQLite)."""

    __slots__ = ("_cursor", "_db", "_prepare", "_raw")

    def __init__(self, cursor: Any, prepare: bool, db: Any, raw: Any = None) -> None:
        self._cursor = cursor
        self._prepare = prepare
        self._db = db
        self._raw = raw  # the psycopg connection the cursor belongs to (PostgreSQL)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if not self._prepare:
            self._cursor.execute(sql, params)  # Django's own cursor: logged and wrapped as usual
            return
        db = self._db
        if not db.queries_logged:
            with db.wrap_database_errors:
                self._cursor.execute(sql, params, prepare=True)
            return
        started = time.monotonic()
        try:
            with db.wrap_database_errors:
                self._cursor.execute(sql, params, prepare=True)
        finally:  # what Django's debug cursor records (tests count queries)
            db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})

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


IDLE = "_peiyu_idle_prepared_cursor"  # the connection's idle cursor, kept on Django's wrapper


class prepared_cursor:  # lower case: used as the function it was, `with prepared_cursor() as cur:`
    """A cursor for hot-path statements (module docstring). Inside or outside a transaction alike: it
    runs on Django's own connection.

    On PostgreSQL the connection keeps one idle cursor between uses (a certificate lookup is one
    statement: making and closing a cursor for it cost a third of the lookup's own client time); a use
    nested inside another gets a cursor of its own, and a cursor whose block failed is closed."""

    __slots__ = ("_db", "_django", "_held")

    def __enter__(self) -> PreparedCursor:
        db = self._db = connections[DEFAULT_DB_ALIAS]
        if db.vendor != "postgresql":
            self._django = db.cursor()
            self._held = PreparedCursor(self._django.__enter__(), prepare=False, db=db)
            return self._held
        if db.connection is None:
            db.ensure_connection()
        raw = db.connection
        held: PreparedCursor | None = db.__dict__.pop(IDLE, None)
        if held is None or held._raw is not raw or held._cursor.closed:
            import psycopg

            held = PreparedCursor(psycopg.Cursor(raw), prepare=True, db=db, raw=raw)  # server-side binding
        self._held = held
        return held

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        held, db = self._held, self._db
        if not held._prepare:
            self._django.__exit__(kind, value, tb)
        elif kind is None and held._raw is db.connection and IDLE not in db.__dict__:
            db.__dict__[IDLE] = held
        else:
            held._cursor.close()

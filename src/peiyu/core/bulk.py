"""Bulk inserts for the few paths that write thousands of rows per request (ADR 0006): PostgreSQL's
COPY, else one prepared INSERT run for every row (executemany). Table and column names come from the
models' meta; values go as parameters, never into the SQL text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (tuples or lists in the order of `columns`, already in the columns' database form)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # the driver's own cursor: its errors are wrapped into Django's (IntegrityError, …) here
            with (
                connection.wrap_database_errors,
                cur.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def reserve_ids(model: type[Model], n: int) -> list[int] | None:
    """Primary keys for `n` new rows of `model` as the database would hand them out, so rows inserted
    in bulk can be referenced before they are written. Call it inside the writing transaction
    (PostgreSQL: taken from the sequence; SQLite: past the highest id ever used, which is safe because
    the transaction holds SQLite's one write lock, BEGIN IMMEDIATE in settings.base). None on other
    databases."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [r[0] for r in cur.fetchall()]
        if connection.vendor == "sqlite":
            cur.execute(
                f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0), "  # noqa: S608
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
            first = cur.fetchone()[0] + 1
            return list(range(first, first + n))
    return None

"""Bulk inserts for the few paths that write thousands of rows per request (ADR 0006): PostgreSQL's
COPY, else one prepared INSERT run for every row (executemany). Table and column names come from the
models' meta; values go as parameters, never into the SQL text."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows` (tuples in the order of `columns`, already in the columns' database form)."""
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

"""The bulk SQL of an online batch (TRN-4, TRN-5): plain SQL where the ORM's per-value work (IN lists
of 1 000 parameters, model instances for bulk_create) would be most of a batch's time. Table and
column names come from the models' meta; values go as parameters, or as integers we computed."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from peiyu.core.bulk import insert_rows

from ..models import Enrolment, OnlineRecord, Trainee


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _array_literal(values) -> str:
    """A PostgreSQL array literal of integers or hex digests (no character that needs quoting), built
    as one string: the driver's per-element list adaptation costs more than the query."""
    return "{" + ",".join(str(v) for v in values) + "}"


def _in_list(column: str, values: list) -> tuple[str, list]:
    """`column IN (…)` for many values: one array parameter on PostgreSQL (the driver need not rewrite
    a thousand placeholders), a placeholder per value elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def enrolments_of(klass_ids: set[int], indexes: set[str]) -> dict[tuple[int, str], int]:
    """{(class id, trainee blind index): enrolment id} of the enrolled (在训) trainees among them."""
    if not klass_ids or not indexes:
        return {}
    e, t = Enrolment._meta, Trainee._meta
    if connection.vendor == "postgresql":  # blind indexes are hex digests
        where, params = f"t.{_qn('id_index')} = ANY(%s::varchar[])", [_array_literal(sorted(indexes))]
    else:
        where, params = _in_list(f"t.{_qn('id_index')}", sorted(indexes))
    sql = (
        f"SELECT e.{_qn('id')}, e.{_qn('klass_id')}, t.{_qn('id_index')} FROM {_qn(e.db_table)} e "  # noqa: S608
        f"JOIN {_qn(t.db_table)} t ON t.{_qn('id')} = e.{_qn('trainee_id')} "
        f"WHERE e.{_qn('status')} = %s AND e.{_qn('klass_id')} IN ({', '.join(str(int(k)) for k in sorted(klass_ids))}) "
        f"AND {where}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [Enrolment.Status.ENROLLED.value, *params])
        return {(klass_id, index): pk for pk, klass_id, index in cur.fetchall()}


def stored_record_ids(platform_id: int, record_ids: list[str]) -> set[str]:
    if not record_ids:
        return set()
    meta = OnlineRecord._meta
    where, params = _in_list(_qn("record_id"), record_ids)
    sql = f"SELECT {_qn('record_id')} FROM {_qn(meta.db_table)} WHERE {_qn('platform_id')} = %s AND {where}"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [platform_id, *params])
        return {r for (r,) in cur.fetchall()}


def datetime_adapter():
    """The backend's conversion of an aware datetime to its column value; on SQLite the same text
    Django writes (UTC, naive, ISO with a space), computed without the per-call settings look-ups."""
    if connection.vendor == "sqlite":
        utc = dt.UTC
        return lambda value: str(value.astimezone(utc).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


_RECORD_COLUMNS = (
    "platform",
    "batch",
    "record_id",
    "enrolment",
    "course",
    "started_at",
    "ended_at",
    "minutes",
    "device",
)


def insert_records(rows: list[tuple]) -> None:
    """The batch's records in one COPY (PostgreSQL) or one prepared INSERT run for every row: the
    ORM's bulk_create spends most of a batch's time building model instances and per-value SQL, which
    these plain tuples skip. The values are already what the columns hold."""
    meta = OnlineRecord._meta
    # the record's own concrete columns (get_field is typed for relations too)
    columns = [str(meta.get_field(name).column) for name in _RECORD_COLUMNS]  # type: ignore[union-attr]
    insert_rows(meta.db_table, columns, rows)


def add_minutes(added: dict[int, int]) -> bool:
    """online_minutes += the minutes accepted, for every enrolment of the batch in one UPDATE joined
    to a VALUES list (UPDATE … FROM: PostgreSQL, SQLite ≥ 3.33; both name its columns column1,
    column2). Ids and minutes are integers we computed, written into the statement as such.

    Only enrolments still enrolled (在训) are updated, and True is returned only when every one of
    them was: the rows are then locked by this transaction until it ends, which is what lets the
    batch's records reference them without a per-row foreign-key check (OnlineRecord). False means
    one was withdrawn meanwhile: the caller rolls back and reads the batch's enrolments again."""
    if not added:
        return True
    table, col = _qn(Enrolment._meta.db_table), _qn("online_minutes")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    pairs = sorted(added.items())
    enrolled = Enrolment.Status.ENROLLED.value
    if connection.vendor == "postgresql":  # two array parameters: no thousand-row statement to parse
        sql = (
            f"UPDATE {table} SET {col} = {col} + v.m, {_qn('updated_at')} = %s "  # noqa: S608
            f"FROM unnest(%s::bigint[], %s::integer[]) AS v(id, m) WHERE {table}.{_qn('id')} = v.id "
            f"AND {table}.{_qn('status')} = %s"
        )
        params = [
            now,
            _array_literal(int(pk) for pk, _m in pairs),
            _array_literal(int(m) for _pk, m in pairs),
            enrolled,
        ]
    else:
        values = ", ".join(f"({int(pk)}, {int(m)})" for pk, m in pairs)
        sql = (
            f"UPDATE {table} SET {col} = {col} + v.column2, {_qn('updated_at')} = %s "  # noqa: S608
            f"FROM (VALUES {values}) AS v WHERE {table}.{_qn('id')} = v.column1 AND {table}.{_qn('status')} = %s"
        )
        params = [now, enrolled]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount == len(pairs)

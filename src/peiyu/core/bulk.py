"""Bulk inserts for the few paths that write thousands of rows per request (ADR 0006): PostgreSQL's
COPY, else one prepared INSERT run for every row (executemany). And the hot paths' single-row
statements (ADR 0016): one insert (`insert_one`), one conditional status move (`update_if`) and the
instances of a row read by hand (`row_instance`). Table and column names come from the models' meta;
values go as parameters, never into the SQL text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import DEFERRED, Model
from django.db.models.signals import post_save

from .sql import default_connection, prepared_cursor

M = TypeVar("M", bound=Model)


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


_INSERTS: dict[tuple[str, str, bool], tuple[str, list[Any]]] = {}


def _insert_statement(model: type[Model], db: Any = None) -> tuple[str, list[Any]]:
    """The INSERT of every concrete field but an automatic primary key, made once per model and
    connection vendor (with RETURNING where the database has it)."""
    db = db or default_connection()
    returning = bool(db.features.can_return_columns_from_insert)
    key = (model._meta.label_lower, db.vendor, returning)
    made = _INSERTS.get(key)
    if made is None:
        qn = db.ops.quote_name
        meta = model._meta
        auto = _returned_pk(model)
        fields = [f for f in meta.local_concrete_fields if f is not auto]
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 - quoted names, bound values
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if returning and auto is not None:
            sql += f" RETURNING {qn(auto.column)}"
        made = _INSERTS[key] = (sql, fields)
    return made


def _returned_pk(model: type[Model]) -> Any:
    """The model's primary key when the database makes it (an auto field), else None."""
    pk = model._meta.pk
    return pk if pk is not None and getattr(pk, "db_returning", False) else None


def insert_one(model: type[M], *, then: tuple[str, Sequence[Any]] | None = None, **values: Any) -> M:
    """`model.objects.create(**values)` for the hot paths that write a few rows per request (an exam
    start's log, event and audit rows): the same instance, defaults and `pre_save` of every field
    (auto_now, …) and the same `post_save` signal, but one INSERT statement made once per model (and
    planned once per connection, core.sql) instead of a query compiled per call. No `save()` override
    of the model runs: use it only for models without one that matters (the audit trail's append-only
    guard is for updates).

    `then` = (sql, params): one more statement that must follow the insert in the same transaction
    (the audit head's update after its event). On PostgreSQL both go as ONE statement — the insert a
    data-modifying WITH, the row's key returned by the other — which saves a round trip per row."""
    obj = model(**values)
    db = default_connection()
    sql, fields = _insert_statement(model, db)
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    auto = _returned_pk(model)
    with prepared_cursor() as cur:
        if then is not None and db.vendor == "postgresql" and auto is not None:
            key = db.ops.quote_name(auto.column)
            both = f"WITH inserted AS ({sql}) {then[0]} RETURNING (SELECT {key} FROM inserted)"  # noqa: S608 - made of quoted names and the callers' own texts
            cur.execute(both, [*params, *then[1]])
            row = cur.fetchone()
            if row is None:
                raise RuntimeError(f"the statement after the {model.__name__} insert changed no row")
            setattr(obj, auto.attname, row[0])
        else:
            cur.execute(sql, params)
            if auto is not None:
                pk = cur.fetchone()[0] if " RETURNING " in sql else cur.lastrowid
                setattr(obj, auto.attname, pk)
            if then is not None:
                cur.execute(then[0], then[1])
                if cur.rowcount != 1:
                    raise RuntimeError(f"the statement after the {model.__name__} insert changed no row")
    obj._state.adding = False
    obj._state.db = db.alias
    if post_save.has_listeners(model):
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False,
                       using=db.alias)  # fmt: skip
    return obj


_TEMPLATES: dict[type[Model], tuple[list[Any], dict[str, int]]] = {}


def row_instance(model: type[M], **values: Any) -> M:
    """An instance of a row the caller has just read with its own SQL, holding exactly `values` (by
    attname), built as a queryset's `.only()` row is: positionally, the other fields deferred and no
    default computed. For hot paths that assemble a few instances from one joined row (an exam start:
    five of them); reading a field not given loads it from the database, so tests that count a path's
    queries catch one missed."""
    made = _TEMPLATES.get(model)
    if made is None:  # every field deferred, and where each attname goes: once per model
        fields = model._meta.concrete_fields
        made = _TEMPLATES[model] = ([DEFERRED] * len(fields), {f.attname: i for i, f in enumerate(fields)})
    args, where = made[0].copy(), made[1]
    for name, value in values.items():
        at = where.get(name)
        if at is None:
            raise TypeError(f"{model.__name__} has no field {name!r}")
        args[at] = value
    obj = model(*args)
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return obj


_UPDATES: dict[tuple[str, tuple[str, ...], int, str], tuple[str, list[Any]]] = {}


def update_if(
    model: type[Model], pk: Any, field: str, expected: Sequence[str], values: dict[str, Any]
) -> int:
    """`UPDATE … SET values WHERE pk = … AND field IN expected` as one statement made once per model,
    columns and vendor (and planned once per connection, core.sql): the rows moved (0 or 1). Values
    are plain (a related instance stands for its key); a query expression has no place here."""
    meta, db = model._meta, default_connection()
    key = (meta.label_lower, tuple(values), len(expected), db.vendor)
    made = _UPDATES.get(key)
    if made is None:
        qn = db.ops.quote_name
        fields: list[Any] = [meta.get_field(name) for name in values]
        sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
        marks = ", ".join(["%s"] * len(expected))
        status: Any = meta.get_field(field)
        sql = (
            f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s "  # noqa: S608 - quoted names, bound values
            f"AND {qn(status.column)} IN ({marks})"
        )
        made = _UPDATES[key] = (sql, fields)
    sql, fields = made
    params = []
    for f, value in zip(fields, values.values(), strict=True):
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"update_if takes plain values, not {value!r}")
        if isinstance(value, Model):
            value = value.pk
        params.append(f.get_db_prep_save(value, db))
    with prepared_cursor() as cur:
        cur.execute(sql, [*params, meta.pk.get_db_prep_value(pk, db), *expected])
        return cur.rowcount

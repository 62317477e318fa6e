"""Re-encrypt every EncryptedTextField value that is not under the active SM4 key (see
docs/operations.md, key rotation). Reads raw column values so it never decrypts what it need not."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model

from . import crypto
from .fields import EncryptedTextField


def encrypted_fields() -> Iterator[tuple[type[Model], EncryptedTextField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def rotate_encrypted_fields(*, dry_run: bool = False, batch: int = 2000) -> dict[str, int]:
    from peiyu.audit.services import audit_record

    active = crypto.active_key_id()
    counts: dict[str, int] = {}
    qn = connection.ops.quote_name
    for model, field in encrypted_fields():
        table, column, pk = model._meta.db_table, field.column, model._meta.pk.column
        label = f"{model._meta.label}.{field.name}"
        counts[label] = 0
        last = None
        while True:
            with connection.cursor() as cur:
                sql = f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} WHERE {qn(column)} LIKE %s AND {qn(column)} NOT LIKE %s"  # noqa: S608 - identifiers from model meta
                params = [f"{crypto.PREFIX}:%", f"{crypto.PREFIX}:{active}:%"]
                if last is not None:
                    sql += f" AND {qn(pk)} > %s"
                    params.append(last)
                cur.execute(sql + f" ORDER BY {qn(pk)} LIMIT {int(batch)}", params)
                rows = cur.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            counts[label] += len(rows)
            if dry_run:
                continue
            with transaction.atomic(), connection.cursor() as cur:
                for row_pk, token in rows:
                    # only if unchanged since read: a concurrent edit is never overwritten
                    cur.execute(
                        f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s AND {qn(column)} = %s",  # noqa: S608
                        [crypto.encrypt(crypto.decrypt(token)), row_pk, token],
                    )
    if not dry_run:
        audit_record(None, "crypto.rotated", None, after={"active_key": active, "counts": counts})
    return counts

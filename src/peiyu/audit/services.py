"""audit_record(): the one way anything is written to the audit trail. Every service calls it inside
its own transaction, so the event exists exactly when the change does."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from peiyu.core.bulk import insert_one
from peiyu.core.sql import prepared_cursor

from .chain import GENESIS, row_hash
from .context import current_ip
from .models import AuditEvent, AuditHead

NATIONAL_STREAM = "national"


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(o: Any) -> Any:
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, models.Model):
        return o.pk
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    return str(o)


def stream_for(region_code: str, object_type: str = "", object_id: str = "") -> str:
    """The chain an event joins: its province (or "national"), split into `PEIYU_AUDIT_LANES` lanes by
    the object it is about, so one object's events stay in one chain, in order, while appends about
    different objects of one province do not wait for each other's lock (ADR 0015). One lane: the
    stream is the province itself, as before lanes existed."""
    province = region_code[:2] + "0000" if region_code else NATIONAL_STREAM
    lanes = settings.PEIYU_AUDIT_LANES
    if lanes <= 1 or not object_type:
        return province
    lane = zlib.crc32(f"{object_type}:{object_id}".encode()) % lanes
    return province if lane == 0 else f"{province}.{lane}"


def province_streams(region_code: str) -> list[str]:
    """Every lane of a province's stream (what a bulk writer locks, in this order, before appending)."""
    province = region_code[:2] + "0000" if region_code else NATIONAL_STREAM
    return [province] + [f"{province}.{lane}" for lane in range(1, max(settings.PEIYU_AUDIT_LANES, 1))]


def audit_record(
    actor: Any,
    action: str,
    obj: Any = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    *,
    region_code: str | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user (or None for the system), `obj` the model touched.
    The region decides the stream: the object's region when it has one, else the actor's."""
    if region_code is None:
        region_code = _region_of(obj) or _region_of(actor) or ""
    object_type = obj._meta.label_lower if isinstance(obj, models.Model) else ""
    object_id = str(obj.pk) if isinstance(obj, models.Model) else ""
    stream = stream_for(region_code, object_type, object_id)
    at = timezone.now()
    # no savepoint: an error here fails the caller's whole transaction, as it must (the event exists
    # exactly when the change does); statements made once (core.bulk), not compiled per event
    with transaction.atomic(savepoint=False), prepared_cursor() as cur:
        cur.execute(_head_sql(), [stream])
        head = cur.fetchone()
        if head is None:
            AuditHead.objects.get_or_create(stream=stream, defaults={"seq": 0, "hash": GENESIS})
            cur.execute(_head_sql(), [stream])
            head = cur.fetchone()
        seq, prev_hash = int(head[0]) + 1, str(head[1])
        row = {
            "stream": stream,
            "seq": seq,
            "at": at,
            "actor_id": getattr(actor, "pk", None),
            "actor_repr": (getattr(actor, "username", "") or "system")[:150]
            if actor is not None
            else "system",
            "org_id": getattr(getattr(actor, "primary_org", None), "pk", None),
            "region_code": region_code,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": str(obj)[:200] if obj is not None else "",
            "before": _jsonable(before),
            "after": _jsonable(after),
            "reason": reason or "",
            "ip": current_ip() or "",
        }
        digest = row_hash(prev_hash, row)
        # the event and the head's move: one statement on PostgreSQL (core.bulk.insert_one's `then`)
        event = insert_one(
            AuditEvent,
            prev_hash=prev_hash,
            hash=digest,
            then=(_head_update_sql(), [seq, digest, stream]),
            **row,
        )
    return event


def _head_sql() -> str:
    """The stream's head, locked until the transaction ends (SQLite: the IMMEDIATE transaction already
    holds the database's one write lock)."""
    qn = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {qn('seq')}, {qn('hash')} FROM {qn(AuditHead._meta.db_table)} WHERE {qn('stream')} = %s{lock}"  # noqa: S608 - quoted names, bound values


def _head_update_sql() -> str:
    qn = connection.ops.quote_name
    return f"UPDATE {qn(AuditHead._meta.db_table)} SET {qn('seq')} = %s, {qn('hash')} = %s WHERE {qn('stream')} = %s"  # noqa: S608 - quoted names, bound values


def _region_of(obj: Any) -> str:
    if obj is None:
        return ""
    for attr in ("region_code", "region_id"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    getter = getattr(obj, "audit_region_code", None)
    if callable(getter):
        return getter() or ""
    return ""

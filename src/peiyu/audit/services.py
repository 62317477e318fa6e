"""audit_record(): the one way anything is written to the audit trail. Every service calls it inside
its own transaction, so the event exists exactly when the change does."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

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
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(stream=stream).first()
        if head is None:
            AuditHead.objects.get_or_create(stream=stream, defaults={"seq": 0, "hash": GENESIS})
            head = AuditHead.objects.select_for_update().get(stream=stream)
        row = {
            "stream": stream,
            "seq": head.seq + 1,
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
        digest = row_hash(head.hash, row)
        event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **row)
        AuditHead.objects.filter(stream=stream).update(seq=row["seq"], hash=digest)
    return event


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

"""Demo data at scale: institutions, their users and role assignments, and the audit events that
creating them leaves, bulk-written in batches (DESIGN "Performance": the benchmarks run on this).

`generate(scale)` makes `scale` institutions spread over the real district-level regions loaded in
accounts.Region, with valid unified social credit codes (GB 32100: the 9-character organisation code
carries its own GB 11714 check character and the 18th is the USCC check character), Chinese names
from word lists, `users_per_org` users each, and one audit event per created row. The audit events
go through a bulk path that builds the same SM3 chain as `audit_record()`: per batch it locks the
AuditHead of every stream it touches, numbers the events contiguously after the head, links each to
the previous hash and moves the head, so `verify_chain()` passes and concurrent `audit_record()`
calls queue behind the lock rather than fork the chain.

Deterministic: the same seed, scale and starting database give the same rows (timestamps too when
`now` is given). Numbering starts after the organisations already present, so a second run adds
rows rather than colliding."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Role, RoleAssignment, User
from peiyu.audit.chain import GENESIS, row_hash
from peiyu.audit.models import AuditEvent, AuditHead
from peiyu.audit.services import province_streams, stream_for
from peiyu.core.bulk import insert_rows, reserve_ids

from .scale_names import org_name, person_name, phone_number, place_weights, places, uscc_for

SYSTEM_ACTOR = "system"
REASON = "演示数据（规模生成）"


@dataclass
class ScaleResult:
    orgs: int = 0
    users: int = 0
    assignments: int = 0
    audit_events: int = 0
    seconds: float = 0.0
    streams: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.orgs + self.users + self.assignments + self.audit_events

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "orgs": self.orgs,
            "users": self.users,
            "assignments": self.assignments,
            "audit_events": self.audit_events,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


# --- the generator -------------------------------------------------------------------------------------


class Table:
    """Rows of one model written with core.bulk.insert_rows (COPY on PostgreSQL, else executemany): the
    ORM's bulk_create spends most of its time compiling SQL per row. Values are given per attname; a
    field not given takes its default (auto_now fields take `now`), so a column added later with a
    default needs no change here. Text, numbers, booleans and keys go as they are; datetimes and JSON
    through the backend's adapters; any other field through its own get_db_prep_save()."""

    PLAIN = frozenset({
        models.CharField, models.TextField, models.SlugField, models.EmailField, models.BooleanField,
        models.IntegerField, models.SmallIntegerField, models.BigIntegerField, models.PositiveIntegerField,
        models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.ForeignKey,
        models.AutoField, models.BigAutoField,
    })  # fmt: skip

    def __init__(self, model: type[models.Model], now: dt.datetime, *, with_pk: bool = True) -> None:
        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.defaults: dict[str, Any] = {}
        self.adapters: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            if not f.primary_key:
                auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                self.defaults[f.attname] = now if auto else f.get_default()
            if isinstance(f, models.DateTimeField):
                self.adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.JSONField):
                self.adapters.append(
                    # (mypy cannot type a lambda's bound default)
                    lambda v, enc=f.encoder: None if v is None else ops.adapt_json_value(v, enc)  # type: ignore[misc]
                )
            elif type(f) in self.PLAIN:
                self.adapters.append(None)
            else:  # dates, decimals, encrypted text, anything with its own conversion
                self.adapters.append(lambda v, f=f: f.get_db_prep_save(v, connection))  # type: ignore[misc]
        self.columns = [f.column for f in self.fields]
        self.model = model

    def insert(self, rows: list[dict[str, Any]]) -> int:
        pairs = list(zip(self.fields, self.adapters, strict=True))
        values = []
        for row in rows:
            out = []
            for f, adapt in pairs:
                v = row[f.attname] if f.attname in row else self.defaults[f.attname]
                out.append(v if adapt is None or v is None else adapt(v))
            values.append(out)
        insert_rows(self.model._meta.db_table, self.columns, values)
        return len(rows)

    def reserve_ids(self, n: int) -> list[int]:
        """Primary keys for `n` new rows, taken the way the database would hand them out."""
        ids = reserve_ids(self.model, n)
        if ids is None:
            raise NotImplementedError(f"demo.scale supports SQLite and PostgreSQL, not {connection.vendor}")
        return ids


class Chain:
    """The heads of the streams, locked batch by batch; hands out contiguous seq and the hash links
    exactly as audit_record() does (chain.row_hash over the same fields)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.heads: dict[str, tuple[int, str]] = {}
        self.rows: list[dict[str, Any]] = []

    def lock(self, streams: Iterable[str]) -> None:
        streams = sorted(set(streams))
        existing = set(AuditHead.objects.filter(stream__in=streams).values_list("stream", flat=True))
        missing = [AuditHead(stream=s, seq=0, hash=GENESIS) for s in streams if s not in existing]
        if missing:
            AuditHead.objects.bulk_create(missing, ignore_conflicts=True)
        # The lock audit_record() takes, in a fixed order so two generators cannot deadlock.
        for h in AuditHead.objects.select_for_update().filter(stream__in=streams).order_by("stream"):
            self.heads[h.stream] = (h.seq, h.hash)

    def append(self, row: dict[str, Any]) -> None:
        seq, prev = self.heads[row["stream"]]
        row["seq"] = seq + 1
        row["hash"] = digest = row_hash(prev, row)
        row["prev_hash"] = prev
        self.rows.append(row)
        self.heads[row["stream"]] = (row["seq"], digest)

    def flush(self) -> int:
        n = self.table.insert(self.rows)
        for stream, (seq, digest) in self.heads.items():
            AuditHead.objects.filter(stream=stream).update(seq=seq, hash=digest)
        self.rows, self.heads = [], {}
        return n


def event_row(
    at: dt.datetime, region_code: str, action: str, obj_type: str, obj_id: int, obj_repr: str, after
) -> dict:
    return {
        "stream": stream_for(region_code, obj_type, str(obj_id)),
        "at": at,
        "actor_id": None,
        "actor_repr": SYSTEM_ACTOR,
        "org_id": None,
        "region_code": region_code,
        "action": action,
        "object_type": obj_type,
        "object_id": str(obj_id),
        "object_repr": obj_repr[:200],
        "before": None,
        "after": after,
        "reason": REASON,
        "ip": "",
    }


def generate(
    scale: int,
    *,
    batch: int = 10_000,
    seed: int = 2026,
    users_per_org: int = 2,
    password: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[ScaleResult], None] | None = None,
) -> ScaleResult:
    """Create `scale` institutions with `users_per_org` users each (all holding institution_admin
    when that role is loaded) and one audit event per row, `batch` institutions per transaction.

    Users get an unusable password unless `password` is given (hashed once and shared: demo data).
    Requires regions in accounts.Region; industry authorities of a province, where present, become
    the recommending authority of some of its institutions."""
    if scale < 0 or batch < 1 or users_per_org < 0:
        raise ValueError("scale ≥ 0, batch ≥ 1, users_per_org ≥ 0")
    rng = random.Random(seed)
    started = time.perf_counter()
    now = (now or timezone.now()).astimezone(dt.UTC)
    spots = places()
    weights = place_weights(spots)
    authorities: dict[str, list[int]] = {}
    for pk, region in (
        Org.objects.filter(kind=Org.Kind.INDUSTRY_AUTHORITY, region__isnull=False)
        .order_by("pk")
        .values_list("pk", "region_id")
    ):
        authorities.setdefault(region[:2], []).append(pk)
    role = Role.objects.filter(code="institution_admin", disabled_on__isnull=True).first()
    shared_hash = make_password(password) if password else None
    offset = Org.objects.count()
    orgs_t, users_t, roles_t = Table(Org, now), Table(User, now), Table(RoleAssignment, now, with_pk=False)
    events_t = Table(AuditEvent, now, with_pk=False)
    result = ScaleResult()
    tick = dt.timedelta(microseconds=1)
    at = now
    org_type, user_type = Org._meta.label_lower, User._meta.label_lower
    kind = Org.Kind.INSTITUTION.value

    for start in range(0, scale, batch):
        n = min(batch, scale - start)
        chosen = rng.choices(spots, cum_weights=weights, k=n)
        with transaction.atomic():
            chain = Chain(events_t)
            chain.lock({s for p in chosen for s in province_streams(p.province)})
            org_ids = orgs_t.reserve_ids(n)
            orgs: list[dict[str, Any]] = []
            for i, (place, pk) in enumerate(zip(chosen, org_ids, strict=True)):
                school = rng.random() < 0.4
                recommenders = authorities.get(place.code[:2])
                orgs.append(
                    {
                        "id": pk,
                        "name": org_name(rng, place.city, school),
                        "kind": kind,
                        "region_id": place.code,
                        "uscc": uscc_for(offset + start + i, place.code, school=school),
                        "recommended_by_id": rng.choice(recommenders)
                        if recommenders and rng.random() < 0.7
                        else None,
                        "contact_phone": phone_number(rng),
                        "created_at": now
                        - dt.timedelta(days=rng.randrange(1, 3 * 365), seconds=rng.randrange(86_400)),
                    }
                )
            orgs_t.insert(orgs)

            user_ids = iter(users_t.reserve_ids(n * users_per_org)) if users_per_org else iter(())
            users: list[dict[str, Any]] = []
            for i, org in enumerate(orgs):
                for j in range(users_per_org):
                    users.append(
                        {
                            "id": next(user_ids),
                            "username": f"inst{offset + start + i:08d}_{j + 1}",
                            "full_name": person_name(rng),
                            "password": shared_hash or f"!{rng.getrandbits(160):040x}",
                            "primary_org_id": org["id"],
                            "region": org["region_id"],
                            "date_joined": org["created_at"] + dt.timedelta(minutes=5 + j),
                        }
                    )
            users_t.insert(users)

            assignments = []
            if role is not None:
                assignments = [
                    {
                        "user_id": u["id"],
                        "role_id": role.pk,
                        "org_id": u["primary_org_id"],
                        "region_id": u["region"],
                        "separation": role.separation,
                        "valid_from": u["date_joined"],
                        "valid_to": None,
                        "granted_by_id": None,
                    }
                    for u in users
                ]
                roles_t.insert(assignments)

            for org in orgs:
                at += tick
                after = {
                    "name": org["name"],
                    "kind": kind,
                    "region": org["region_id"],
                    "uscc": org["uscc"],
                    "recommended_by": org["recommended_by_id"],
                    "is_active": True,
                }
                chain.append(
                    event_row(at, org["region_id"], "org.created", org_type, org["id"], org["name"], after)
                )
            for u in users:
                at += tick
                after = {"username": u["username"], "org": u["primary_org_id"]}
                chain.append(
                    event_row(at, u["region"], "user.created", user_type, u["id"], u["full_name"], after)
                )
            if role is not None:
                for u in users:
                    at += tick
                    after = {"role": role.code, "org": u["primary_org_id"], "region": u["region"]}
                    chain.append(
                        event_row(at, u["region"], "role.assigned", user_type, u["id"], u["full_name"], after)
                    )
            for stream, (seq, _digest) in chain.heads.items():
                result.streams[stream] = seq
            result.audit_events += chain.flush()

        result.orgs += len(orgs)
        result.users += len(users)
        result.assignments += len(assignments)
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    result.seconds = time.perf_counter() - started
    return result

"""Online learning records pushed by online platforms (TRN-4, TRN-5, TRN-13).

A platform is an organisation of kind online_platform. Its API user (capability
training.online_records) authenticates with its bearer token AND signs every request with a
PlatformKey secret: HMAC-SHA256 over "<timestamp>\\n<sha256 hex of the body>", sent as hex in
X-Peiyu-Signature with X-Peiyu-Key and X-Peiyu-Timestamp (unix seconds, at most MAX_SKEW_SECONDS
from our clock). A stolen token alone cannot push records, nor can a replayed request after the skew.

A batch (at most MAX_RECORDS records) is idempotent by its batch_id: sent again with the same body it
gets the stored answer and writes nothing; with another body it is refused (409). A record whose
record_id is already stored is counted as a duplicate (found by the unique constraint, which sends the
batch round again with the stored ids looked up). A record is accepted when its class exists,
names this platform as its online platform and is running (培训中), the trainee is enrolled (在训)
in it, and the learning lies within the class's dates; otherwise it is listed with its index,
record_id and the reason in Chinese. Accepted records are written in bulk and each enrolment's
online_minutes is raised by the minutes accepted, in one UPDATE for the batch; one audit event per
batch. Everything is a fixed handful of queries per batch, whatever its size."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied

from ..models import OnlineBatch, PlatformKey, TrainingClass
from .anomalies import anomaly_scans_queue
from .online_bulk import add_minutes, datetime_adapter, enrolments_of, insert_records, stored_record_ids
from .roster_bulk import fast_blind_indexer

ID_PURPOSE = "person_id_number"
MAX_RECORDS = 1000  # records per batch: bounds one request's time and memory
MAX_SKEW_SECONDS = 300  # a signed request is valid this long around our clock (replay window)
ERRORS_KEPT = MAX_RECORDS


class SignatureRefused(PermissionDenied):
    """The request's signature, key or timestamp does not hold (401: the caller is not who it says)."""

    status = 401


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a platform sends: hex HMAC-SHA256 of "<timestamp>\\n<sha256 hex of body>"."""
    message = f"{timestamp}\n{hashlib.sha256(body).hexdigest()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# --- keys --------------------------------------------------------------------------------------------------------


def platform_key_create(*, actor, platform: Org) -> tuple[PlatformKey, str]:
    """A new signing key of the platform, by its own user (api_token.manage) or a system
    administrator (org.manage); the secret is returned once and kept encrypted."""
    if platform.kind != Org.Kind.ONLINE_PLATFORM:
        raise InvalidInput("只有线上培训平台可以申请签名密钥", code="not_a_platform")
    if getattr(actor, "primary_org_id", None) == platform.pk:
        require(actor, "api_token.manage")
    else:
        require(actor, "org.manage", region_code=platform.region_id or "")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        key = PlatformKey.objects.create(
            platform=platform, key_id="pk_" + secrets.token_hex(8), secret=secret
        )
        audit_record(
            actor, "platform_key.created", key, after={"platform": platform.pk, "key_id": key.key_id}
        )
    return key, secret


def platform_key_revoke(*, actor, key: PlatformKey) -> PlatformKey:
    platform = key.platform
    if getattr(actor, "primary_org_id", None) == platform.pk:
        require(actor, "api_token.manage")
    else:
        require(actor, "org.manage", region_code=platform.region_id or "")
    with transaction.atomic():
        locked = PlatformKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            audit_record(actor, "platform_key.revoked", locked, after={"key_id": locked.key_id})
    return locked


# --- ingestion -----------------------------------------------------------------------------------------------


def _platform_of(user) -> Org:
    require(user, "training.online_records")
    org = user.primary_org
    if org is None or org.kind != Org.Kind.ONLINE_PLATFORM:
        raise PermissionDenied("只有线上培训平台的接口账号可以推送学习记录", code="not_a_platform")
    return org


def verify_signature(platform: Org, key_id: str, signature: str, timestamp: str, body: bytes) -> None:
    key = (
        PlatformKey.objects.filter(key_id=str(key_id or "")[:32], platform=platform, revoked_at__isnull=True)
        .only("secret")
        .first()
        if key_id
        else None
    )
    if key is None:
        raise SignatureRefused("签名密钥不存在或已停用（X-Peiyu-Key）", code="unknown_key")
    ts = str(timestamp or "").strip()
    if not ts.isdigit() or abs(time.time() - int(ts)) > MAX_SKEW_SECONDS:
        raise SignatureRefused(
            f"请求时间戳无效或与服务器时间相差超过{MAX_SKEW_SECONDS // 60}分钟（X-Peiyu-Timestamp）",
            code="stale_timestamp",
        )
    expected = sign(key.secret, ts, body)
    if not hmac.compare_digest(expected, str(signature or "").strip().lower()):
        raise SignatureRefused("请求签名不正确（X-Peiyu-Signature）", code="bad_signature")


def _parse(body: bytes) -> tuple[str, list]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求内容不是有效的JSON", code="invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为JSON对象", code="invalid_json")
    batch_id = data.get("batch_id")
    if not isinstance(batch_id, str) or not batch_id.strip() or len(batch_id) > 64:
        raise InvalidInput("batch_id 应为1至64个字符", fields={"batch_id": ["batch_id 应为1至64个字符"]})
    records = data.get("records")
    if not isinstance(records, list) or not records:
        raise InvalidInput("records 应为非空数组", fields={"records": ["records 应为非空数组"]})
    if len(records) > MAX_RECORDS:
        raise InvalidInput(
            f"每批最多{MAX_RECORDS}条记录，本批{len(records)}条，请拆分后推送",
            code="batch_too_large",
            fields={"records": [f"每批最多{MAX_RECORDS}条记录"]},
        )
    return batch_id.strip(), records


def _moment(value) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if moment.tzinfo is None else moment


def _shape(i: int, r, index_of) -> tuple[dict | None, str]:
    """(the record's cleaned fields, '') or (None, the reason it is refused)."""
    if not isinstance(r, dict):
        return None, "记录应为JSON对象"
    rid, number, idn = r.get("record_id"), r.get("class_number"), r.get("id_number")
    if not isinstance(rid, str) or not rid or len(rid) > 64:
        return None, "record_id 应为1至64个字符"
    if not isinstance(number, str) or not number or len(number) > 32:
        return None, "缺少班级编号（class_number）"
    if not isinstance(idn, str) or not 15 <= len(idn.strip()) <= 18:
        return None, "缺少或无效的身份证号码（id_number）"
    start, end = _moment(r.get("started_at")), _moment(r.get("ended_at"))
    if start is None or end is None:
        return None, "开始或结束时间无效（应为带时区的ISO 8601时间）"
    if end <= start:
        return None, "结束时间应晚于开始时间"
    minutes = int((end - start).total_seconds() // 60)
    if minutes > 24 * 60:
        return None, "单条学习记录不能超过24小时"
    course = r.get("course") or ""
    if not isinstance(course, str):
        return None, "课程名称应为文字"
    return {
        "record_id": rid,
        "class_number": number,
        "index": index_of(idn),
        "course": course[:200],
        "started_at": start,
        "ended_at": end,
        "minutes": minutes,
        "device": str(r.get("device") or "")[:64],
    }, ""


def online_batch_ingest(
    *, platform_user, key_id: str, signature: str, timestamp: str, body: bytes
) -> dict[str, Any]:
    platform = _platform_of(platform_user)
    verify_signature(platform, key_id, signature, timestamp, body)
    batch_id, records = _parse(body)
    digest = hashlib.sha256(body).hexdigest()
    stored = OnlineBatch.objects.filter(platform=platform, batch_id=batch_id).first()
    if stored is not None:
        return _replayed(stored, digest)
    # Written first without looking up its record ids: a record sent again in another batch is rare,
    # and the unique (platform, record_id) constraint catches it. Then the batch is written again,
    # leaving out the record ids already stored (twice: a concurrent batch may store one meanwhile).
    for attempt in range(3):
        try:
            return _ingest(platform_user, platform, batch_id, digest, records, check_stored=attempt > 0)
        except IntegrityError:  # a record id or the batch id stored already, or an enrolment withdrawn
            stored = OnlineBatch.objects.filter(platform=platform, batch_id=batch_id).first()
            if stored is not None:  # a concurrent request stored this very batch first
                return _replayed(stored, digest)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _replayed(stored: OnlineBatch, digest: str) -> dict[str, Any]:
    if stored.body_sha256 != digest:
        raise Conflict("该批次号已用于内容不同的另一批记录，请使用新的批次号", code="batch_id_reused")
    return {**stored.result, "replayed": True}


def _ingest(
    user, platform: Org, batch_id: str, digest: str, records: list, *, check_stored: bool
) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    errors: list[dict[str, Any]] = []
    clean: list[tuple[int, dict]] = []
    seen: set[str] = set()
    duplicates = 0
    index_of = fast_blind_indexer(ID_PURPOSE)
    for i, r in enumerate(records):
        row, reason = _shape(i, r, index_of)
        if row is None:
            rid = r.get("record_id") if isinstance(r, dict) else None
            errors.append({"index": i, "record_id": rid if isinstance(rid, str) else None, "reason": reason})
        elif row["record_id"] in seen:
            duplicates += 1
        else:
            seen.add(row["record_id"])
            clean.append((i, row))
    classes = {
        number: (pk, online_platform_id, status, starts_on, ends_on)
        for pk, number, online_platform_id, status, starts_on, ends_on in TrainingClass.objects.filter(
            number__in={row["class_number"] for _, row in clean}
        ).values_list("pk", "number", "online_platform_id", "status", "starts_on", "ends_on")
    }
    wanted: list[tuple[int, dict, int]] = []
    for i, row in clean:
        c = classes.get(row["class_number"])
        reason = ""
        if c is None:
            reason = "班级不存在"
        elif c[1] != platform.pk:
            reason = "该班级未指定本平台为线上培训平台"
        elif c[2] != TrainingClass.Status.RUNNING:
            reason = "该班级不在培训中，不接收学习记录"
        elif not (
            c[3] <= row["started_at"].astimezone(tz).date() and row["ended_at"].astimezone(tz).date() <= c[4]
        ):
            reason = "学习时间不在班级培训期内"
        if reason:
            errors.append({"index": i, "record_id": row["record_id"], "reason": reason})
        else:
            assert c is not None  # a missing class has its reason
            wanted.append((i, row, c[0]))
    enrolments = enrolments_of({k for _, _, k in wanted}, {row["index"] for _, row, _ in wanted})
    # read before the write transaction (which holds SQLite's write lock, PostgreSQL's row locks);
    # a record id stored meanwhile by a concurrent batch fails the unique constraint: the caller retries
    existing = (
        stored_record_ids(platform.pk, [row["record_id"] for _, row, _ in wanted]) if check_stored else set()
    )
    new: list[tuple] = []
    added: dict[int, int] = defaultdict(int)
    touched: set[int] = set()  # the classes of the accepted records
    adapt = datetime_adapter()
    for i, row, klass_id in wanted:
        enrolment_id = enrolments.get((klass_id, row["index"]))
        if enrolment_id is None:
            errors.append({"index": i, "record_id": row["record_id"], "reason": "该学员未在本班在训"})
            continue
        if row["record_id"] in existing:
            duplicates += 1
            continue
        new.append(
            (
                row["record_id"],
                enrolment_id,
                row["course"],
                adapt(row["started_at"]),
                adapt(row["ended_at"]),
                row["minutes"],
                row["device"],
            )
        )
        added[enrolment_id] += row["minutes"]
        touched.add(klass_id)
    errors.sort(key=lambda e: e["index"])
    result = {
        "batch_id": batch_id,
        "accepted": len(new),
        "duplicates": duplicates,
        "rejected": len(errors),
        "errors": errors[:ERRORS_KEPT],
    }
    with transaction.atomic():
        batch = OnlineBatch.objects.create(
            platform=platform,
            batch_id=batch_id,
            body_sha256=digest,
            received_at=timezone.now(),
            accepted=len(new),
            duplicates=duplicates,
            rejected=len(errors),
            result=result,
        )
        if not add_minutes(added):  # an enrolment of the batch was withdrawn meanwhile: read again
            raise IntegrityError("an enrolment of the batch is no longer enrolled")
        insert_records([(platform.pk, batch.pk, *row) for row in new])
        audit_record(
            user,
            "online_batch.received",
            batch,
            after={
                "batch_id": batch_id,
                "accepted": len(new),
                "duplicates": duplicates,
                "rejected": len(errors),
                "minutes": sum(added.values()),
                "classes": sorted(touched),
            },
            region_code="",
        )
        anomaly_scans_queue(batch.pk, touched)
    return result

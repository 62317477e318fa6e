"""Public verification (CRT-5, CRT-8; ADR 0014): the budgets that keep the register from being
enumerated, the employers' bulk check, and the signed documents verifiers take away — the published
keys, the status lists (W3C Bitstring Status List) and each certificate as a W3C Verifiable
Credential 2.0.

Budgets: per fixed window (`PEIYU_VERIFY_WINDOW_SECONDS`), each address — or signed-in user — may make
`PEIYU_VERIFY_HITS_PER_WINDOW` lookups that find a certificate and `PEIYU_VERIFY_MISSES_PER_WINDOW` that
find none (guessing numbers makes misses; an employer checking real certificates makes hits). Both are
counted in ONE shared counter per window (misses in the high bits); a miss is written at once, hits in
groups from each process, so the hot path rarely writes. Past either budget every lookup is refused
until the window ends, with the time to retry. The bulk API counts numbers per employer against
`PEIYU_VERIFY_BULK_PER_WINDOW` and is audited."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core import sm2
from peiyu.core.cache import Generation, counter_add
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import DomainError, InvalidInput

from ..models import Certificate
from ..rules.verification import (
    BULK_MAX,
    RULE,
    STATUS_MESSAGES,
    STATUS_SIZE,
    STATUS_VALUES,
    bitstring_encode,
    jcs,
    list_position,
    normalise_number,
    same_name,
    status_values_encode,
)
from ..selectors import verification as sel
from .signing import platform_key, public_keys, signing_key_for

VERIFY_BULK = "certificate.verify_bulk"
MISS = 1 << 32  # one miss in the shared counter (hits count in the low 32 bits)
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CRYPTOSUITE = "peiyu-sm2-sm3-jcs-2026"  # platform-specific (ADR 0014), not a registered W3C suite
REVOCATION, MESSAGE = "revocation", "message"  # the two status lists of each range (statusPurpose)
_LIST_CACHE_SECONDS = 600
STATUS_LISTS = Generation("certificate-status-lists")


class Throttled(DomainError):
    """Too many lookups in this window: 429, with when to retry."""

    status = 429
    code = "throttled"


# --- budgets ------------------------------------------------------------------------------------------------


def _window() -> tuple[int, int]:
    """(this window's number, seconds until it ends)."""
    seconds = max(1, settings.PEIYU_VERIFY_WINDOW_SECONDS)
    now = time.time()
    number = int(now // seconds)
    return number, int((number + 1) * seconds - now) + 1


def _throttled(retry_after: int, what: str) -> Throttled:
    at = timezone.localtime(timezone.now() + dt.timedelta(seconds=retry_after))
    message = f"{what}过于频繁，请于 {at:%H:%M} 后再试（约 {max(1, -(-retry_after // 60))} 分钟）"
    return Throttled(
        message,
        rule=RULE,
        fields={"number": [message]},
        details={"retry_after": retry_after, "retry_at": at.isoformat(timespec="minutes")},
    )


@dataclass
class _Tally:
    """This process's view of one counter: its value when last written, and hits not written yet."""

    shared: int = 0
    pending: int = 0
    written_at: float = 0.0


_tallies: dict[str, _Tally] = {}
_tallies_window = [0]
_tallies_lock = threading.Lock()
HITS_PER_WRITE = 16  # hits kept in the process before one increment of the shared counter
WRITE_SECONDS = 1.0  # … or after this long
TALLIES_MAX = 50_000


def _tally(name: str, window: int, *, found: bool, ttl: int) -> int:
    """The counter's value after this lookup. A miss is written at once; hits are written in groups
    (every HITS_PER_WRITE, or WRITE_SECONDS), so the hot path of an employer's checks costs a shared
    write only now and then — across the server's processes a budget of hits may overshoot by a few
    groups, never the budget of misses."""
    now = time.monotonic()
    with _tallies_lock:
        if _tallies_window[0] != window or len(_tallies) > TALLIES_MAX:
            _tallies.clear()
            _tallies_window[0] = window
        tally = _tallies.setdefault(name, _Tally())
        tally.pending += 1 if found else 0
        if found and tally.pending < HITS_PER_WRITE and now - tally.written_at < WRITE_SECONDS:
            return tally.shared + tally.pending
        delta, tally.pending = tally.pending + (0 if found else MISS), 0
    value = counter_add(name, delta, ttl=ttl)
    with _tallies_lock:
        tally.shared, tally.written_at = value, now
    return value + tally.pending


def lookup_tallies_forget() -> None:
    """Drop this process's unwritten hits (tests clear the shared cache between cases)."""
    with _tallies_lock:
        _tallies.clear()


@lru_cache(maxsize=4096)
def _who_key(who: str) -> str:
    """The counter's name part for `who`: a digest, so no address is kept in the shared cache in clear
    (kept per process: an employer checking a list asks from one address again and again)."""
    return sm3_hex(who.encode())[:24]


def lookup_counted(who: str, *, found: bool) -> None:
    """Count one lookup of `who` ("ip:…" or "user:…"); Throttled when this window's budget of hits or
    of misses is spent (this lookup's answer is then withheld too)."""
    window, left = _window()
    name = f"peiyu:verify:{window}:{_who_key(who)}"
    value = _tally(name, window, found=found, ttl=left + 5)
    hits, misses = value & (MISS - 1), value >> 32
    if hits > settings.PEIYU_VERIFY_HITS_PER_WINDOW or misses > settings.PEIYU_VERIFY_MISSES_PER_WINDOW:
        raise _throttled(left, "查询")


def lookup_refused(who: str) -> Throttled | None:
    """Whether `who` has already spent a budget this window (checked before work that costs more than a
    lookup, such as reading an uploaded PDF), without counting."""
    window, left = _window()
    value = cache.get(f"peiyu:verify:{window}:{_who_key(who)}") or 0
    hits, misses = int(value) & (MISS - 1), int(value) >> 32
    if hits >= settings.PEIYU_VERIFY_HITS_PER_WINDOW or misses >= settings.PEIYU_VERIFY_MISSES_PER_WINDOW:
        return _throttled(left, "查询")
    return None


# --- the employers' bulk check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkItem:
    number: str
    name: str = ""


def _bulk_answer(item: BulkItem, cert: Certificate | None) -> dict[str, Any]:
    if cert is None:
        return {"number": item.number, "found": False, "name_matches": None}
    view = sel.verification_view(cert)
    return {
        **view,
        "number": item.number,
        "found": True,
        "name_matches": same_name(item.name, cert.holder_name) if item.name.strip() else None,
    }


def certificates_verify_bulk(*, actor: Any, items: Sequence[BulkItem]) -> list[dict[str, Any]]:
    """An employer's check of a list of numbers (each optionally with the holder's name, compared, never
    returned in full): one answer per item, in order. Audited with the numbers checked."""
    require(actor, VERIFY_BULK)
    if not items:
        raise InvalidInput("请提供要核验的证书编号", fields={"items": ["请提供要核验的证书编号"]})
    if len(items) > BULK_MAX:
        message = f"一次最多核验 {BULK_MAX} 个证书编号，请分批提交"
        raise InvalidInput(message, fields={"items": [message]})
    window, left = _window()
    spent = counter_add(f"peiyu:verify-bulk:{window}:{actor.pk}", len(items), ttl=left + 5)
    if spent > settings.PEIYU_VERIFY_BULK_PER_WINDOW:
        raise _throttled(left, "批量核验")
    wanted = {normalise_number(i.number) for i in items} - {""}
    found = {
        c.number: c for c in Certificate.objects.filter(number__in=wanted).order_by().only(*sel.ANSWER_FIELDS)
    }
    answers = [_bulk_answer(i, found.get(normalise_number(i.number))) for i in items]
    audit_record(
        actor,
        "certificate.verified_bulk",
        None,
        after={
            "count": len(items),
            "found": sum(1 for a in answers if a["found"]),
            "numbers": sorted(wanted),
        },
    )
    return answers


# --- the published keys ---

_KEYS_SECONDS = 30.0
_keys_cache: dict[str, Any] = {"at": 0.0, "keys": None}


def published_keys(*, fresh: bool = False) -> dict[str, dict[str, Any]]:
    """`signing.public_keys()`, kept in this process for half a minute (keys change when an
    issuer signs for the first time or rotates; an unknown key id is looked up again at once)."""
    now = time.monotonic()
    if fresh or _keys_cache["keys"] is None or now - _keys_cache["at"] > _KEYS_SECONDS:
        _keys_cache["keys"] = public_keys()
        _keys_cache["at"] = now
    keys: dict[str, dict[str, Any]] = _keys_cache["keys"]
    return keys


# --- signed documents ---------------------------------------------------------------------------------------


def _b64url(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _proof(document: dict[str, Any], *, private_hex: str, key_id: str, keys_url: str) -> dict[str, Any]:
    """A Data Integrity proof of `document` (without proof): SM2 with SM3 over its JCS form (ADR 0014)."""
    signature = sm2.sign(private_hex, jcs(document))
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "verificationMethod": f"{keys_url}#{key_id}",
        "proofPurpose": "assertionMethod",
        "proofValue": "u" + _b64url(signature),
    }


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def keys_document() -> dict[str, Any]:
    """The published keys (`/certificates/keys.json`): every key that ever signed, with its status and
    dates; what the offline verifier loads."""
    keys = published_keys(fresh=True)
    return {
        "publisher": "培育平台",
        "algorithm": "SM2（GB/T 32918.2），杂凑 SM3，默认用户标识 1234567812345678",
        "signature_format": "r‖s 64 字节，base64url（无填充）",
        "payload_format": "<base64url(JSON)>.<base64url(r‖s)>，签名对象为第一段的 ASCII 文本",
        "generated_at": _iso(timezone.now()),
        "keys": [
            {
                "key_id": key_id,
                "public_key": k["public"],
                "algorithm": k.get("algorithm", "SM2-SM3"),
                "institution": k["institution"] or "培育平台（状态列表签名）",
                "platform": not k.get("institution_id"),
                "status": k["status"],
                "created_at": _iso(k["created_at"]),
                "retired_at": _iso(k["retired_at"]),
                "revoked_at": _iso(k["revoked_at"]),
            }
            for key_id, k in keys.items()
        ],
    }


def status_list_forget() -> None:
    """Every published status list is rebuilt on its next request: the services that change a
    certificate's status (invalidation, reissue) call this when their transaction commits."""
    STATUS_LISTS.bump()


def status_list_credential(
    list_number: int, *, list_url: str, keys_url: str, purpose: str = REVOCATION
) -> dict[str, Any] | None:
    """The signed status list credential of one list, None when no certificate has a position in it.
    `purpose` REVOCATION: one bit per certificate, set when it is no longer valid (invalidated or
    superseded); MESSAGE: STATUS_SIZE bits per certificate, its status as STATUS_VALUES (the entries'
    meanings are in each certificate's credentialStatus, STATUS_MESSAGES). Kept per list and purpose
    under the status generation (bumped by status_list_forget, so a declaration shows at once) and for
    at most `_LIST_CACHE_SECONDS` (a write that bypassed the services shows by then); rebuilding is one
    query of the list's positions that are no longer valid, a GZIP and one signature."""
    if purpose not in (REVOCATION, MESSAGE):
        raise ValueError(purpose)
    name = (
        f"peiyu:cert-status-list:{STATUS_LISTS.current()}:{list_number}:{purpose}:"
        f"{sm3_hex(list_url.encode())[:16]}"
    )
    kept = cache.get(name)
    if kept is not None:
        return dict(kept)
    if not sel.status_list_exists(list_number):
        return None
    entries = sel.status_list_entries(list_number)
    if purpose == REVOCATION:
        encoded = bitstring_encode(sorted(entries))
    else:
        encoded = status_values_encode({i: STATUS_VALUES[status] for i, status in entries.items()})
    key = platform_key()
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": keys_url, "name": "培育平台"},
        "validFrom": timezone.now().replace(microsecond=0).isoformat(),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }
    document["proof"] = _proof(document, private_hex=key.private_key, key_id=key.key_id, keys_url=keys_url)
    cache.set(name, document, _LIST_CACHE_SECONDS)
    return document


def certificate_vc(cert: Certificate, *, page_url: str, list_url_of: Any, keys_url: str) -> dict[str, Any]:
    """The certificate as a W3C Verifiable Credential 2.0 (JSON): what the public answer shows (the
    holder's name masked, never an ID number), its place in the status list, signed by the issuer's
    active key. `list_url_of(n, purpose)` is the URL of status list n of that purpose: the credential
    names both lists of its range, the revocation list and the two-bit status list."""
    institution = Org.objects.only("name", "uscc").get(pk=cert.institution_id)
    view = sel.verification_view(cert)
    validity = dt.datetime.combine(cert.issued_on, dt.time(), tzinfo=timezone.get_default_timezone())
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": page_url,
        "type": ["VerifiableCredential", "VocationalCertificateCredential"],
        "name": view["kind_label"],
        "issuer": {
            "id": f"urn:uscc:{institution.uscc}"
            if institution.uscc
            else f"{keys_url}#issuer-{institution.pk}",
            "name": cert.issuer_name,
        },
        "validFrom": validity.isoformat(),
        "credentialSubject": {
            "type": "CertificateHolder",
            "name": view["holder"],
            "certificate": {
                "number": cert.number,
                "kind": cert.kind,
                "title": view["kind_label"],
                "occupationCode": cert.occupation_code,
                "occupation": cert.occupation_name,
                "direction": cert.direction,
                "level": cert.level,
                "issuedOn": cert.issued_on.isoformat(),
            },
        },
    }
    if cert.status_index is not None:
        list_number, bit = list_position(cert.status_index)
        revocation, message = list_url_of(list_number, REVOCATION), list_url_of(list_number, MESSAGE)
        document["credentialStatus"] = [
            {
                "id": f"{revocation}#{bit}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": REVOCATION,
                "statusListIndex": str(bit),
                "statusListCredential": revocation,
            },
            {
                "id": f"{message}#{bit}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": MESSAGE,
                "statusListIndex": str(bit),
                "statusListCredential": message,
                "statusSize": STATUS_SIZE,
                "statusMessage": [{"status": value, "message": text} for value, text in STATUS_MESSAGES],
            },
        ]
    key = signing_key_for(institution)
    document["proof"] = _proof(document, private_hex=key.private_key, key_id=key.key_id, keys_url=keys_url)
    return document

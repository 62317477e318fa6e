"""Certificates at scale (certificates.Certificate), bulk-written like the other scale generators
(core.bulk: COPY on PostgreSQL, executemany on SQLite): for the benchmark of public verification over a
national register (issue 14, 13(a)) and demos of it.

Each run adds `n` skill certificates after those present: 22-character numbers of the published coding
rule, unique by construction; issued by a few dozen evaluation institutions (each with its signing key,
made through certificates.services.signing); held by a pool of registered people (the holder is not what
verification reads); status-list positions after the highest given (and the "#status" sequence moved past
them, so later issuance continues); about 1 % declared invalid. The QR payload column holds a payload of
the real format and length whose signature part is not a signature: verification by number reads only
whether a payload is there, and signing a million payloads would make the generator, not the benchmark,
the slow part (the offline-verification benchmark signs its own)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peiyu.accounts.models import Org, Region

from .scale import Table
from .scale_names import person_name

ISSUERS = 40
HOLDERS = 2_000
INVALID_SHARE = 0.01
OCCUPATIONS = (
    ("6-31-01-03", "电工"),
    ("6-18-01-01", "车工"),
    ("4-04-05-05", "人工智能训练师"),
    ("4-04-05-04", "互联网营销师"),
    ("6-25-04-02", "电子设备装接工"),
)
LEVELS = ("五级", "四级", "三级", "二级", "一级")
FAKE_SIGNATURE = "A" * 86  # the length of a base64url 64-byte signature


@dataclass
class CertificateScaleResult:
    certificates: int = 0
    invalid: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.certificates / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "certificates": self.certificates,
            "invalid": self.invalid,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


def number_of(i: int) -> str:
    """The i-th generated number: S, institution code 0000, province, site serial, year, level, serial
    — distinct for every i (the site serial and the serial together are i)."""
    province = ("21", "42", "51", "35", "44")[i % 5]
    return f"S0000{province}{i // 100_000:06d}26{1 + i % 5}{i % 1_000_000:06d}"


def _issuers(now: dt.datetime) -> list[tuple[Org, Any]]:
    """The evaluation institutions that issue the generated certificates, each with its signing key."""
    from peiyu.certificates.services.signing import signing_key_for

    region = Region.objects.filter(code="510107").first() or Region.objects.filter(level=3).first()
    orgs = list(Org.objects.filter(name__startswith="规模测试评价机构").order_by("pk")[:ISSUERS])
    for k in range(len(orgs), ISSUERS):
        orgs.append(
            Org.objects.create(name=f"规模测试评价机构{k + 1:02d}", kind=Org.Kind.INSTITUTION, region=region)
        )
    return [(org, signing_key_for(org)) for org in orgs]


def _holders(rng: random.Random) -> list[tuple[int, str]]:
    from peiyu.core.crypto import blind_index
    from peiyu.core.identifiers import id_with_check
    from peiyu.training.models import Trainee

    have = list(Trainee.objects.filter(employer="规模测试").values_list("pk", "name")[:HOLDERS])
    if len(have) < HOLDERS:
        made = []
        for k in range(len(have), HOLDERS):
            number = id_with_check(f"5101071980{1 + k // 28 % 12:02d}{1 + k % 28:02d}{k % 1000:03d}")
            made.append(
                Trainee(
                    name=person_name(rng),
                    id_number=number,
                    id_index=blind_index(f"scale-{k}-{number}", "person_id_number"),
                    sex="M",
                    birth_date=dt.date(1980, 1, 1),
                    employer="规模测试",
                )
            )
        Trainee.objects.bulk_create(made, batch_size=500)
        have = list(Trainee.objects.filter(employer="规模测试").values_list("pk", "name")[:HOLDERS])
    return have


def _payload(number: str, name: str, occupation: str, level: str, issued: str, key_id: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]  # the shape of the name digest, not SM3
    doc = {
        "d": issued,
        "h": digest,
        "k": key_id,
        "l": level,
        "n": number,
        "o": occupation,
        "t": "skill",
        "v": 1,
    }
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body).rstrip(b"=").decode() + "." + FAKE_SIGNATURE


def generate_certificates(
    n: int,
    *,
    seed: int = 2026,
    batch: int = 20_000,
    progress: Callable[[CertificateScaleResult], None] | None = None,
) -> CertificateScaleResult:
    """Add `n` certificates (module docstring), `batch` per transaction."""
    from peiyu.certificates.models import Certificate, CertificateSequence
    from peiyu.certificates.services.signing import STATUS_PREFIX

    if n < 0 or batch < 1:
        raise ValueError("n ≥ 0, batch ≥ 1")
    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now()
    result = CertificateScaleResult()
    with transaction.atomic():
        issuers = _issuers(now)
        holders = _holders(rng)
    offset = Certificate.objects.filter(number__startswith="S0000", source_kind="scale").count()
    index = Certificate.objects.aggregate(m=Max("status_index"))["m"] or 0
    table = Table(Certificate, now, with_pk=False)
    done = 0
    while done < n:
        size = min(batch, n - done)
        rows = []
        for j in range(size):
            i = offset + done + j
            org, key = issuers[i % len(issuers)]
            holder_id, name = holders[(i * 7919) % len(holders)]
            code, occupation = OCCUPATIONS[i % len(OCCUPATIONS)]
            level = LEVELS[i % 5]
            issued = dt.date(2020, 1, 1) + dt.timedelta(days=(i * 37) % 2400)
            number = number_of(i)
            invalid = rng.random() < INVALID_SHARE
            result.invalid += invalid
            rows.append(
                {
                    "kind": "skill",
                    "number": number,
                    "verify_token": secrets.token_urlsafe(32),
                    "status": "invalidated" if invalid else "valid",
                    "holder_id": holder_id,
                    "holder_name": name,
                    "holder_id_masked": "510107********" + f"{i % 10_000:04d}",
                    "holder_id_index": hashlib.sha256(f"holder-{holder_id}".encode()).hexdigest(),
                    "institution_id": org.pk,
                    "issuer_name": org.name,
                    "region_code": "510107",
                    "programme": "skill",
                    "occupation_code": code,
                    "occupation_name": occupation,
                    "direction": "",
                    "level": level,
                    "issued_on": issued,
                    "details": {},
                    "source_kind": "scale",
                    "source_id": 5_000_000_000 + i,
                    "key_id": key.pk,
                    "payload": _payload(number, name, code, level, issued.isoformat(), key.key_id),
                    "status_index": index + done + j + 1,
                    "invalidated_on": issued + dt.timedelta(days=200) if invalid else None,
                }
            )
        with transaction.atomic():
            table.insert(rows)
        done += size
        result.certificates = done
        result.seconds = time.perf_counter() - started
        if progress is not None:
            progress(result)
    with transaction.atomic():
        highest = Certificate.objects.aggregate(m=Max("status_index"))["m"] or 0
        seq, _ = CertificateSequence.objects.select_for_update().get_or_create(prefix=STATUS_PREFIX)
        if seq.last < highest:
            CertificateSequence.objects.filter(prefix=STATUS_PREFIX).update(last=highest)
    result.seconds = time.perf_counter() - started
    return result

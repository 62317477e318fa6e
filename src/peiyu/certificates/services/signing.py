"""Signing certificates (CRT-4, ADR 0013): each issuing institution's active SM2 key (created in the
platform the first time it issues), the signed QR payload of each certificate and its place in the
published status list; the public keys everyone may fetch. The platform's own key (institution null)
signs the status lists."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from peiyu.accounts.models import Org
from peiyu.core import sm2

from ..flows import KEY_FLOW
from ..models import Certificate, CertificateSequence, SigningKey
from ..rules.payload import PayloadFields, payload_encode

STATUS_PREFIX = "#status"  # the CertificateSequence row that hands out status-list positions


def key_id_for(public_hex: str) -> str:
    """ "k" + the first 16 hex digits of SM3(public key bytes)."""
    return "k" + sm2.sm3_digest(bytes.fromhex(public_hex)).hex()[:16]


def signing_key_new(institution: Org | None, *, actor: Any, reason: str = "") -> SigningKey:
    """A new active key for `institution` (None: the platform). The caller retires the old one first
    (one active key per issuer is a database constraint)."""
    private, public = sm2.generate()
    key = SigningKey.objects.create(
        key_id=key_id_for(public),
        institution=institution,
        public_key=public,
        private_key=private,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    KEY_FLOW.created(key, actor=actor, reason=reason, after={"key_id": key.key_id})
    return key


def _active(institution_id: int | None) -> SigningKey | None:
    return (
        SigningKey.objects.filter(institution_id=institution_id, status=SigningKey.Status.ACTIVE)
        .select_related("institution")
        .first()
    )


def signing_key_for(institution: Org | None, *, actor: Any = None) -> SigningKey:
    """The issuer's active key; its first one is generated (and audited) when it has none. Two issuers
    creating it at once: the loser of the unique constraint takes the winner's key."""
    institution_id = institution.pk if institution is not None else None
    key = _active(institution_id)
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return signing_key_new(institution, actor=actor, reason="首次签发，平台生成签名密钥")
    except IntegrityError:
        key = _active(institution_id)
        if key is None:
            raise
        return key


def platform_key() -> SigningKey:
    """The platform's own key (institution null): it signs the published status lists."""
    return signing_key_for(None)


def status_indexes_take(count: int) -> list[int]:
    """`count` new, never reused positions in the status list, under the "#status" row's lock (as
    numbers_take does for numbers). The first use starts after the highest position already given."""
    if count <= 0:
        return []
    seq = CertificateSequence.objects.select_for_update().filter(prefix=STATUS_PREFIX).first()
    if seq is None:
        highest = Certificate.objects.aggregate(m=Max("status_index"))["m"] or 0
        try:
            with transaction.atomic():
                CertificateSequence.objects.create(prefix=STATUS_PREFIX, last=highest)
        except IntegrityError:
            pass  # a concurrent issuer created it: lock theirs
        seq = CertificateSequence.objects.select_for_update().get(prefix=STATUS_PREFIX)
    first = seq.last + 1
    CertificateSequence.objects.filter(prefix=STATUS_PREFIX).update(last=seq.last + count)
    return list(range(first, first + count))


def payload_fields(cert: Certificate, key: SigningKey) -> PayloadFields:
    return PayloadFields(
        number=cert.number,
        kind=cert.kind,
        holder_name=cert.holder_name,
        occupation_code=cert.occupation_code,
        level=cert.level,
        issued_on=cert.issued_on,
        key_id=key.key_id,
    )


def certificates_sign(certs: Sequence[Certificate], *, actor: Any = None) -> None:
    """Sign saved certificates: each gets its issuer's active key, its signed payload and (when it has
    none yet) a status-list position; written with one bulk update. Call inside the issuing
    transaction (the positions are spent only if it commits)."""
    if not certs:
        return
    with transaction.atomic():
        keys: dict[int, SigningKey] = {}
        need = [c for c in certs if c.status_index is None]
        for cert, index in zip(need, status_indexes_take(len(need)), strict=True):
            cert.status_index = index
        for cert in certs:
            key = keys.get(cert.institution_id)
            if key is None:
                key = keys[cert.institution_id] = signing_key_for(cert.institution, actor=actor)
            cert.key = key
            cert.payload = payload_encode(payload_fields(cert, key), partial(sm2.sign, key.private_key))
        _write_signatures(certs)


def _write_signatures(certs: Sequence[Certificate]) -> None:
    """One prepared UPDATE run for every row (bulk_update's CASE expressions cost 3 ms a row to build)."""
    table = connection.ops.quote_name(Certificate._meta.db_table)
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {table} SET key_id = %s, payload = %s, status_index = %s WHERE id = %s",  # noqa: S608 - quoted name
            [(c.key_id, c.payload, c.status_index, c.pk) for c in certs],
        )


def public_keys() -> dict[str, dict[str, Any]]:
    """Every key that ever signed, active, retired or revoked (a retired key still vouches for what it
    signed; a revoked one for what it signed before `revoked_at`): key id → its public facts."""
    rows = SigningKey.objects.select_related("institution").order_by("created_at", "key_id")
    return {
        k.key_id: {
            "public": k.public_key,
            "algorithm": "SM2-SM3",
            "institution": k.institution.name if k.institution_id and k.institution else "",
            "institution_id": k.institution_id,
            "status": k.status,
            "created_at": k.created_at,
            "retired_at": k.retired_at,
            "revoked_at": k.revoked_at,
        }
        for k in rows.only(
            "key_id", "public_key", "institution__name", "status", "created_at", "retired_at", "revoked_at"
        )
    }

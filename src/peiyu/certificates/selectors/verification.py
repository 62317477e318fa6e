"""Public verification reads (CRT-5, CRT-8; ADR 0014): a certificate by its number (one indexed query of
the few columns the answer shows), by name + ID number + number (the ID's blind index compared, never
decrypted), the answer the public sees, and what the published formats need (the invalid positions of
one status list, the published keys as payload_verify takes them).

The answer never holds an ID number; the masked one only when the visitor typed the full one. A
certificate that is not found, and one whose name or ID number do not match, give the same answer."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils.translation import get_language

from peiyu.core.bulk import row_instance
from peiyu.core.crypto import blind_index, constant_time_equals
from peiyu.core.sql import prepared_cursor

from ..models import Certificate, Invalidation
from ..rules.verification import LIST_BITS, mask_holder_name, normalise_number, same_name

C = Certificate.Status
ID_PURPOSE = "person_id_number"  # the one blind index of a person's ID number (training's register)
# the columns an answer shows: one query, no join
ANSWER_FIELDS = (
    "id",
    "kind",
    "number",
    "verify_token",
    "status",
    "holder_name",
    "holder_id_masked",
    "holder_id_index",
    "institution",
    "issuer_name",
    "occupation_code",
    "occupation_name",
    "direction",
    "level",
    "issued_on",
    "invalidated_on",
    "status_index",
    "payload",
)
REISSUE_CHAIN_MAX = 20


@lru_cache(maxsize=1)
def _by_number_sql() -> tuple[str, tuple[str, ...]]:
    """The lookup by number as one SQL text (the national-scale path: no ORM compilation per request;
    table and column names from the model's meta, the number a parameter)."""
    # in the model's field order: Model.from_db takes the values of the fields it is given in that order
    fields = [f for f in Certificate._meta.concrete_fields if f.name in ANSWER_FIELDS]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    table, number = qn(Certificate._meta.db_table), qn(Certificate._meta.get_field("number").column)
    sql = f"SELECT {columns} FROM {table} WHERE {number} = %s LIMIT 1"  # noqa: S608 - names from meta
    return sql, tuple(f.attname for f in fields)


def certificate_by_number(number: str | None) -> Certificate | None:
    """The certificate of that number (typed in any width or case), or None: one indexed query of the
    columns an answer shows (the instance holds only those)."""
    wanted = normalise_number(number)
    if not wanted:
        return None
    sql, attnames = _by_number_sql()
    with prepared_cursor() as cursor:  # a unique key: one plan fits every number (core.sql, ADR 0016)
        cursor.execute(sql, [wanted])
        row = cursor.fetchone()
    if row is None:
        return None
    converters = _converters()
    return row_instance(
        Certificate,
        **{
            name: convert(v) if convert is not None and v is not None else v
            for name, convert, v in zip(attnames, converters, row, strict=True)
        },
    )


@lru_cache(maxsize=1)
def _converters() -> tuple[Any, ...]:
    """What the backend needs to turn a raw value into the field's Python value (a date on SQLite)."""
    out: list[Any] = []
    attnames = _by_number_sql()[1]
    for field in (f for f in Certificate._meta.concrete_fields if f.attname in attnames):
        out.append((lambda v, f=field: f.to_python(v)) if field.get_internal_type() == "DateField" else None)
    return tuple(out)


def certificate_by_token(token: str | None) -> Certificate | None:
    """The certificate of a verification token (the holder's wallet, the old training QR codes)."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    rows = list(Certificate.objects.filter(verify_token=token).order_by().only(*ANSWER_FIELDS)[:1])
    return rows[0] if rows else None


def certificate_by_identity(*, name: str, id_number: str, number: str) -> Certificate | None:
    """The certificate of that number only when the name and the ID number are its holder's (as the
    national query asks them); None otherwise — whichever of the three was wrong."""
    cert = certificate_by_number(number)
    if cert is None or not (id_number or "").strip():
        return None
    index = blind_index(id_number.strip(), ID_PURPOSE)
    if not constant_time_equals(index, cert.holder_id_index) or not same_name(name, cert.holder_name):
        return None
    return cert


def _invalidation(cert: Certificate) -> Invalidation | None:
    return (
        Invalidation.objects.filter(certificate_id=cert.pk, status=Invalidation.Status.DECIDED)
        .order_by("-decided_at", "-pk")
        .only("cause", "scope", "effective_on", "decided_at")
        .first()
    )


def _replacement(cert: Certificate) -> str:
    """The number of the certificate that now stands for `cert` (the last of a chain of reissues)."""
    number, current = "", cert.pk
    for _ in range(REISSUE_CHAIN_MAX):
        row = Certificate.objects.filter(replaces_id=current).order_by().values("pk", "number").first()
        if row is None:
            break
        number, current = row["number"], row["pk"]
    return number


@lru_cache(maxsize=64)
def _label(choices: Any, value: str, language: str | None) -> str:
    """A choice's label in the active language ("" for a value that is not a choice): read for every
    public lookup, translated once."""
    return str(choices(value).label) if value in choices.values else ""


def verification_view(cert: Certificate, *, identity_checked: bool = False) -> dict[str, Any]:
    """What the public sees of a certificate: the status (large on the page), the issuer, occupation,
    level, date and the masked name; the date and the class of reason of an invalidation, the new number
    of a reissue. `identity_checked`: the visitor typed the holder's name and ID number, so the masked
    ID number may be shown beside them. Never an ID number."""
    status, language = cert.status, get_language()
    answer: dict[str, Any] = {
        "number": cert.number,
        "kind": cert.kind,
        "kind_label": _label(Certificate.Kind, cert.kind, language),
        "status": status,
        "status_label": _label(C, status, language),
        "valid": status == C.VALID,
        "holder": mask_holder_name(cert.holder_name),
        "holder_id_masked": cert.holder_id_masked if identity_checked else "",
        "issuer": cert.issuer_name,
        "occupation": cert.occupation_name,
        "occupation_code": cert.occupation_code,
        "direction": cert.direction,
        "level": cert.level,
        "issued_on": cert.issued_on,
        "invalidated_on": None,
        "invalidation_cause": "",
        "invalidation_scope": "",
        "replaced_by": "",
        "signed": bool(cert.payload),
    }
    if status == C.INVALIDATED:
        found = _invalidation(cert)
        answer["invalidated_on"] = cert.invalidated_on or (found.effective_on if found else None)
        if found is not None:
            answer["invalidation_cause"] = str(Invalidation.Cause(found.cause).label)
            answer["invalidation_scope"] = str(Invalidation.Scope(found.scope).label)
    elif status == C.SUPERSEDED:
        answer["replaced_by"] = _replacement(cert)
    return answer


def matches_payload(cert: Certificate, claims: Any) -> list[str]:
    """What a validly signed QR payload says that the register does not (empty: they agree). A payload
    is signed at issue; a later correction is a reissue with its own number, so any difference is shown."""
    differences = []
    if not claims.matches_name(cert.holder_name):
        differences.append("姓名")
    if claims.occupation_code != cert.occupation_code:
        differences.append("职业（工种）")
    if claims.level != cert.level:
        differences.append("等级")
    if claims.issued_on != cert.issued_on:
        differences.append("发证日期")
    if claims.kind != cert.kind:
        differences.append("证书类别")
    return differences


# --- the published status list ----------------------------------------------------------------------------


def status_list_entries(list_number: int) -> dict[int, str]:
    """Position within the list → status, for the certificates of one list's range that are no longer
    valid (one query over the range of the unique status_index; run when a list is rebuilt)."""
    low = list_number * LIST_BITS
    rows = (
        Certificate.objects.filter(status_index__gte=low, status_index__lt=low + LIST_BITS)
        .exclude(status=C.VALID)
        .order_by()
        .values_list("status_index", "status")
    )
    return {i - low: status for i, status in rows if i is not None}


def status_list_exists(list_number: int) -> bool:
    """Whether any certificate was given a position in that list (a later list is not published yet)."""
    if list_number < 0:
        return False
    low = list_number * LIST_BITS
    return Certificate.objects.filter(status_index__gte=low, status_index__lt=low + LIST_BITS).exists()


# --- the published keys -----------------------------------------------------------------------------------


def key_material(keys: dict[str, dict[str, Any]]) -> tuple[dict[str, str], dict[str, dt.date]]:
    """(key id → public key hex, revoked key id → the date of its revocation) for payload_verify."""
    from django.utils import timezone

    public = {key_id: k["public"] for key_id, k in keys.items()}
    revoked = {
        key_id: timezone.localtime(k["revoked_at"]).date()
        for key_id, k in keys.items()
        if k.get("revoked_at") is not None
    }
    return public, revoked

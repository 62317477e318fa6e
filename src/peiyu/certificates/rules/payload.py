"""The compact signed payload a certificate's QR code carries (CRT-4, CRT-5; ADR 0013). Pure: no Django,
so the offline verifier can use it as it is.

Format: ``<b64url(JSON)>.<b64url(r ‖ s)>`` (base64url without padding). The JSON is compact, keys sorted,
UTF-8: {"v": 1, "n": number, "t": kind, "h": the first 16 hex digits of SM3(NFC holder name),
"o": occupation code, "l": level, "d": issued_on ISO, "k": key id}. The signature is SM2 with SM3 and
the default user ID over the exact bytes of the first part as it is written (the ASCII of the base64url
text), so a verifier never re-serialises JSON. The QR carries ``<site>/v/<payload>``.

A verdict is one of: valid; bad format (not two base64url parts, not the JSON above); unknown key (no
published key of that id); bad signature; key revoked before the certificate's date (a compromised key
vouches only for what was issued before its revocation)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from peiyu.core.sm2 import SIGNATURE_BYTES, sm3_digest, verify

VERSION = 1
RULE = "CRT-4"
_KEYS = frozenset({"v", "n", "t", "h", "o", "l", "d", "k"})
MAX_PAYLOAD_CHARS = 1200  # a QR code of version ≤ 25 at level M; anything longer is not ours


def name_digest(name: str) -> str:
    """The first 16 hex digits of SM3 of the NFC-normalised, stripped name: the payload identifies the
    holder without carrying the name."""
    return sm3_digest(unicodedata.normalize("NFC", name.strip()).encode("utf-8")).hex()[:16]


@dataclass(frozen=True)
class PayloadFields:
    number: str
    kind: str
    holder_name: str
    occupation_code: str
    level: str
    issued_on: dt.date
    key_id: str


@dataclass(frozen=True)
class Payload:
    """A decoded payload: what it claims, and the signed bytes with their signature."""

    version: int
    number: str
    kind: str
    name_digest: str
    occupation_code: str
    level: str
    issued_on: dt.date
    key_id: str
    signed: bytes
    signature: bytes

    def matches_name(self, name: str) -> bool:
        return name_digest(name) == self.name_digest


class Verdict(StrEnum):
    VALID = "valid"
    BAD_FORMAT = "bad_format"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    KEY_REVOKED = "key_revoked"


VERDICT_TEXT = {
    Verdict.VALID: "签名有效",
    Verdict.BAD_FORMAT: "二维码内容不是本平台的证书签名格式",
    Verdict.UNKNOWN_KEY: "签名密钥未公布，无法确认证书来源",
    Verdict.BAD_SIGNATURE: "签名不符：证书内容被改动或系伪造",
    Verdict.KEY_REVOKED: "签名密钥在发证日期之前已被吊销，签名不可信",
}


@dataclass(frozen=True)
class PayloadVerdict:
    verdict: Verdict
    payload: Payload | None
    rule: str = RULE

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def text(self) -> str:
        return VERDICT_TEXT[self.verdict]


class PayloadFormatError(ValueError):
    pass


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    if not text or any(c not in _B64URL for c in text):
        raise PayloadFormatError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise PayloadFormatError("not base64url") from exc


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def payload_body(fields: PayloadFields) -> str:
    """The first (signed) part of the payload of `fields`."""
    doc = {
        "v": VERSION,
        "n": fields.number,
        "t": fields.kind,
        "h": name_digest(fields.holder_name),
        "o": fields.occupation_code,
        "l": fields.level,
        "d": fields.issued_on.isoformat(),
        "k": fields.key_id,
    }
    return _b64e(json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def payload_encode(fields: PayloadFields, signer: Callable[[bytes], bytes]) -> str:
    """The signed payload: `signer` gets the bytes to sign and returns the 64-byte SM2 signature
    (e.g. ``lambda b: sm2.sign(private_hex, b)``)."""
    body = payload_body(fields)
    signature = signer(body.encode("ascii"))
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("an SM2 signature is 64 bytes r ‖ s")
    return f"{body}.{_b64e(signature)}"


def _text(doc: Mapping[str, object], key: str) -> str:
    value = doc[key]
    if not isinstance(value, str) or not value:
        raise PayloadFormatError(f"{key} is not text")
    return value


def payload_decode(text: str) -> Payload:
    """The payload's claims. PayloadFormatError when `text` is not a payload of this format."""
    text = text.strip()
    if len(text) > MAX_PAYLOAD_CHARS or text.count(".") != 1:
        raise PayloadFormatError("not <body>.<signature>")
    body, sig = text.split(".")
    raw, signature = _b64d(body), _b64d(sig)
    if len(signature) != SIGNATURE_BYTES:
        raise PayloadFormatError("signature is not 64 bytes")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadFormatError("body is not JSON") from exc
    if not isinstance(doc, dict) or set(doc) != _KEYS or doc["v"] != VERSION:
        raise PayloadFormatError("unknown payload version or keys")
    try:
        issued_on = dt.date.fromisoformat(_text(doc, "d"))
    except ValueError as exc:
        raise PayloadFormatError("d is not an ISO date") from exc
    digest = _text(doc, "h")
    if len(digest) != 16 or any(c not in "0123456789abcdef" for c in digest):
        raise PayloadFormatError("h is not 16 hex digits")
    return Payload(
        version=VERSION,
        number=_text(doc, "n"),
        kind=_text(doc, "t"),
        name_digest=digest,
        occupation_code=_text(doc, "o"),
        level=_text(doc, "l"),
        issued_on=issued_on,
        key_id=_text(doc, "k"),
        signed=body.encode("ascii"),
        signature=signature,
    )


def payload_verify(
    text: str,
    keys: Mapping[str, str],
    *,
    revoked: Mapping[str, dt.date] | None = None,
) -> PayloadVerdict:
    """The verdict on a payload against the published keys (key id → public key hex). `revoked` maps
    the id of a revoked key to the date of its revocation: a payload of that key dated after it fails."""
    try:
        payload = payload_decode(text)
    except PayloadFormatError:
        return PayloadVerdict(Verdict.BAD_FORMAT, None)
    public = keys.get(payload.key_id)
    if public is None:
        return PayloadVerdict(Verdict.UNKNOWN_KEY, payload)
    if not verify(public, payload.signed, payload.signature):
        return PayloadVerdict(Verdict.BAD_SIGNATURE, payload)
    revoked_on = (revoked or {}).get(payload.key_id)
    if revoked_on is not None and payload.issued_on > revoked_on:
        return PayloadVerdict(Verdict.KEY_REVOKED, payload)
    return PayloadVerdict(Verdict.VALID, payload)

"""Personal-data protection (DESIGN §7, SEC-1): SM4-GCM encryption with a key ring, and a keyed
blind index (HMAC-SM3) for look-ups and de-duplication without decrypting.

Stored form: ``sm4:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The first key in PEIYU_SM4_KEYS
encrypts; every listed key decrypts, so keys rotate by prepending a new one and re-encrypting
(`peiyu crypto rotate`). The blind-index key is separate and does not rotate with them (rotating it
means recomputing every index: see docs/operations.md)."""

from __future__ import annotations

import base64
import hmac as std_hmac
import os
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        key_id, _, hex_key = part.partition(":")
        try:
            raw = bytes.fromhex(hex_key)
        except ValueError as exc:
            raise ImproperlyConfigured(f"PEIYU_SM4_KEYS: key {key_id!r} is not hex") from exc
        if len(raw) != 16 or not key_id or ":" in key_id:
            raise ImproperlyConfigured(f"PEIYU_SM4_KEYS: key {key_id!r} must be 'id:<32 hex digits>'")
        keys.append((key_id, raw))
    if not keys:
        raise ImproperlyConfigured("PEIYU_SM4_KEYS has no key")
    return tuple(keys)


def key_ring() -> tuple[tuple[str, bytes], ...]:
    return _parse_keys(settings.PEIYU_SM4_KEYS)


def active_key_id() -> str:
    return key_ring()[0][0]


def encrypt(plaintext: str) -> str:
    key_id, key = key_ring()[0]
    nonce = os.urandom(NONCE_BYTES)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(key_id.encode())
    ct = enc.update(plaintext.encode("utf-8")) + enc.finalize()
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ct + enc.tag).decode('ascii')}"


def decrypt(token: str) -> str:
    try:
        prefix, key_id, payload = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not an SM4 token") from exc
    if prefix != PREFIX:
        raise DecryptionError("not an SM4 token")
    key = dict(key_ring()).get(key_id)
    if key is None:
        raise DecryptionError(f"key {key_id!r} is not in PEIYU_SM4_KEYS")
    blob = base64.b64decode(payload)
    nonce, ct, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(key_id.encode())
    try:
        return (dec.update(ct) + dec.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionError("ciphertext was altered or the key is wrong") from exc


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1] if token.startswith(PREFIX + ":") else ""


def normalise_for_index(value: str) -> str:
    """ID numbers and phones compare case-, width- and space-insensitively."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def blind_index(value: str, purpose: str) -> str:
    """HMAC-SM3 of the normalised value, separated by purpose so indexes of different fields
    cannot be joined with each other."""
    key = settings.PEIYU_BLIND_INDEX_KEY.encode("utf-8")
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(purpose.encode("utf-8") + b"\x00" + normalise_for_index(value).encode("utf-8"))
    return mac.finalize().hex()


def constant_time_equals(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a.encode(), b.encode())


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()

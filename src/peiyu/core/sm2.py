"""SM2 signatures (GB/T 32918.2) with SM3 and the default user ID "1234567812345678", through
tongsuopy (Tongsuo, the C library of the Chinese algorithms; ADR 0013). Keys travel as hex: the
private key as the 64-digit scalar, the public key as the uncompressed point "04" ‖ x ‖ y (130 digits).
Signatures are the raw 64 bytes r ‖ s (each 32 bytes big-endian), not DER, so a QR payload stays short.

`sign` uses Tongsuo's own random nonce. `sign_deterministic` derives the nonce from the key and the
message (HMAC-SM3, in the manner of RFC 6979) so that a document rendered twice carries the same
signature byte for byte (the certificate PDF); the curve multiplication is still Tongsuo's, only the
modular arithmetic of the signature equation is done here. Both verify with `verify` and with any
other GB/T 32918 implementation (the tests cross-check with the pure-Python gmssl). No Django here:
the offline verifier and the pure payload rules (certificates/rules/payload.py) use it as it is."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes as crypto_hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

SIGNATURE_BYTES = 64
DEFAULT_USER_ID = b"1234567812345678"
# the SM2 curve (GB/T 32918.5): coefficients, base point, order
_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_SM3 = ec.ECDSA(hashes.SM3())


class SM2KeyError(ValueError):
    """A key that is not an SM2 key in the expected hex form."""


def sm3_digest(data: bytes) -> bytes:
    h = crypto_hashes.Hash(crypto_hashes.SM3())
    h.update(data)
    return h.finalize()


def _b32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def generate() -> tuple[str, str]:
    """A new key pair: (private hex, 64 digits; public hex, "04" + x + y)."""
    key = ec.generate_private_key(ec.SM2())
    return _b32(key.private_numbers().private_value).hex(), _public_hex(key.public_key())


def _public_hex(key: ec.EllipticCurvePublicKey) -> str:
    raw: bytes = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return raw.hex()


@lru_cache(maxsize=256)
def _private(private_hex: str) -> ec.EllipticCurvePrivateKey:
    try:
        value = int(private_hex, 16)
    except ValueError as exc:
        raise SM2KeyError("SM2 private key is not hex") from exc
    if len(private_hex) != 64 or not 0 < value < N - 1:
        raise SM2KeyError("SM2 private key out of range")
    return ec.derive_private_key(value, ec.SM2())


@lru_cache(maxsize=1024)
def _public(public_hex: str) -> ec.EllipticCurvePublicKey | None:
    try:
        raw = bytes.fromhex(public_hex)
        if len(raw) != 65 or raw[0] != 4:
            return None
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), raw)
    except ValueError:
        return None


def public_of(private_hex: str) -> str:
    """The public key (hex) of a private key (hex)."""
    return _public_hex(_private(private_hex).public_key())


def _raw(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return _b32(r) + _b32(s)


def sign(private_hex: str, data: bytes) -> bytes:
    """The SM2 signature (64 bytes r ‖ s) of `data` (SM3 over Z_A ‖ data, the default user ID)."""
    return _raw(_private(private_hex).sign(data, _SM3))


def verify(public_hex: str, data: bytes, signature: bytes) -> bool:
    """Whether `signature` (64 bytes r ‖ s) is the SM2 signature of `data` by the key `public_hex`.
    False (never an exception) for a malformed key or signature."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    key = _public(public_hex)
    if key is None:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    try:
        key.verify(encode_dss_signature(r, s), data, _SM3)
    except (InvalidSignature, ValueError):
        return False
    return True


@lru_cache(maxsize=256)
def _z(public_hex: str) -> bytes:
    """Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5)."""
    pub = bytes.fromhex(public_hex)[1:]
    entl = (len(DEFAULT_USER_ID) * 8).to_bytes(2, "big")
    return sm3_digest(entl + DEFAULT_USER_ID + _b32(_A) + _b32(_B) + _b32(_GX) + _b32(_GY) + pub)


def _hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, crypto_hashes.SM3())
    mac.update(data)
    return mac.finalize()


def sign_deterministic(private_hex: str, data: bytes) -> bytes:
    """Like `sign`, with the nonce k derived from the key and the message (HMAC-SM3(d, e ‖ counter)),
    so the same key and data always give the same signature: a re-rendered document is identical."""
    key = _private(private_hex)
    d = int(private_hex, 16)
    e = int.from_bytes(sm3_digest(_z(public_of(private_hex)) + data), "big")
    counter = 0
    while True:
        mac = _hmac_sm3(_b32(d), _b32(e) + counter.to_bytes(4, "big"))
        mac += _hmac_sm3(_b32(d), mac + b"\x01")
        k = int.from_bytes(mac, "big") % (N - 1) + 1
        counter += 1
        x1 = ec.derive_private_key(k, key.curve).public_key().public_numbers().x
        r = (e + x1) % N
        if r == 0 or r + k == N:
            continue
        s = (pow(1 + d, -1, N) * (k - r * d)) % N
        if s == 0:
            continue
        return _b32(r) + _b32(s)

"""Public verification (CRT-5, CRT-8; ADR 0014): what the public sees of a certificate and the formats
verifiers take away. Pure: no Django, no database.

- The holder's name is shown masked as the national query does (李*红: the surname and the last
  character stay), never the ID number (CRT-8).
- A number typed by a person is compared case- and width-insensitively, without spaces.
- The published status list follows the W3C Bitstring Status List v1.0: one bit per certificate at its
  `status_index` (set once at issue), lists of `LIST_BITS` bits (the minimum the Recommendation sets,
  131 072), the bitstring GZIP-compressed and written as multibase base64url without padding ("u…"),
  bit 0 the most significant bit of the first byte. A set bit means the certificate may no longer be
  relied on: declared invalid (CRT-7) or superseded by a reissue; the verification page says which.
- JSON documents that are signed (the status list credential, the W3C Verifiable Credential) are signed
  over their JCS form (RFC 8785): keys sorted, no whitespace, UTF-8. Our documents hold only text,
  integers, booleans, lists and objects with ASCII keys, for which that is exactly Python's sorted,
  compact `json.dumps`; a float is refused rather than canonicalised differently."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

RULE = "CRT-5"
LIST_BITS = 131_072  # W3C Bitstring Status List v1.0 §2.1: at least 16 KB of bits, for herd privacy
NUMBER_MAX = 40
NAME_MAX = 64
BULK_MAX = 500  # numbers in one bulk request (the API's limit; an employer's list is paged by the client)


def mask_holder_name(name: str) -> str:
    """李小红 → 李*红, 王明 → 王*, 欧阳娜娜 → 欧阳*娜: the surname (two characters for names of four or more)
    and, from three characters on, the last one stay — enough for an employer holding the person's
    papers to recognise the name, not enough to read it off the register."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    keep = 2 if len(name) >= 4 and "·" not in name else 1  # 欧阳娜娜; a transliterated name keeps one
    return name[:keep] + "*" * (len(name) - keep - 1) + name[-1]


def normalise_number(value: str | None) -> str:
    """A certificate number as typed: full-width folded, spaces dropped, upper case; "" when it cannot
    be a number (empty, too long, characters no number has)."""
    value = value or ""
    if not value.isascii():  # full-width letters and digits fold to ASCII (NFKC leaves ASCII as it is)
        value = unicodedata.normalize("NFKC", value)
    text = "".join(value.split()).upper()
    if len(text) > NUMBER_MAX or _NUMBER_CHARS.fullmatch(text) is None:
        return ""
    return text


_NUMBER_CHARS = re.compile(r"[A-Z0-9_/-]+", re.ASCII)  # after upper(): what a number may hold


def same_name(typed: str, recorded: str) -> bool:
    """Whether the typed name is the recorded one (NFC, spaces and the middle dot variants ignored)."""

    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKC", s or "")
        return "".join(s.split()).replace("·", "").replace("•", "").replace(".", "")

    return bool(norm(typed)) and norm(typed) == norm(recorded)


# --- the status list ---------------------------------------------------------------------------------------


def list_position(status_index: int) -> tuple[int, int]:
    """(list number, bit within the list) of a certificate's status index."""
    if status_index < 0:
        raise ValueError("a status index is not negative")
    return divmod(status_index, LIST_BITS)


def bitstring_encode(bits_set: Iterable[int], size: int = LIST_BITS) -> str:
    """The `encodedList` of a list whose set bits are `bits_set` (positions within the list)."""
    if size < LIST_BITS or size % 8:
        raise ValueError(f"a status list has at least {LIST_BITS} bits, a whole number of bytes")
    raw = bytearray(size // 8)
    for bit in bits_set:
        if not 0 <= bit < size:
            raise ValueError(f"bit {bit} is outside the list")
        raw[bit >> 3] |= 0x80 >> (bit & 7)
    compressed = gzip.compress(bytes(raw), compresslevel=9, mtime=0)  # mtime 0: the same list, the same bytes
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


# The second list of each range (statusPurpose "message", W3C Bitstring Status List v1.0 §2.1): two bits
# per certificate, so a verifier reading lists tells an invalidated certificate from one superseded by its
# reissue — the revocation list sets one bit for both (neither is valid).
STATUS_SIZE = 2
STATUS_VALUES = {"valid": 0, "invalidated": 1, "superseded": 2}  # a certificate's status → its entry
STATUS_MESSAGES = (("0x0", "有效"), ("0x1", "已宣布无效"), ("0x2", "已换发，由新证书取代"))


def status_values_encode(
    values: Mapping[int, int], *, size: int = STATUS_SIZE, entries: int = LIST_BITS
) -> str:
    """The `encodedList` of a list of `size`-bit entries, entry i holding values[i] (0 when absent),
    most significant bit first."""
    bits: list[int] = []
    for entry, value in values.items():
        if not 0 <= entry < entries:
            raise ValueError(f"entry {entry} is outside the list")
        if not 0 <= value < 1 << size:
            raise ValueError(f"{value} does not fit in {size} bits")
        bits += [entry * size + j for j in range(size) if value >> (size - 1 - j) & 1]
    return bitstring_encode(bits, size=entries * size)


def status_value_at(bitstring: bytes, entry: int, *, size: int = STATUS_SIZE) -> int:
    """The value of entry `entry` of a list of `size`-bit entries."""
    value = 0
    for j in range(size):
        value = value << 1 | bit_is_set(bitstring, entry * size + j)
    return value


def bitstring_decode(encoded: str) -> bytes:
    """The bitstring of an `encodedList` (ValueError when it is not one)."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return gzip.decompress(compressed)
    except (binascii.Error, OSError, EOFError) as exc:
        raise ValueError("not a GZIP-compressed bitstring") from exc


def bit_is_set(bitstring: bytes, bit: int) -> bool:
    if not 0 <= bit < len(bitstring) * 8:
        raise ValueError(f"bit {bit} is outside the list")
    return bool(bitstring[bit >> 3] & (0x80 >> (bit & 7)))


# --- canonical JSON ----------------------------------------------------------------------------------------


def _check_jcs(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("JCS: floats are not used in signed documents")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise ValueError("JCS: keys of signed documents are ASCII text")
            _check_jcs(item)
    elif isinstance(value, list):
        for item in value:
            _check_jcs(item)
    elif not (value is None or isinstance(value, (str, int, bool))):
        raise ValueError(f"JCS: {type(value).__name__} is not JSON")


def jcs(document: Any) -> bytes:
    """The RFC 8785 canonical form of `document` (module docstring: the subset our documents use)."""
    _check_jcs(document)
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- the published keys, offline ---------------------------------------------------------------------------


def keys_from_document(document: Any) -> tuple[dict[str, str], dict[str, dt.date]]:
    """(key id → public key hex, revoked key id → the date of its revocation) from a published keys file
    (`/certificates/keys.json`), as `rules.payload.payload_verify` takes them. ValueError when the file
    is not one."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a published keys file")
    public: dict[str, str] = {}
    revoked: dict[str, dt.date] = {}
    for key in document["keys"]:
        if not isinstance(key, dict) or not key.get("key_id") or not key.get("public_key"):
            raise ValueError("a key without key_id or public_key")
        public[str(key["key_id"])] = str(key["public_key"])
        if key.get("revoked_at"):
            revoked[str(key["key_id"])] = dt.date.fromisoformat(str(key["revoked_at"])[:10])
    return public, revoked


def payload_of(text: str) -> str:
    """The payload of a scanned QR URL (…/v/<payload>) or the payload itself."""
    text = text.strip()
    if "/v/" in text:
        text = text.rsplit("/v/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/")

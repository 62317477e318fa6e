"""The QR payload (CRT-4, CRT-5): what it carries, and the verdicts a verifier gives without a network."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from peiyu.certificates.rules.payload import (
    PayloadFields,
    PayloadFormatError,
    Verdict,
    name_digest,
    payload_decode,
    payload_encode,
    payload_verify,
)
from peiyu.core import sm2

FIELDS = PayloadFields(
    number="S0000511234560126400001",
    kind="skill",
    holder_name="王小明",
    occupation_code="6-31-01-03",
    level="四级",
    issued_on=dt.date(2026, 4, 20),
    key_id="k0123456789abcdef",
)


@pytest.fixture(scope="module")
def pair():
    return sm2.generate()


def _encode(private: str, fields: PayloadFields = FIELDS) -> str:
    return payload_encode(fields, lambda data: sm2.sign(private, data))


def test_the_payload_carries_the_claims_and_not_the_name(pair):
    text = _encode(pair[0])
    body = json.loads(base64.urlsafe_b64decode(text.split(".")[0] + "=="))
    assert body == {
        "v": 1,
        "n": FIELDS.number,
        "t": "skill",
        "h": name_digest("王小明"),
        "o": "6-31-01-03",
        "l": "四级",
        "d": "2026-04-20",
        "k": FIELDS.key_id,
    }
    assert "王小明" not in text and len(body["h"]) == 16
    decoded = payload_decode(text)
    assert decoded.number == FIELDS.number and decoded.issued_on == FIELDS.issued_on
    assert decoded.matches_name(" 王小明 ") and not decoded.matches_name("王小红")


def test_a_signed_payload_verifies_against_its_published_key(pair):
    verdict = payload_verify(_encode(pair[0]), {FIELDS.key_id: pair[1]})
    assert verdict.ok and verdict.verdict is Verdict.VALID
    assert verdict.payload is not None and verdict.payload.level == "四级"


def test_an_edited_claim_is_a_bad_signature(pair):
    text = _encode(pair[0])
    body, sig = text.split(".")
    doc = json.loads(base64.urlsafe_b64decode(body + "=="))
    doc["l"] = "二级"
    forged = base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode() + "." + sig
    verdict = payload_verify(forged, {FIELDS.key_id: pair[1]})
    assert verdict.verdict is Verdict.BAD_SIGNATURE and "伪造" in verdict.text
    assert verdict.rule == "CRT-4"


def test_another_issuers_key_is_a_bad_signature(pair):
    _, stranger = sm2.generate()
    assert payload_verify(_encode(pair[0]), {FIELDS.key_id: stranger}).verdict is Verdict.BAD_SIGNATURE


def test_an_unpublished_key_is_unknown(pair):
    assert payload_verify(_encode(pair[0]), {"kffff": pair[1]}).verdict is Verdict.UNKNOWN_KEY


@pytest.mark.parametrize(
    "text",
    ["", "abc", "a.b.c", "!!.??", "eyJ2IjoxfQ.AAAA", "x" * 2000, "bm90IGpzb24." + "A" * 86],
)
def test_anything_else_is_bad_format(text, pair):
    assert payload_verify(text, {FIELDS.key_id: pair[1]}).verdict is Verdict.BAD_FORMAT
    with pytest.raises(PayloadFormatError):
        payload_decode(text)


def test_a_revoked_key_vouches_only_for_certificates_dated_up_to_its_revocation(pair):
    text = _encode(pair[0])
    keys = {FIELDS.key_id: pair[1]}
    assert payload_verify(text, keys, revoked={FIELDS.key_id: dt.date(2026, 4, 20)}).ok
    late = payload_verify(text, keys, revoked={FIELDS.key_id: dt.date(2026, 4, 19)})
    assert late.verdict is Verdict.KEY_REVOKED and "吊销" in late.text


def test_a_signer_must_give_a_64_byte_signature():
    with pytest.raises(ValueError):
        payload_encode(FIELDS, lambda data: b"short")

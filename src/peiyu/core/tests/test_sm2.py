"""SM2 with SM3 and the default user ID (GB/T 32918), through Tongsuo: cross-checked with the
pure-Python gmssl both ways, so the signatures are the standard's and not only self-consistent."""

from __future__ import annotations

import pytest
from gmssl import sm2 as gm

from peiyu.core import sm2


def _gmssl(private_hex: str, public_hex: str) -> gm.CryptSM2:
    crypt = gm.CryptSM2(private_key=private_hex, public_key=public_hex, asn1=False)
    crypt.public_key = public_hex[2:]  # gmssl wants x ‖ y; its own "04" stripping eats leading 0s and 4s
    return crypt


def test_generated_keys_have_the_expected_form():
    private, public = sm2.generate()
    assert len(private) == 64 and len(public) == 130 and public.startswith("04")
    assert sm2.public_of(private) == public
    assert sm2.generate() != (private, public)


def test_a_tongsuo_signature_verifies_in_gmssl():
    private, public = sm2.generate()
    data = "证书编号 Y000000000000000000001".encode()
    signature = sm2.sign(private, data)
    assert len(signature) == sm2.SIGNATURE_BYTES
    assert _gmssl(private, public).verify_with_sm3(signature.hex(), data)
    assert not _gmssl(private, public).verify_with_sm3(signature.hex(), data + b"x")


def test_a_gmssl_signature_verifies_here():
    private, public = sm2.generate()
    data = b"payload of a certificate"
    signature = bytes.fromhex(_gmssl(private, public).sign_with_sm3(data))
    assert sm2.verify(public, data, signature)
    assert not sm2.verify(public, data[:-1], signature)


def test_a_deterministic_signature_is_standard_and_repeatable():
    private, public = sm2.generate()
    data = b"%PDF-1.4 the bytes of a certificate"
    first = sm2.sign_deterministic(private, data)
    assert sm2.sign_deterministic(private, data) == first
    assert sm2.sign_deterministic(private, data + b" ") != first
    assert sm2.verify(public, data, first)
    assert _gmssl(private, public).verify_with_sm3(first.hex(), data)


@pytest.mark.parametrize("bit", [0, 7, 255, 256, 511])
def test_a_flipped_bit_of_the_signature_fails(bit):
    private, public = sm2.generate()
    signature = bytearray(sm2.sign(private, b"data"))
    signature[bit // 8] ^= 1 << (bit % 8)
    assert not sm2.verify(public, b"data", bytes(signature))


def test_a_flipped_bit_of_the_data_fails():
    private, public = sm2.generate()
    signature = sm2.sign(private, b"data")
    assert sm2.verify(public, b"data", signature)
    assert not sm2.verify(public, b"dat\x60", signature)


def test_another_key_or_a_malformed_input_is_a_plain_no():
    private, public = sm2.generate()
    _, other = sm2.generate()
    signature = sm2.sign(private, b"data")
    assert not sm2.verify(other, b"data", signature)
    assert not sm2.verify(public, b"data", signature[:63])
    assert not sm2.verify(public, b"data", b"\x00" * 64)
    assert not sm2.verify("04zz", b"data", signature)
    assert not sm2.verify("04" + "00" * 64, b"data", signature)
    with pytest.raises(sm2.SM2KeyError):
        sm2.sign("not hex", b"data")

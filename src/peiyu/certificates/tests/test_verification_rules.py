"""The pure parts of public verification (CRT-5, CRT-8): the masked name, typed numbers, the W3C
Bitstring Status List encoding, canonical JSON, the published keys file read offline."""

from __future__ import annotations

import base64
import gzip

import pytest

from peiyu.certificates.rules.verification import (
    LIST_BITS,
    bit_is_set,
    bitstring_decode,
    bitstring_encode,
    jcs,
    keys_from_document,
    list_position,
    mask_holder_name,
    normalise_number,
    payload_of,
    same_name,
)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("李小红", "李*红"),
        ("王明", "王*"),
        ("欧阳娜娜", "欧阳*娜"),
        ("买买提·艾力", "买****力"),
        ("张", "张"),
        ("", ""),
    ],
)
def test_the_holder_name_keeps_the_surname_and_the_last_character(name, shown):
    assert mask_holder_name(name) == shown


def test_a_typed_number_ignores_width_case_and_spaces_and_refuses_what_no_number_has():
    assert normalise_number(" ｓ0000 51000001 2026 4000001 ") == "S0000510000012026400000" + "1"
    assert normalise_number("px2026510107000001") == "PX2026510107000001"
    assert normalise_number("") == ""
    assert normalise_number("A" * 41) == ""
    assert normalise_number("S00'; DROP") == ""
    assert normalise_number("证书") == ""


def test_names_compare_without_spaces_and_middle_dots():
    assert same_name(" 李 小红", "李小红")
    assert same_name("买买提艾力", "买买提·艾力")
    assert not same_name("李小虹", "李小红")
    assert not same_name("", "")


def test_the_status_list_is_gzip_base64url_multibase_with_the_first_bit_most_significant():
    encoded = bitstring_encode([0, 9, LIST_BITS - 1])
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 == LIST_BITS == 131_072
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    bits = bitstring_decode(encoded)
    assert [i for i in (0, 1, 8, 9, 10, LIST_BITS - 1) if bit_is_set(bits, i)] == [0, 9, LIST_BITS - 1]
    assert bitstring_encode([5, 0, 9]) == bitstring_encode([0, 5, 9])  # the same list, the same bytes


def test_a_status_list_is_never_shorter_than_the_recommendation_and_positions_stay_inside():
    with pytest.raises(ValueError):
        bitstring_encode([], size=8 * 1024)
    with pytest.raises(ValueError):
        bitstring_encode([LIST_BITS])
    with pytest.raises(ValueError):
        bitstring_decode("zABC")
    assert list_position(0) == (0, 0)
    assert list_position(LIST_BITS + 7) == (1, 7)


def test_canonical_json_sorts_keys_without_spaces_and_refuses_floats():
    assert (
        jcs({"b": [1, "二"], "a": {"d": True, "c": None}})
        == '{"a":{"c":null,"d":true},"b":[1,"二"]}'.encode()
    )
    with pytest.raises(ValueError):
        jcs({"x": 1.5})


def test_the_published_keys_file_gives_public_keys_and_revocation_dates():
    doc = {
        "keys": [
            {"key_id": "k1", "public_key": "04ab", "revoked_at": None},
            {"key_id": "k2", "public_key": "04cd", "revoked_at": "2026-05-01T10:00:00+08:00"},
        ]
    }
    public, revoked = keys_from_document(doc)
    assert public == {"k1": "04ab", "k2": "04cd"}
    assert str(revoked["k2"]) == "2026-05-01" and "k1" not in revoked
    with pytest.raises(ValueError):
        keys_from_document({"keys": [{"key_id": "k1"}]})
    with pytest.raises(ValueError):
        keys_from_document([])


def test_a_scanned_url_gives_its_payload():
    assert payload_of("https://peiyu.example.cn/v/abc.def?x=1#y") == "abc.def"
    assert payload_of(" abc.def ") == "abc.def"


def test_a_valid_certificate_reads_valid_in_english_while_a_listing_stays_active():
    from django.utils import translation

    from peiyu.certificates.models import Certificate
    from peiyu.institutions.models import Listing

    with translation.override("en"):
        assert str(Certificate.Status.VALID.label) == "Valid"
        assert str(Listing.Status.ACTIVE.label) == "Active"
    with translation.override("zh-hans"):
        assert str(Certificate.Status.VALID.label) == "有效"


def test_the_public_answer_labels_follow_the_visitors_language_though_translated_once(db):
    """CRT-5: the labels of verification's answer are kept per choice and language, never across them."""
    from django.utils import translation

    from peiyu.certificates.models import Certificate
    from peiyu.certificates.selectors.verification import verification_view

    cert = Certificate(kind="skill", status="valid", number="S1", holder_name="李小红", payload="")
    for _ in range(2):  # the second time from the kept labels
        with translation.override("zh-hans"):
            answer = verification_view(cert)
            assert (answer["status_label"], answer["kind_label"]) == ("有效", "职业技能等级证书")
        with translation.override("en"):
            assert verification_view(cert)["status_label"] == "Valid"

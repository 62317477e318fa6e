"""What verifiers take away (CRT-5; ADR 0014): the published keys, the signed status lists (W3C
Bitstring Status List), each certificate as a W3C Verifiable Credential 2.0, the offline verifier (page,
single-file download, static copy) and `peiyu cert_verify_offline`."""

from __future__ import annotations

import base64
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from peiyu.certificates.rules.verification import (
    LIST_BITS,
    STATUS_SIZE,
    STATUS_VALUES,
    bit_is_set,
    bitstring_decode,
    jcs,
    list_position,
    status_value_at,
    status_values_encode,
)
from peiyu.certificates.services.verification import status_list_forget
from peiyu.core import sm2

from .verification_support import invalidate, issue, reissue

pytestmark = pytest.mark.django_db
HERE = Path(__file__).resolve().parents[1]


def _keys(client) -> dict:
    response = client.get(reverse("cert_public:keys"))
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    return {k["key_id"]: k for k in response.json()["keys"]}


def _proof_verifies(document: dict, keys: dict) -> bool:
    proof = dict(document)
    proof = document["proof"]
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    key_id = proof["verificationMethod"].rsplit("#", 1)[1]
    value = proof["proofValue"]
    assert value.startswith("u") and proof["cryptosuite"] == "peiyu-sm2-sm3-jcs-2026"
    signature = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    return sm2.verify(keys[key_id]["public_key"], jcs(unsigned), signature)


def test_the_second_status_list_tells_an_invalidated_certificate_from_a_superseded_one(
    exams, client, django_capture_on_commit_callbacks
):
    cert, other = issue(exams)
    number, bit = list_position(cert.status_index)
    other_bit = list_position(other.status_index)[1]
    url = reverse("cert_public:status_messages", args=[number])
    doc = client.get(url).json()
    assert doc["credentialSubject"]["statusPurpose"] == "message" and _proof_verifies(doc, _keys(client))
    entries = bitstring_decode(doc["credentialSubject"]["encodedList"])
    assert len(entries) * 8 == LIST_BITS * STATUS_SIZE
    assert status_value_at(entries, bit) == status_value_at(entries, other_bit) == 0  # both valid
    with django_capture_on_commit_callbacks(execute=True):
        invalidate(exams, cert)
    with django_capture_on_commit_callbacks(execute=True):
        new = reissue(exams, other)
    entries = bitstring_decode(client.get(url).json()["credentialSubject"]["encodedList"])
    assert status_value_at(entries, bit) == STATUS_VALUES["invalidated"] == 1
    assert status_value_at(entries, other_bit) == STATUS_VALUES["superseded"] == 2
    new_number, new_bit = list_position(new.status_index)
    if new_number == number:
        assert status_value_at(entries, new_bit) == 0  # the reissued certificate is valid
    revocation = bitstring_decode(
        client.get(reverse("cert_public:status_list", args=[number])).json()["credentialSubject"][
            "encodedList"
        ]
    )
    assert bit_is_set(revocation, bit) and bit_is_set(revocation, other_bit)  # neither is valid any more
    assert client.get(reverse("cert_public:status_messages", args=[number + 1])).status_code == 404


def test_two_bit_entries_round_trip_most_significant_bit_first():
    encoded = status_values_encode({0: 1, 1: 2, 5: 3, LIST_BITS - 1: 2})
    raw = bitstring_decode(encoded)
    assert raw[0] == 0b0110_0000 and raw[1] == 0b0011_0000  # entries 0–3, then 4–7
    assert [status_value_at(raw, i) for i in (0, 1, 2, 5, LIST_BITS - 1)] == [1, 2, 0, 3, 2]
    with pytest.raises(ValueError):
        status_values_encode({0: 4})


def test_the_published_keys_list_every_issuer_key_with_its_status_and_never_a_private_key(exams, client):
    cert, _ = issue(exams)
    keys = _keys(client)
    issuer = keys[cert.key.key_id]
    assert issuer["public_key"] == cert.key.public_key and issuer["status"] == "active"
    assert issuer["institution"] == "成都市数字技能评价服务中心" and issuer["platform"] is False
    assert cert.key.private_key not in client.get(reverse("cert_public:keys")).content.decode()


def test_the_status_list_is_signed_by_the_platform_and_shows_an_invalidation_at_once(
    exams, client, django_capture_on_commit_callbacks
):
    cert, other = issue(exams)
    number, bit = list_position(cert.status_index)
    url = reverse("cert_public:status_list", args=[number])
    doc = client.get(url).json()
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = doc["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    bits = bitstring_decode(subject["encodedList"])
    assert len(bits) * 8 == LIST_BITS and not bit_is_set(bits, bit)
    keys = _keys(client)
    assert (
        _proof_verifies(doc, keys) and keys[doc["proof"]["verificationMethod"].rsplit("#", 1)[1]]["platform"]
    )
    with django_capture_on_commit_callbacks(execute=True):  # the declaration commits
        invalidate(exams, cert)
    bits = bitstring_decode(client.get(url).json()["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, bit) and not bit_is_set(bits, list_position(other.status_index)[1])
    assert client.get(reverse("cert_public:status_list", args=[number + 1])).status_code == 404


def test_an_unchanged_status_list_is_served_from_the_cache_and_rebuilt_when_told(
    exams, client, django_assert_max_num_queries
):
    cert, _ = issue(exams)
    url = reverse("cert_public:status_list", args=[list_position(cert.status_index)[0]])
    first = client.get(url).json()
    with django_assert_max_num_queries(0):
        assert client.get(url).json() == first
    status_list_forget()
    assert client.get(url).json()["proof"]["proofValue"] != first["proof"]["proofValue"]


def test_a_certificate_is_a_verifiable_credential_with_its_status_entry_and_the_issuers_proof(exams, client):
    cert, _ = issue(exams)
    response = client.get(reverse("cert_public:certificate_vc", args=[cert.verify_token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+ld+json"
    vc = response.json()
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vc["type"][0] == "VerifiableCredential" and vc["validFrom"].startswith("2026-04-20T00:00:00")
    assert vc["issuer"] == {
        "id": f"urn:uscc:{exams.orgs['cd_social1'].uscc}",
        "name": "成都市数字技能评价服务中心",
    }
    subject = vc["credentialSubject"]
    assert subject["name"] == "李*红" and subject["certificate"]["number"] == cert.number
    number, bit = list_position(cert.status_index)
    status, message = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusListIndex"] == str(bit)
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].endswith(reverse("cert_public:status_list", args=[number]))
    assert message["statusPurpose"] == "message" and message["statusSize"] == 2
    assert message["statusListIndex"] == str(bit)
    assert message["statusListCredential"].endswith(reverse("cert_public:status_messages", args=[number]))
    assert [m["status"] for m in message["statusMessage"]] == ["0x0", "0x1", "0x2"]
    assert _proof_verifies(vc, _keys(client))
    text = response.content.decode()
    assert "李小红" not in text and cert.id_number not in text and cert.holder_id_masked not in text
    tampered = {
        **vc,
        "credentialSubject": {**subject, "certificate": {**subject["certificate"], "level": "一级"}},
    }
    assert not _proof_verifies(tampered, _keys(client))


def test_the_verification_page_downloads_the_credential_by_number_counted_like_a_lookup(
    exams, client, settings
):
    cert, _ = issue(exams)
    url = reverse("cert_public:certificate_vc_by_number")
    assert (
        client.get(url, {"number": cert.number}).json()["credentialSubject"]["certificate"]["number"]
        == cert.number
    )
    settings.PEIYU_VERIFY_MISSES_PER_WINDOW = 1
    assert client.get(url, {"number": "S0000510000012649999999"}).status_code == 404
    assert client.get(url, {"number": "S0000510000012649999998"}).status_code == 429
    assert client.get(reverse("cert_public:certificate_vc", args=["no-such-token"])).status_code == 404


def test_the_offline_verifier_embeds_the_keys_and_downloads_as_one_file(exams, client):
    cert, _ = issue(exams)
    page = client.get(reverse("cert_public:offline_verifier"))
    assert page.status_code == 200
    embedded = re.search(
        r'<script type="application/json" id="peiyu-keys">(.*?)</script>', page.content.decode(), re.S
    )
    assert cert.key.key_id in {k["key_id"] for k in json.loads(embedded.group(1))["keys"]}
    download = client.get(reverse("cert_public:offline_verifier"), {"download": "1"})
    assert "attachment" in download["Content-Disposition"]
    html = download.content.decode()
    assert "doVerifySignature" in html and "peiyuVerifier" in html and cert.key.public_key in html
    assert "<script src=" not in html  # everything inline: it works from a disk with no network


def test_the_static_verifier_has_the_same_form_as_the_served_one():
    static = (HERE / "static/certificates/verifier/index.html").read_text()
    body = (HERE / "templates/certificates/verification_offline_body.html").read_text().strip()
    assert body in static


def test_the_offline_command_checks_payloads_against_a_keys_file(exams, client, tmp_path):
    cert, other = issue(exams)
    keys = tmp_path / "keys.json"
    keys.write_bytes(client.get(reverse("cert_public:keys")).content)
    forged = f"{cert.payload.split('.')[0]}.{other.payload.split('.')[1]}"
    listing = tmp_path / "scanned.txt"
    listing.write_text(f"https://peiyu.example.cn/v/{cert.payload}\n{other.payload}\n\n", encoding="utf-8")
    out = StringIO()
    call_command("cert_verify_offline", "--keys", str(keys), str(listing), stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all(line.startswith("有效\t") for line in lines) and cert.number in lines[0]
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "cert_verify_offline", "--keys", str(keys), "--json", forged, stdout=out, stderr=StringIO()
        )
    assert exit_.value.code == 1
    assert json.loads(out.getvalue())["verdict"] == "bad_signature"

"""The verification API (CRT-5, CRT-8): public lookups by number, by name + ID number + number and by
QR payload, each counted like the pages; the employers' bulk check with its capability, limit, budget
and audit event."""

from __future__ import annotations

import pytest

from peiyu.audit.models import AuditEvent

from .verification_support import issue

pytestmark = pytest.mark.django_db
API = "/api/v1/certificates/verify"


def test_a_number_answers_what_the_page_shows_without_sign_in(exams, client):
    cert, _ = issue(exams)
    body = client.get(f"{API}/{cert.number}").json()
    assert body["status"] == "valid" and body["valid"] is True and body["status_label"] == "有效"
    assert body["holder"] == "李*红" and body["holder_id_masked"] == ""
    assert body["issuer"] == "成都市数字技能评价服务中心" and body["level"] == "四级"
    assert body["issued_on"] == "2026-04-20"
    missing = client.get(f"{API}/S0000510000012649999999")
    assert missing.status_code == 404 and missing.json()["message"] == "未找到该证书"


def test_a_number_answers_in_the_published_schema_with_every_field(exams, client):
    """The answer is written directly (core.schemas.validated_json), not through ninja's response
    handling: it must still be exactly what the published schema says."""
    from peiyu.certificates.api.verification import VerificationOut

    cert, _ = issue(exams)
    response = client.get(f"{API}/{cert.number}")
    body = response.json()
    assert response["Content-Type"] == "application/json"
    assert set(body) == set(VerificationOut.model_fields)
    assert VerificationOut.model_validate(body).model_dump(mode="json") == body
    assert body["invalidated_on"] is None and body["replaced_by"] == "" and body["signed"] is True


def test_name_id_number_and_number_answer_with_the_masked_id_number(exams, client):
    cert, _ = issue(exams)
    ok = client.post(
        f"{API}/identity",
        {"name": "李小红", "id_number": cert.id_number, "number": cert.number},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["holder_id_masked"] == cert.holder_id_masked
    assert cert.id_number not in ok.content.decode()
    wrong = client.post(
        f"{API}/identity",
        {"name": "王明", "id_number": cert.id_number, "number": cert.number},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_the_qr_payload_is_verified_before_anything_is_looked_up(exams, client):
    cert, other = issue(exams)
    ok = client.post(
        f"{API}/qr", {"payload": f"https://x.example/v/{cert.payload}"}, content_type="application/json"
    )
    body = ok.json()
    assert body["signature_valid"] is True and body["certificate"]["number"] == cert.number
    assert body["differences"] == []
    forged = f"{cert.payload.split('.')[0]}.{other.payload.split('.')[1]}"
    body = client.post(f"{API}/qr", {"payload": forged}, content_type="application/json").json()
    assert body["signature_valid"] is False and body["verdict"] == "bad_signature"
    assert body["certificate"] is None


def test_the_public_budget_answers_429_with_when_to_retry(exams, client, settings):
    settings.PEIYU_VERIFY_MISSES_PER_WINDOW = 1
    assert client.get(f"{API}/S0000510000012649999998").status_code == 404
    refused = client.get(f"{API}/S0000510000012649999999")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled" and "后再试" in body["message"] and body["rules"] == ["CRT-5"]
    assert int(refused["Retry-After"]) == body["details"]["retry_after"] > 0


def test_an_employer_checks_a_list_in_one_request_and_it_is_audited(exams, login_as):
    certs = issue(exams, ["李小红", "王明", "赵六"])
    employer = login_as(exams.users["cd_employer_admin"])
    items = [
        {"number": certs[0].number, "name": "李小红"},
        {"number": certs[1].number.lower(), "name": "王敏"},
        {"number": "S0000510000012649999999"},
        {"number": certs[2].number},
    ]
    response = employer.post(f"{API}/bulk", {"items": items}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    first, second, missing, third = body["items"]
    assert first["found"] and first["valid"] and first["name_matches"] is True and first["holder"] == "李*红"
    assert second["found"] and second["name_matches"] is False and second["number"] == certs[1].number.lower()
    assert missing == {**missing, "found": False, "name_matches": None}
    assert third["found"] and third["name_matches"] is None
    event = AuditEvent.objects.filter(action="certificate.verified_bulk").get()
    assert event.after["count"] == 4 and event.after["found"] == 3
    assert certs[0].number in event.after["numbers"]


def test_the_bulk_check_needs_its_capability_a_bounded_list_and_has_its_own_budget(
    exams, login_as, client, settings
):
    cert, _ = issue(exams)
    one = {"items": [{"number": cert.number}]}
    assert client.post(f"{API}/bulk", one, content_type="application/json").status_code == 401
    official = login_as(exams.users["cd_official"])
    assert official.post(f"{API}/bulk", one, content_type="application/json").status_code == 403
    employer = login_as(exams.users["cd_employer_admin"])
    too_many = {"items": [{"number": cert.number}] * 501}
    refused = employer.post(f"{API}/bulk", too_many, content_type="application/json")
    assert refused.status_code == 400 and "最多 500 项" in str(refused.json()["fields"])
    settings.PEIYU_VERIFY_BULK_PER_WINDOW = 3
    assert (
        employer.post(
            f"{API}/bulk", {"items": [{"number": cert.number}] * 3}, content_type="application/json"
        ).status_code
        == 200
    )
    spent = employer.post(f"{API}/bulk", one, content_type="application/json")
    assert spent.status_code == 429 and "批量核验过于频繁" in spent.json()["message"]


def test_an_api_token_reaches_the_bulk_check(exams, client):
    from peiyu.accounts.services.tokens import api_token_create

    cert, _ = issue(exams)
    _, plain = api_token_create(actor=exams.users["cd_employer_admin"], name="入职核验")
    response = client.post(
        f"{API}/bulk",
        {"items": [{"number": cert.number, "name": "李小红"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 200 and response.json()["items"][0]["name_matches"] is True

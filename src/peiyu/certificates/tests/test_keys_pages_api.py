"""Signing keys on pages and API (CRT-4): the institution administrator generates, rotates and revokes
their own keys with a reason, audited; old certificates still verify after a rotation; another
institution's key is 404; no private key is ever shown."""

from __future__ import annotations

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import SigningKey
from peiyu.certificates.services.signing import public_keys, signing_key_for
from peiyu.core.registry import nav_items

API = "/api/v1/certificates/keys"


@pytest.fixture
def admin(exams, login_as):
    return login_as(exams.users["hb_eval_admin"])


@pytest.fixture
def other(exams, login_as):
    return login_as(exams.users["hb_train_admin"])


def test_the_first_key_is_generated_from_the_page_and_shown_without_its_private_half(exams, admin):
    org = exams.orgs["hb_eval"]
    html = admin.get("/certificates/keys/").content.decode()
    assert "尚未生成签名密钥" in html and org.name in html
    assert admin.post("/certificates/keys/generate/", {"institution": org.pk}).status_code == 302
    key = SigningKey.objects.get(institution=org)
    html = admin.get("/certificates/keys/").content.decode()
    assert key.key_id in html and "使用中" in html and key.private_key not in html
    assert any(n.key == "certificate_keys" for n in nav_items())


def test_rotation_needs_a_reason_keeps_what_was_typed_and_retires_the_old_key(exams, admin):
    org = exams.orgs["hb_eval"]
    old = signing_key_for(org)
    r = admin.post("/certificates/keys/rotate/", {"institution": org.pk, "reason": "  "})
    assert r.status_code == 400 and "请填写原因" in r.content.decode()
    r = admin.post("/certificates/keys/rotate/", {"institution": org.pk, "reason": "年度轮换"})
    assert r.status_code == 302
    old.refresh_from_db()
    new = signing_key_for(org)
    assert old.status == "retired" and old.retired_at and old.reason == "年度轮换" and new.pk != old.pk
    published = public_keys()
    assert published[old.key_id]["status"] == "retired" and published[new.key_id]["status"] == "active"
    assert AuditEvent.objects.filter(action="signing_key.retired", object_id=str(old.pk)).exists()


def test_revoking_the_active_key_records_the_reason_and_makes_a_new_one(exams, admin):
    org = exams.orgs["hb_eval"]
    key = signing_key_for(org)
    r = admin.post(f"/certificates/keys/{key.pk}/revoke/", {"reason": ""})
    assert r.status_code == 400
    assert admin.post(f"/certificates/keys/{key.pk}/revoke/", {"reason": "私钥疑似泄露"}).status_code == 302
    key.refresh_from_db()
    assert key.status == "revoked" and key.revoked_at and key.reason == "私钥疑似泄露"
    assert signing_key_for(org).pk != key.pk
    assert AuditEvent.objects.filter(
        action="signing_key.revoked", object_id=str(key.pk), reason="私钥疑似泄露"
    ).exists()


def test_another_institutions_key_is_404_on_pages_and_api(exams, admin, other):
    key = signing_key_for(exams.orgs["hb_eval"])
    assert other.post(f"/certificates/keys/{key.pk}/revoke/", {"reason": "试图吊销"}).status_code == 404
    assert other.get(f"{API}/{key.pk}").status_code == 404
    assert (
        other.post(f"{API}/{key.pk}/revoke", {"reason": "x"}, content_type="application/json").status_code
        == 404
    )
    r = other.post(f"{API}/rotate", {"institution": exams.orgs["hb_eval"].pk, "reason": "x"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 404
    assert other.get(API).json()["count"] == 0
    key.refresh_from_db()
    assert key.status == "active"


def test_the_api_lists_rotates_and_revokes_through_the_same_services(exams, admin):
    org = exams.orgs["hb_eval"]
    r = admin.post(API, {"institution": org.pk}, content_type="application/json")
    assert r.status_code == 201
    first = r.json()
    assert first["status"] == "active" and first["public_key"].startswith("04") and "private_key" not in first
    r = admin.post(
        f"{API}/rotate", {"institution": org.pk, "reason": "年度轮换"}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["key_id"] != first["key_id"]
    listed = admin.get(API).json()
    assert listed["count"] == 2 and {k["status"] for k in listed["items"]} == {"active", "retired"}
    r = admin.post(f"{API}/{first['id']}/revoke", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400
    r = admin.post(f"{API}/{first['id']}/revoke", {"reason": "私钥疑似泄露"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "revoked"


def test_a_person_without_the_key_capability_sees_no_key_page(exams, login_as):
    assert login_as(exams.users["cd_exam_admin"]).get("/certificates/keys/").status_code in (403, 404)

"""Online learning records pushed by a platform (TRN-4, TRN-5, TRN-13): bearer token and HMAC
signature both required, stale timestamps and unknown keys refused, batches idempotent by batch_id,
records of classes of another platform or of trainees not enrolled rejected one by one with a reason,
at most 1 000 records a batch, online_minutes kept, one audit event per batch."""

from __future__ import annotations

import json
import time

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.training.models import Enrolment, OnlineBatch, OnlineRecord, PlatformKey
from peiyu.training.services import online as svc

from .attendance_support import Platform, at, enrol, record, sy_class, trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(training):
    p = Platform(training)
    klass = sy_class(training, platform=p.org)
    t1, t2 = trainee(training, "张三"), trainee(training, "李四")
    e1, e2 = enrol(klass, t1), enrol(klass, t2)
    return training, p, klass, (t1, t2), (e1, e2)


def test_signed_batch_is_stored_and_online_minutes_raised(setup, client):
    _world, p, klass, (t1, t2), (e1, e2) = setup
    body = {
        "batch_id": "B-0001",
        "records": [
            record(klass, t1, "r1", at(2, 9), 45),
            record(klass, t1, "r2", at(2, 10), 30),
            record(klass, t2, "r3", at(2, 9), 60),
        ],
    }
    r = p.post(client, body)
    assert r.status_code == 200, r.content
    assert r.json() == {
        "batch_id": "B-0001", "accepted": 3, "duplicates": 0, "rejected": 0, "errors": [], "replayed": False,
    }  # fmt: skip
    e1.refresh_from_db(), e2.refresh_from_db()
    assert (e1.online_minutes, e2.online_minutes) == (75, 60)
    assert OnlineRecord.objects.count() == 3
    assert AuditEvent.objects.filter(action="online_batch.received").count() == 1


def test_replayed_batch_gets_the_same_answer_and_writes_nothing(setup, client):
    _world, p, klass, (t1, _), (e1, _) = setup
    body = json.dumps({"batch_id": "B-2", "records": [record(klass, t1, "r1", at(2, 9), 45)]}).encode()
    first = p.post(client, body).json()
    again = p.post(client, body)
    assert again.status_code == 200 and {**first, "replayed": True} == again.json()
    assert OnlineRecord.objects.count() == 1 and OnlineBatch.objects.count() == 1
    assert Enrolment.objects.get(pk=e1.pk).online_minutes == 45
    other = {"batch_id": "B-2", "records": [record(klass, t1, "r9", at(2, 11), 10)]}
    r = p.post(client, other)
    assert r.status_code == 409 and r.json()["code"] == "batch_id_reused"
    # the same record under a new batch id is a duplicate, not counted twice
    r = p.post(client, {"batch_id": "B-3", "records": [record(klass, t1, "r1", at(2, 9), 45)]})
    assert r.json()["accepted"] == 0 and r.json()["duplicates"] == 1
    assert Enrolment.objects.get(pk=e1.pk).online_minutes == 45


def test_batch_mixing_new_and_already_stored_records_keeps_only_the_new_ones(setup, client):
    _world, p, klass, (t1, t2), (e1, e2) = setup
    p.post(client, {"batch_id": "B-1", "records": [record(klass, t1, "r1", at(2, 9), 45)]})
    mixed = {
        "batch_id": "B-2",
        "records": [
            record(klass, t1, "r1", at(2, 9), 45),  # stored by B-1
            record(klass, t1, "r2", at(2, 10), 30),
            record(klass, t2, "r3", at(2, 9), 20),
        ],
    }
    out = p.post(client, mixed).json()
    assert (out["accepted"], out["duplicates"], out["rejected"]) == (2, 1, 0)
    e1.refresh_from_db(), e2.refresh_from_db()
    assert (e1.online_minutes, e2.online_minutes) == (75, 20)
    assert sorted(OnlineRecord.objects.values_list("record_id", "batch__batch_id")) == [
        ("r1", "B-1"), ("r2", "B-2"), ("r3", "B-2"),
    ]  # fmt: skip
    assert OnlineBatch.objects.count() == 2
    assert AuditEvent.objects.filter(action="online_batch.received").count() == 2


def test_trainee_withdrawn_while_the_batch_is_checked_gets_no_minutes_and_no_record(
    setup, client, monkeypatch
):
    _world, p, klass, (t1, t2), (e1, e2) = setup
    read = svc.enrolments_of
    calls = []

    def read_then_withdraw(*args):
        found = read(*args)
        if not calls:  # the trainee leaves the class between the batch's read and its write
            Enrolment.objects.filter(pk=e2.pk).update(status=Enrolment.Status.WITHDRAWN)
        calls.append(1)
        return found

    monkeypatch.setattr(svc, "enrolments_of", read_then_withdraw)
    body = {
        "batch_id": "B-1",
        "records": [record(klass, t1, "r1", at(2, 9), 45), record(klass, t2, "r2", at(2, 9), 30)],
    }
    out = p.post(client, body).json()
    assert len(calls) == 2  # written once, found an enrolment gone, read again
    assert (out["accepted"], out["rejected"]) == (1, 1)
    assert out["errors"] == [{"index": 1, "record_id": "r2", "reason": "该学员未在本班在训"}]
    e1.refresh_from_db(), e2.refresh_from_db()
    assert (e1.online_minutes, e2.online_minutes) == (45, 0)
    assert list(OnlineRecord.objects.values_list("record_id", flat=True)) == ["r1"]
    assert OnlineBatch.objects.count() == 1


def test_bad_signature_stale_timestamp_unknown_key_and_no_token_are_refused(setup, client):
    _world, p, klass, (t1, _), _ = setup
    body = {"batch_id": "B-4", "records": [record(klass, t1, "r1", at(2, 9))]}
    assert p.post(client, body, secret="not-the-secret").json()["code"] == "bad_signature"
    assert p.post(client, body, secret="not-the-secret").status_code == 401
    r = p.post(client, body, timestamp=int(time.time()) - 301)
    assert r.status_code == 401 and r.json()["code"] == "stale_timestamp"
    r = p.post(client, body, key_id="pk_doesnotexist")
    assert r.status_code == 401 and r.json()["code"] == "unknown_key"
    raw = json.dumps(body).encode()
    headers = p.headers(raw)
    del headers["HTTP_AUTHORIZATION"]
    r = client.post("/api/v1/training/online/batches", raw, content_type="application/json", **headers)
    assert r.status_code == 401
    # a body altered after signing
    headers = p.headers(raw)
    r = client.post("/api/v1/training/online/batches", raw + b" ", content_type="application/json", **headers)
    assert r.status_code == 401
    # a revoked key
    svc.platform_key_revoke(actor=p.user, key=p.key)
    assert p.post(client, body).json()["code"] == "unknown_key"
    assert not OnlineRecord.objects.exists() and not OnlineBatch.objects.exists()


def test_another_platforms_key_or_a_non_platform_user_cannot_push(setup, client, training):
    _world, p, klass, (t1, _), _ = setup
    other = Platform(training, key="plat2", name="另一在线平台")
    body = json.dumps({"batch_id": "B-5", "records": [record(klass, t1, "r1", at(2, 9))]}).encode()
    headers = p.headers(body, key_id=other.key.key_id, secret=other.secret)  # p's token, other's key
    r = client.post("/api/v1/training/online/batches", body, content_type="application/json", **headers)
    assert r.status_code == 401
    # the other platform's own push for a class of p is rejected per record
    r = other.post(client, body)
    assert r.status_code == 200
    assert r.json()["errors"] == [
        {"index": 0, "record_id": "r1", "reason": "该班级未指定本平台为线上培训平台"}
    ]


def test_records_are_rejected_one_by_one_with_reasons(setup, client, training):
    _world, p, klass, (t1, t2), (e1, _e2) = setup
    stranger = trainee(training, "王五")
    other_platform_class = sy_class(training)
    finished = sy_class(training, platform=p.org, status="completed")
    enrol(finished, t1)
    body = {
        "batch_id": "B-6",
        "records": [
            record(klass, t1, "ok", at(2, 9)),
            record(klass, stranger, "not-enrolled", at(2, 9)),
            record(other_platform_class, t1, "other-platform", at(2, 9)),
            record(finished, t1, "completed", at(2, 9)),
            {**record(klass, t2, "bad-time", at(2, 9)), "ended_at": at(2, 8).isoformat()},
            {**record(klass, t2, "naive", at(2, 9)), "started_at": "2026-03-02T09:00:00"},
            {**record(klass, t2, "no-class", at(2, 9)), "class_number": "TC-NONE"},
            record(klass, t2, "outside", at(1, 9).replace(month=4)),
            record(klass, t1, "ok", at(2, 9)),
            "not an object",
        ],
    }
    out = p.post(client, body).json()
    assert (out["accepted"], out["duplicates"], out["rejected"]) == (1, 1, 8)
    reasons = {e["record_id"]: e["reason"] for e in out["errors"]}
    assert reasons["not-enrolled"] == "该学员未在本班在训"
    assert reasons["other-platform"] == "该班级未指定本平台为线上培训平台"
    assert reasons["completed"] == "该班级不在培训中，不接收学习记录"
    assert reasons["no-class"] == "班级不存在"
    assert reasons["outside"] == "学习时间不在班级培训期内"
    assert "结束时间" in reasons["bad-time"] and "时区" in reasons["naive"]
    assert [e["index"] for e in out["errors"]] == sorted(e["index"] for e in out["errors"])
    assert Enrolment.objects.get(pk=e1.pk).online_minutes == 45


def test_more_than_1000_records_are_refused_with_a_chinese_message(setup, client):
    _world, p, klass, (t1, _), _ = setup
    records = [record(klass, t1, f"r{i}", at(2, 9)) for i in range(1001)]
    r = p.post(client, {"batch_id": "B-7", "records": records})
    assert r.status_code == 400 and r.json()["code"] == "batch_too_large"
    assert "每批最多1000条" in r.json()["message"]
    assert not OnlineBatch.objects.exists()
    r = p.post(client, b"{not json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_json"


def test_platform_key_by_the_platform_user_only(setup, training):
    from peiyu.core.errors import NotFound, PermissionDenied

    _world, p, _klass, _, _ = setup
    key, secret = svc.platform_key_create(actor=p.user, platform=p.org)
    stored = PlatformKey.objects.get(pk=key.pk)
    assert stored.secret == secret and key.key_id.startswith("pk_")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM training_platformkey WHERE id = %s", [key.pk])
        assert secret not in cur.fetchone()[0]  # encrypted at rest
    with pytest.raises((PermissionDenied, NotFound)):
        svc.platform_key_create(actor=training.sy_inst_admin, platform=p.org)
    svc.platform_key_create(actor=training.sysadmin, platform=p.org)


def test_the_platform_creates_and_revokes_its_keys_on_its_page_and_sees_the_secret_once(
    setup, login_as, training
):
    p = setup[1]
    client = login_as(p.user)
    page = client.post("/training/online/keys/", {"action": "create"})
    assert page.status_code == 200
    key = PlatformKey.objects.filter(platform=p.org).order_by("-pk").first()
    assert key.key_id in page.content.decode() and key.secret in page.content.decode()
    again = client.get("/training/online/keys/").content.decode()
    assert key.key_id in again and key.secret not in again
    client.post("/training/online/keys/", {"action": "revoke", "key": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert login_as(training.sy_inst_admin).get("/training/online/keys/").status_code == 403

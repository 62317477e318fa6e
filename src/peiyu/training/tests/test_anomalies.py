"""Attendance anomalies (TRN-5): one trainee in two classes at overlapping times (attendance or
online), a check-in outside its session, one device checking in many trainees; each flagged once with
its evidence (masked names), resolved by the institution (explained) or an official, scoped reads."""

from __future__ import annotations

import pytest

from peiyu.core.errors import Conflict, NotFound, PermissionDenied
from peiyu.core.registry import todo_for
from peiyu.training.models import Anomaly
from peiyu.training.rules import anomalies as ar
from peiyu.training.selectors import attendance as sel
from peiyu.training.services import anomalies as svc
from peiyu.training.services import attendance as att
from peiyu.training.services import online as online_svc

from .attendance_support import Platform, at, enrol, record, sy_class, trainee

pytestmark = pytest.mark.django_db


def session(world, klass, start, end, actor="sy_inst_admin"):
    return att.session_create(
        actor=getattr(world, actor), klass=klass, data={"topic": "课程", "starts_at": start, "ends_at": end}
    )


def _assert_creation_logged(anomalies, *, events):
    """Anomalies stored in bulk by the detector each have their creation log row ("" → open); the
    detection run wrote one "anomaly.created" audit event for its batch (on the class)."""
    from peiyu.audit.models import AuditEvent
    from peiyu.training.flows import ANOMALY_FLOW

    rows = list(anomalies)
    assert rows and all(
        [(h.from_status, h.to_status) for h in ANOMALY_FLOW.history(a)] == [("", "open")] for a in rows
    )
    created = AuditEvent.objects.filter(action="anomaly.created")
    assert created.count() == events and sum(e.after["count"] for e in created) == len(rows)


def test_overlap_between_attendance_and_online_learning_in_another_class(training, client):
    p = Platform(training)
    a_class = sy_class(training)
    b_class = sy_class(training, platform=p.org, inst="inst_dl", region="210202")
    t = trainee(training, "张小明")
    ea, _ = enrol(a_class, t), enrol(b_class, t)
    s = session(training, a_class, at(3, 9), at(3, 12))
    att.attendance_check_in(actor=training.sy_inst_admin, session=s, enrolment=ea, at=at(3, 9))
    r = p.post(client, {"batch_id": "X1", "records": [record(b_class, t, "o1", at(3, 10), 60)]})
    assert r.json()["accepted"] == 1
    assert svc.anomalies_detect(a_class) == 2  # one for each class
    assert svc.anomalies_detect(a_class) == 0 and svc.anomalies_detect(b_class) == 0
    _assert_creation_logged(Anomaly.objects.all(), events=1)
    mine = Anomaly.objects.get(klass=a_class, kind="overlap")
    theirs = Anomaly.objects.get(klass=b_class, kind="overlap")
    ev = mine.evidence
    assert ev["trainee"] == "张**" and ev["other"]["class_number"] == b_class.number
    assert ev["this"]["session_id"] == s.pk and ev["overlap_minutes"] == 60
    assert theirs.evidence["other"]["type"] == "attendance"
    # each institution sees its own; the cities theirs
    assert list(sel.anomalies_visible_to(training.sy_inst_admin)) == [mine]
    assert list(sel.anomalies_visible_to(training.dl_official)) == [theirs]
    assert set(sel.anomalies_visible_to(training.ln_official)) == {mine, theirs}


def test_check_in_outside_the_session_is_flagged_once(training):
    klass = sy_class(training)
    s = session(training, klass, at(3, 9), at(3, 12))
    e1, e2, e3 = (enrol(klass, trainee(training, n)) for n in ("甲一", "乙二", "丙三"))
    admin = training.sy_inst_admin
    att.attendance_check_in(actor=admin, session=s, enrolment=e1, at=at(3, 8, 40))  # 20 min early: fine
    att.attendance_check_in(actor=admin, session=s, enrolment=e2, at=at(3, 8, 0))  # an hour early
    att.attendance_check_in(actor=admin, session=s, enrolment=e3, at=at(3, 12, 30))  # after the end
    assert svc.anomalies_detect(klass) == 2
    assert svc.anomalies_detect(klass) == 0
    flagged = {a.trainee.name: a.evidence for a in Anomaly.objects.filter(kind="outside_session")}
    assert flagged["乙二"]["position"] == "before_start" and flagged["乙二"]["minutes_outside"] == 60
    assert flagged["丙三"]["position"] == "after_end" and flagged["丙三"]["trainee"] == "丙*"
    assert flagged["丙三"]["tolerance_minutes"] == ar.EARLY_CHECKIN_MINUTES


def test_one_device_checking_in_many_trainees_is_flagged_once(training, time_machine):
    klass = sy_class(training)
    s = session(training, klass, at(3, 9), at(3, 12))
    time_machine.move_to(at(3, 9, 1), tick=False)
    n = ar.SHARED_DEVICE_MAX_TRAINEES + 1
    for i in range(n):
        t = trainee(training, f"学员{i}", user_key=f"stu{i}")
        enrol(klass, t)
        att.attendance_scan(actor=getattr(training, f"stu{i}"), token=s.qr_token, device="same-phone")
    assert svc.anomalies_detect(klass) == 1
    assert svc.anomalies_detect(klass) == 0
    a = Anomaly.objects.get(kind="shared_device")
    assert a.session_id == s.pk and a.evidence["trainees"] == n and len(a.evidence["check_ins"]) == n
    assert "same-phone" not in str(a.evidence)


def test_fewer_trainees_on_one_device_or_staff_check_ins_are_not_flagged(training):
    klass = sy_class(training)
    s = session(training, klass, at(3, 9), at(3, 12))
    for i in range(6):
        e = enrol(klass, trainee(training, f"学员{i}"))
        att.attendance_check_in(
            actor=training.sy_inst_admin, session=s, enrolment=e, at=at(3, 9), device="desk"
        )
    assert svc.anomalies_detect(klass) == 0


def test_institution_explains_and_official_confirms(training):
    klass = sy_class(training)
    s = session(training, klass, at(3, 9), at(3, 12))
    e = enrol(klass, trainee(training, "丁四"))
    att.attendance_check_in(actor=training.sy_inst_admin, session=s, enrolment=e, at=at(3, 13))
    svc.anomalies_detect(klass)
    a = Anomaly.objects.get()
    assert any(i.rule == "TRN-5" for i in todo_for(training.sy_inst_admin))
    assert any(i.rule == "TRN-5" for i in todo_for(training.sy_official))
    assert not any(i.rule == "TRN-5" for i in todo_for(training.dl_official))
    with pytest.raises(PermissionDenied):
        svc.anomaly_resolve(actor=training.sy_inst_admin, anomaly=a, status="confirmed", resolution="x")
    with pytest.raises(NotFound):
        svc.anomaly_resolve(actor=training.dl_official, anomaly=a, status="confirmed", resolution="x")
    svc.anomaly_resolve(actor=training.sy_inst_admin, anomaly=a, status="explained", resolution="补录签到")
    with pytest.raises(Conflict):
        svc.anomaly_resolve(actor=training.sy_inst_admin, anomaly=a, status="explained", resolution="再说明")
    done = svc.anomaly_resolve(
        actor=training.sy_official, anomaly=a, status="confirmed", resolution="核实为代签"
    )
    assert done.status == "confirmed" and done.resolved_by == training.sy_official
    with pytest.raises(NotFound):
        sel.anomaly_get_for(training.dl_inst_admin, a.pk)
    with pytest.raises(NotFound):
        sel.anomaly_get_for(training.fz_official, a.pk)


def test_overlap_rule_ignores_touching_and_same_class_intervals():
    a = ar.Interval("a1", 1, "C1", 7, "张*", at(3, 9), at(3, 10))
    b = ar.Interval("o2", 2, "C2", 7, "张*", at(3, 10), at(3, 11))
    c = ar.Interval("o3", 1, "C1", 7, "张*", at(3, 9), at(3, 10))
    assert ar.overlaps([a], [b, c]) == []


def test_a_day_of_overlapping_records_is_one_anomaly_per_class_with_the_count_of_pairs():
    import datetime as dt

    mine = [ar.Interval(f"o{i}", 1, "C1", 7, "张*", at(3, 9) + dt.timedelta(minutes=10 * i),
                        at(3, 9) + dt.timedelta(minutes=10 * i + 30)) for i in range(30)]  # fmt: skip
    others = [ar.Interval(f"o{100 + i}", 2, "C2", 7, "张*", at(3, 9) + dt.timedelta(minutes=10 * i),
                          at(3, 9) + dt.timedelta(minutes=10 * i + 30)) for i in range(30)]  # fmt: skip
    findings = ar.overlaps(mine, others)
    assert sorted(f.klass_id for f in findings) == [1, 2]
    pairs = {f.klass_id: f.evidence["pairs"] for f in findings}
    assert pairs[1] == pairs[2] > 30
    assert all(len(f.evidence["sample"]) == ar.OVERLAP_SAMPLE for f in findings)


def _two_platform_classes(world):
    p = Platform(world)
    a_class = sy_class(world)
    b_class = sy_class(world, platform=p.org, inst="inst_dl", region="210202")
    t1, t2 = trainee(world, "张小明"), trainee(world, "王小红")
    for t in (t1, t2):
        enrol(a_class, t), enrol(b_class, t)
    s = session(world, a_class, at(3, 9), at(3, 12))
    for e in a_class.enrolments.all():
        att.attendance_check_in(actor=world.sy_inst_admin, session=s, enrolment=e, at=at(3, 9))
    return p, a_class, b_class, t1, t2


def test_batches_waiting_for_their_overlap_check_are_checked_together_by_one_task(
    training, client, monkeypatch, django_capture_on_commit_callbacks
):
    from peiyu.training import tasks
    from peiyu.training.models import AnomalyScan

    p, _a_class, b_class, t1, t2 = _two_platform_classes(training)
    queued = []
    monkeypatch.setattr(tasks.anomaly_scan_task, "delay", queued.append)  # a broker: nothing runs now
    for n, t in enumerate((t1, t2)):
        with django_capture_on_commit_callbacks(execute=True):
            r = p.post(client, {"batch_id": f"X{n}", "records": [record(b_class, t, f"o{n}", at(3, 10), 60)]})
        assert r.json()["accepted"] == 1
    assert queued == [b_class.pk]  # the second batch found a check of its class already queued
    assert AnomalyScan.objects.filter(klass=b_class).count() == 2
    assert not Anomaly.objects.exists()  # the requests did not check
    assert svc.anomaly_scans_run(b_class.pk) == 4  # both trainees, on each of the two classes
    _assert_creation_logged(Anomaly.objects.all(), events=1)
    assert not AnomalyScan.objects.exists()
    assert svc.anomaly_scans_run(b_class.pk) == 0
    # the key was dropped when the check began: the next batch queues a check again
    with django_capture_on_commit_callbacks(execute=True):
        p.post(client, {"batch_id": "X9", "records": [record(b_class, t1, "o9", at(4, 10), 60)]})
    assert queued == [b_class.pk, b_class.pk]


def test_without_a_broker_the_batch_is_checked_once_it_has_committed(
    training, client, django_capture_on_commit_callbacks
):
    from peiyu.training.models import AnomalyScan

    p, a_class, b_class, t1, _t2 = _two_platform_classes(training)
    with django_capture_on_commit_callbacks(execute=True):
        p.post(client, {"batch_id": "X1", "records": [record(b_class, t1, "o1", at(3, 10), 60)]})
    assert set(Anomaly.objects.filter(kind="overlap").values_list("klass_id", "trainee_id")) == {
        (a_class.pk, t1.pk), (b_class.pk, t1.pk),
    }  # fmt: skip
    assert not AnomalyScan.objects.exists()


def test_records_that_can_only_repeat_a_flagged_overlap_do_not_read_the_other_class_again(
    training, client, monkeypatch, django_capture_on_commit_callbacks
):
    p, _a_class, b_class, t1, _t2 = _two_platform_classes(training)
    with django_capture_on_commit_callbacks(execute=True):
        p.post(client, {"batch_id": "X1", "records": [record(b_class, t1, "o1", at(3, 10), 30)]})
    assert Anomaly.objects.filter(kind="overlap").count() == 2
    reads = []
    real = svc._intervals
    monkeypatch.setattr(svc, "_intervals", lambda q, window=None: reads.append(q) or real(q, window))
    with django_capture_on_commit_callbacks(execute=True):  # the same day, already flagged
        p.post(client, {"batch_id": "X2", "records": [record(b_class, t1, "o2", at(3, 11), 30)]})
    assert len(reads) == 1 and Anomaly.objects.filter(kind="overlap").count() == 2  # own records only
    with django_capture_on_commit_callbacks(execute=True):  # another day: read, nothing there to overlap
        p.post(client, {"batch_id": "X3", "records": [record(b_class, t1, "o3", at(4, 10), 30)]})
    assert len(reads) == 3 and Anomaly.objects.filter(kind="overlap").count() == 2


def test_tick_checks_batches_whose_task_was_lost(training, client, monkeypatch, time_machine):
    import datetime as dt

    from django.utils import timezone

    from peiyu.core import tick
    from peiyu.training import tasks
    from peiyu.training.models import AnomalyScan

    p, _a_class, b_class, t1, _t2 = _two_platform_classes(training)
    monkeypatch.setattr(tasks.anomaly_scan_task, "delay", lambda klass_id: None)  # lost by the broker
    p.post(client, {"batch_id": "X1", "records": [record(b_class, t1, "o1", at(3, 10), 60)]})
    assert tick.run(timezone.now())["training.anomaly_scans"] == 0  # not late yet
    assert AnomalyScan.objects.count() == 1
    later = timezone.now() + dt.timedelta(minutes=svc.SCAN_LEFT_MINUTES + 1)
    assert tick.run(later)["training.anomaly_scans"] == 2
    assert not AnomalyScan.objects.exists()
    assert Anomaly.objects.filter(kind="overlap", trainee=t1).count() == 2


def test_online_batch_signature_helper_matches_hmac_sha256():
    import hashlib
    import hmac

    body = b'{"x":1}'
    expected = hmac.new(b"s", f"123\n{hashlib.sha256(body).hexdigest()}".encode(), hashlib.sha256).hexdigest()
    assert online_svc.sign("s", "123", body) == expected


def test_api_lists_and_resolves_anomalies_in_scope_only(training, login_as):
    klass = sy_class(training)
    s = session(training, klass, at(3, 9), at(3, 12))
    e = enrol(klass, trainee(training, "吴十"))
    att.attendance_check_in(actor=training.sy_inst_admin, session=s, enrolment=e, at=at(3, 7))
    svc.anomalies_detect(klass)
    a = Anomaly.objects.get()
    official = login_as(training.sy_official)
    listed = official.get("/api/v1/training/anomalies?status=open&kind=outside_session").json()
    rows = listed["items"]
    assert [r["id"] for r in rows] == [a.pk] and rows[0]["evidence"]["trainee"] == "吴*"
    assert listed["count"] == 1
    assert official.get("/api/v1/training/anomalies?kind=overlap").json() == {"items": [], "count": 0}
    other = login_as(training.dl_official)
    assert other.get("/api/v1/training/anomalies").json() == {"items": [], "count": 0}
    r = other.post(
        f"/api/v1/training/anomalies/{a.pk}/resolve",
        {"status": "confirmed", "resolution": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = official.post(
        f"/api/v1/training/anomalies/{a.pk}/resolve",
        {"status": "confirmed", "resolution": "核实为提前代签"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"


def test_a_token_of_a_user_who_is_no_platform_cannot_push(training, client):
    import json

    from peiyu.accounts.services.tokens import api_token_create

    p = Platform(training)
    klass = sy_class(training, platform=p.org)
    _token, plain = api_token_create(actor=training.sy_inst_admin, name="x")
    body = json.dumps(
        {"batch_id": "Z", "records": [record(klass, trainee(training), "r", at(2, 9))]}
    ).encode()
    headers = {**p.headers(body), "HTTP_AUTHORIZATION": f"Bearer {plain}"}
    r = client.post("/api/v1/training/online/batches", body, content_type="application/json", **headers)
    assert r.status_code == 403

"""Sessions and offline attendance (TRN-5): sessions inside the class dates and never overlapping, QR
check-in by the enrolled trainee only, minutes credited only inside the session, offline_minutes kept,
the device kept as a digest, everything audited, and scoped reads (other institution or city: 404)."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.training.models import Attendance, Enrolment
from peiyu.training.rules.attendance import credited_minutes, device_digest
from peiyu.training.selectors import attendance as sel
from peiyu.training.services import attendance as svc

from .attendance_support import at, enrol, sy_class, trainee

pytestmark = pytest.mark.django_db


def session(world, klass, start=None, end=None, **data):
    return svc.session_create(
        actor=world.sy_inst_admin,
        klass=klass,
        data={
            "topic": "Python 数据处理",
            "starts_at": start or at(3, 9),
            "ends_at": end or at(3, 12),
            **data,
        },
    )


def test_credited_minutes_count_only_the_part_inside_the_session():
    s, e = at(3, 9), at(3, 12)
    assert credited_minutes(at(3, 8), at(3, 13), s, e) == 180
    assert credited_minutes(at(3, 9, 30), at(3, 11), s, e) == 90
    assert credited_minutes(at(3, 12, 5), at(3, 13), s, e) == 0
    assert credited_minutes(at(3, 9), None, s, e) == 0


def test_session_gets_a_qr_token_and_must_lie_within_the_class_and_not_overlap(training):
    klass = sy_class(training)
    s = session(training, klass)
    assert len(s.qr_token) == 43
    with pytest.raises(Conflict) as exc:
        session(training, klass, at(3, 11), at(3, 13))
    assert exc.value.code == "session_overlap"
    session(training, klass, at(3, 12), at(3, 14))  # touching is fine
    with pytest.raises(InvalidInput) as exc:
        session(
            training,
            klass,
            dt.datetime(2026, 4, 1, 9, tzinfo=at(1, 0).tzinfo),
            dt.datetime(2026, 4, 1, 10, tzinfo=at(1, 0).tzinfo),
        )
    assert "ends_at" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        session(training, klass, at(5, 12), at(5, 9))
    assert exc.value.fields["ends_at"] == ["结束时间应晚于开始时间"]
    assert AuditEvent.objects.filter(action="training_session.created").count() == 2


def test_enrolled_trainee_scans_in_and_out_and_is_credited_inside_the_session(training, time_machine):
    klass = sy_class(training)
    s = session(training, klass)
    t = trainee(training, "李四", user_key="li_si")
    e = enrol(klass, t)
    time_machine.move_to(at(3, 8, 50), tick=False)
    a, what = svc.attendance_scan(actor=training.li_si, token=s.qr_token, device="phone-123", ip="10.0.0.8")
    assert what == "checked_in"
    assert a.device == device_digest("phone-123") and "phone-123" not in a.device and len(a.device) == 64
    e.refresh_from_db()
    assert e.offline_minutes == 0  # nothing until checked out
    time_machine.move_to(at(3, 12, 20), tick=False)
    a, what = svc.attendance_scan(actor=training.li_si, token=s.qr_token, device="phone-123")
    assert what == "checked_out" and a.minutes == 180  # 8:50–12:20 counts 9:00–12:00
    e.refresh_from_db()
    assert e.offline_minutes == 180
    with pytest.raises(Conflict):
        svc.attendance_scan(actor=training.li_si, token=s.qr_token)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"attendance.checked_in", "attendance.checked_out"} <= actions


def test_user_not_enrolled_in_the_class_cannot_scan(training, time_machine):
    klass, other = sy_class(training), sy_class(training)
    s = session(training, klass)
    t = trainee(training, "王五", user_key="wang_wu")
    enrol(other, t)
    time_machine.move_to(at(3, 9), tick=False)
    with pytest.raises(PermissionDenied) as exc:
        svc.attendance_scan(actor=training.wang_wu, token=s.qr_token)
    assert exc.value.code == "not_enrolled"
    with pytest.raises(PermissionDenied):  # a user who is no trainee at all
        svc.attendance_scan(actor=training.sy_official, token=s.qr_token)
    with pytest.raises(NotFound):
        svc.attendance_scan(actor=training.wang_wu, token="no-such-token")
    withdrawn = trainee(training, "赵六", user_key="zhao_liu")
    enrol(klass, withdrawn, status="withdrawn")
    with pytest.raises(PermissionDenied):
        svc.attendance_scan(actor=training.zhao_liu, token=s.qr_token)
    assert not Attendance.objects.exists()


def test_staff_check_in_out_and_close_keep_offline_minutes(training, time_machine):
    klass = sy_class(training)
    s1, s2 = session(training, klass), session(training, klass, at(4, 9), at(4, 11))
    t1, t2 = trainee(training, "甲"), trainee(training, "乙")
    e1, e2 = enrol(klass, t1), enrol(klass, t2)
    admin = training.sy_inst_admin
    a1 = svc.attendance_check_in(actor=admin, session=s1, enrolment=e1, at=at(3, 9, 10))
    svc.attendance_check_out(actor=admin, attendance=a1, at=at(3, 11, 10))
    svc.attendance_check_in(actor=admin, session=s2, enrolment=e1, at=at(4, 9))
    svc.attendance_check_in(actor=admin, session=s2, enrolment=e2, at=at(4, 10))
    with pytest.raises(Conflict):
        svc.attendance_check_in(actor=admin, session=s2, enrolment=e2, at=at(4, 10))
    with pytest.raises(Conflict):  # not yet ended
        svc.session_close(actor=admin, session=s2)
    time_machine.move_to(at(4, 12), tick=False)
    assert svc.session_close(actor=admin, session=s2) == 2
    e1.refresh_from_db(), e2.refresh_from_db()
    assert (e1.offline_minutes, e2.offline_minutes) == (120 + 120, 60)
    with pytest.raises(Conflict):
        svc.session_delete(actor=admin, session=s2)
    rows = {r["enrolment_id"]: r for r in sel.hours_for(admin, klass.pk)}
    assert rows[e1.pk]["offline_hours"] == 4.0 and rows[e2.pk]["online_share_pct"] == 0.0


def test_staff_of_another_institution_and_another_city_official_get_404(training):
    klass = sy_class(training)
    s = session(training, klass)
    e = enrol(klass, trainee(training))
    with pytest.raises(NotFound):
        svc.attendance_check_in(actor=training.dl_inst_admin, session=s, enrolment=e)
    with pytest.raises(NotFound):
        svc.session_create(
            actor=training.dl_inst_admin,
            klass=klass,
            data={"topic": "x", "starts_at": at(5, 9), "ends_at": at(5, 10)},
        )
    for outsider in (training.dl_inst_admin, training.dl_official, training.fz_official):
        with pytest.raises(NotFound):
            sel.sessions_for(outsider, klass.pk)
        with pytest.raises(NotFound):
            sel.attendance_for(outsider, s.pk)
        with pytest.raises(NotFound):
            sel.hours_for(outsider, klass.pk)
    assert sel.sessions_for(training.sy_official, klass.pk).count() == 1
    assert sel.sessions_for(training.ln_official, klass.pk).count() == 1
    with pytest.raises(PermissionDenied):  # the city sees it but does not record attendance
        svc.attendance_check_in(actor=training.sy_official, session=s, enrolment=e)


def test_api_staff_check_in_and_hours(training, login_as):
    klass = sy_class(training)
    e = enrol(klass, trainee(training, "钱七"))
    c = login_as(training.sy_inst_admin)
    r = c.post(
        f"/api/v1/training/classes/{klass.pk}/sessions",
        {"topic": "深度学习", "starts_at": at(6, 9).isoformat(), "ends_at": at(6, 11).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = c.post(
        f"/api/v1/training/sessions/{sid}/attendance",
        {"enrolment_id": e.pk, "at": at(6, 9).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = c.post(
        f"/api/v1/training/attendance/{r.json()['id']}/check-out",
        {"at": at(6, 10, 30).isoformat()},
        content_type="application/json",
    )
    assert r.json()["minutes"] == 90
    hours = c.get(f"/api/v1/training/classes/{klass.pk}/hours").json()
    assert hours["count"] == 1
    hours = hours["items"]
    # the institution sees its own trainees' names in full (DESIGN §7; the view is audited)
    assert hours[0]["offline_minutes"] == 90 and hours[0]["name"] == "钱七"
    assert (
        login_as(training.dl_official).get(f"/api/v1/training/classes/{klass.pk}/sessions").status_code == 404
    )
    assert Enrolment.objects.get(pk=e.pk).offline_minutes == 90


def test_pages_sessions_qr_scan_and_anomalies(training, login_as, client, time_machine):
    from django.urls import reverse

    klass = sy_class(training)
    t = trainee(training, "孙八", user_key="sun_ba")
    e = enrol(klass, t)
    staff = login_as(training.sy_inst_admin)
    url = reverse("training:class_sessions", args=[klass.pk])
    r = staff.post(url, {"topic": "", "starts_at": "2026-03-03T09:00", "ends_at": "2026-03-03T12:00"})
    assert r.status_code == 400 and "请填写课程内容" in r.content.decode()
    r = staff.post(url, {"topic": "神经网络", "starts_at": "2026-03-03T09:00", "ends_at": "2026-03-03T12:00"})
    assert r.status_code == 302
    s = klass.sessions.get()
    page = staff.get(url).content.decode()
    assert "神经网络" in page and "孙八" in page
    detail = staff.get(reverse("training:session_detail", args=[s.pk])).content.decode()
    assert "<svg" in detail and f"/checkin/{s.qr_token}/" in detail
    # an official of the city sees the session but not the QR code; another city gets 404
    assert (
        "<svg"
        not in login_as(training.sy_official)
        .get(reverse("training:session_detail", args=[s.pk]))
        .content.decode()
    )
    assert (
        login_as(training.dl_official).get(reverse("training:session_detail", args=[s.pk])).status_code == 404
    )
    assert login_as(training.dl_inst_admin).get(url).status_code == 404
    # the public scan page requires signing in
    scan = reverse("session_checkin", args=[s.qr_token])
    r = client.get(scan)
    assert r.status_code == 302 and "login" in r["Location"]
    time_machine.move_to(at(3, 9, 30), tick=False)
    trainee_client = login_as(training.sun_ba)
    assert trainee_client.get(scan).status_code == 200
    r = trainee_client.post(scan)
    assert "签到成功" in r.content.decode(), r.content.decode()[-1500:]
    assert "peiyu_device" in trainee_client.cookies
    time_machine.move_to(at(3, 11), tick=False)
    trainee_client = login_as(training.sun_ba)  # the idle session has expired meanwhile
    trainee_client.cookies["peiyu_device"] = "same-browser"
    r = trainee_client.post(scan)
    assert "签退成功，本课次计入学时 90 分钟" in r.content.decode()
    e.refresh_from_db()
    assert e.offline_minutes == 90
    # a late staff check-in is flagged; the anomaly list shows it and the institution explains it
    other = enrol(klass, trainee(training, "周九"))
    time_machine.move_to(at(3, 13), tick=False)
    from peiyu.training.services.anomalies import anomalies_detect

    svc.attendance_check_in(actor=training.sy_inst_admin, session=s, enrolment=other)
    anomalies_detect(klass)
    staff = login_as(training.sy_inst_admin)
    listing = staff.get(
        reverse("training:anomaly_list") + "?status=open&kind=outside_session"
    ).content.decode()
    assert "签到时间不在课次时间内" in listing and "周*" in listing
    from peiyu.training.models import Anomaly

    a = Anomaly.objects.get()
    r = staff.post(
        reverse("training:anomaly_resolve", args=[a.pk]), {"status": "explained", "resolution": "迟到补签"}
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "explained"
    assert (
        login_as(training.dl_official).get(reverse("training:anomaly_list")).content.decode().count("周*")
        == 0
    )

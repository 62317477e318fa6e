"""Staff check-in (TRN-5): the searchable picker tells namesakes apart by masked ID and phone tails, finds
people by part of the name or the last digits, only for the class's own institution (another institution
or city: 404; an official: 403); the page and the API give the same list; the session QR page is
full screen and printable, without inline script or style. Masking by role (DESIGN §7) on the roster and
the hours: full for the institution and the supervising official (each view audited), masked elsewhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import NotFound, PermissionDenied
from peiyu.core.identifiers import mask_id_number
from peiyu.training.models import Attendance
from peiyu.training.selectors import attendance as sel
from peiyu.training.services import attendance as svc

from .attendance_support import at, enrol, sy_class, trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(training):
    """A running Shenyang class with two 王芳 (different ID numbers and phones), one 李强, and a session."""
    klass = sy_class(training)
    people = [trainee(training, "王芳"), trainee(training, "王芳"), trainee(training, "李强")]
    people[0].phone, people[1].phone = "13800001111", "13900002222"
    for p in people[:2]:
        p.save(update_fields=["phone"])
    enrolments = [enrol(klass, p) for p in people]
    session = svc.session_create(
        actor=training.sy_inst_admin,
        klass=klass,
        data={"topic": "机器学习基础", "starts_at": at(3, 9), "ends_at": at(3, 12)},
    )
    return training, klass, session, people, enrolments


def test_the_picker_tells_namesakes_apart_by_masked_id_and_phone_tails(room):
    world, _klass, session, people, _e = room
    rows = sel.checkin_candidates(world.sy_inst_admin, session, "王芳")
    assert len(rows) == 2
    assert [r["name"] for r in rows] == ["王芳", "王芳"]
    assert all(r["namesake"] for r in rows)
    assert {r["id_tail"] for r in rows} == {"…" + p.id_number[-4:] for p in people[:2]}
    assert {r["phone_tail"] for r in rows} == {"…1111", "…2222"}
    # the tails never carry more than four characters of the number
    assert all(len(r["id_tail"]) == 5 for r in rows)


def test_the_picker_finds_by_the_last_digits_of_the_phone_or_id_number(room):
    world, _klass, session, people, _e = room
    by_phone = sel.checkin_candidates(world.sy_inst_admin, session, "2222")
    assert [r["enrolment_id"] for r in by_phone] == [room[4][1].pk]
    by_id = sel.checkin_candidates(world.sy_inst_admin, session, people[2].id_number[-4:])
    assert room[4][2].pk in [r["enrolment_id"] for r in by_id]
    assert sel.checkin_candidates(world.sy_inst_admin, session, "赵") == []
    # two digits are too few to search numbers by (they would match half the class)
    assert sel.checkin_candidates(world.sy_inst_admin, session, "11") == []


def test_the_picker_marks_who_is_already_checked_in(room):
    world, _klass, session, _people, enrolments = room
    svc.attendance_check_in(actor=world.sy_inst_admin, session=session, enrolment=enrolments[2], at=at(3, 9))
    rows = {r["enrolment_id"]: r for r in sel.checkin_candidates(world.sy_inst_admin, session)}
    assert rows[enrolments[2].pk]["checked_in"] and not rows[enrolments[0].pk]["checked_in"]


def test_only_the_classs_institution_may_use_the_picker(room):
    world, _klass, session, _people, _e = room
    with pytest.raises(PermissionDenied):
        sel.checkin_candidates(world.sy_official, session, "")
    with pytest.raises(NotFound):
        sel.session_get_for(world.dl_inst_admin, session.pk)


def test_the_picker_api_returns_items_and_count_and_refuses_others(room, login_as):
    world, _klass, session, _people, _e = room
    url = f"/api/v1/training/sessions/{session.pk}/checkin-candidates"
    body = login_as(world.sy_inst_admin).get(url, {"q": "王"}).json()
    assert body["count"] == 2 and {i["phone_tail"] for i in body["items"]} == {"…1111", "…2222"}
    paged = login_as(world.sy_inst_admin).get(url, {"limit": 1, "offset": 1}).json()
    assert paged["count"] == 3 and len(paged["items"]) == 1
    assert login_as(world.dl_inst_admin).get(url).status_code == 404
    assert login_as(world.dl_official).get(url).status_code == 404
    refused = login_as(world.sy_official).get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    too_long = login_as(world.sy_inst_admin).get(url, {"q": "王" * 31})
    assert too_long.status_code == 400


def test_checking_in_from_the_picker_on_the_page(room, login_as):
    world, _klass, session, _people, enrolments = room
    client = login_as(world.sy_inst_admin)
    page = client.get(reverse("training:session_detail", args=[session.pk]), {"q": "王芳"})
    html = page.content.decode()
    assert page.status_code == 200 and html.count('name="enrolment"') == 2
    assert "…1111" in html and "…2222" in html and "同名" in html
    partial = client.get(reverse("training:checkin_picker", args=[session.pk]), {"q": "李"})
    assert "李强" in partial.content.decode() and "王芳" not in partial.content.decode()
    done = client.post(
        reverse("training:session_detail", args=[session.pk]),
        {"action": "check_in", "enrolment": enrolments[1].pk},
    )
    assert done.status_code == 302
    assert Attendance.objects.filter(session=session, enrolment=enrolments[1]).exists()
    empty = client.get(reverse("training:session_detail", args=[session.pk]), {"q": "赵"})
    assert "没有找到“赵”" in empty.content.decode()


def test_the_session_qr_page_is_full_screen_and_printable_without_inline_code(room, login_as):
    world, _klass, session, _people, _e = room
    url = reverse("training:session_qr", args=[session.pk])
    page = login_as(world.sy_inst_admin).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and session.qr_token in html and "training/attendance.css" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert login_as(world.dl_inst_admin).get(url).status_code == 404
    assert login_as(world.sy_official).get(url).status_code == 403


def test_the_roster_shows_full_data_to_the_institution_and_the_supervising_city_and_audits_it(room, login_as):
    world, klass, _session, people, _e = room
    url = reverse("training:class_roster", args=[klass.pk])
    for user in (world.sy_inst_admin, world.sy_official):
        before = AuditEvent.objects.filter(action="personal_data.viewed", actor_id=user.pk).count()
        html = login_as(user).get(url).content.decode()
        assert people[0].id_number in html
        assert (
            AuditEvent.objects.filter(action="personal_data.viewed", actor_id=user.pk).count() == before + 1
        )
    assert login_as(world.dl_official).get(url).status_code == 404


def test_the_roster_api_masks_for_a_reader_without_the_capability(room, login_as, monkeypatch):
    world, klass, _session, people, _e = room
    url = f"/api/v1/training/classes/{klass.pk}/roster"
    full = login_as(world.sy_inst_admin).get(url).json()["items"]
    assert {i["id_number"] for i in full} >= {people[0].id_number}
    assert "13800001111" in {i["phone"] for i in full}
    # the same official without personal_data.view_full (a role that lacks it) sees masked data only
    from peiyu.accounts.models import Role

    role = Role.objects.get(code="city_official")
    role.capabilities = [c for c in role.capabilities if c != "personal_data.view_full"]
    role.save(update_fields=["capabilities"])
    before = AuditEvent.objects.filter(action="personal_data.viewed").count()
    masked = login_as(world.sy_official).get(url).json()["items"]
    assert mask_id_number(people[0].id_number) in {i["id_number"] for i in masked}
    assert people[0].id_number not in {i["id_number"] for i in masked}
    assert {i["name"] for i in masked} >= {"王*", "李*"}
    assert AuditEvent.objects.filter(action="personal_data.viewed").count() == before


def test_hours_show_full_names_to_the_institution(room, login_as):
    world, klass, _session, _people, _e = room
    rows = login_as(world.sy_inst_admin).get(f"/api/v1/training/classes/{klass.pk}/hours").json()["items"]
    assert {r["name"] for r in rows} == {"王芳", "李强"}

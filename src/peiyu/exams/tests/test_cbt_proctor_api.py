"""The sitting's candidates through the API (EVL-6, EVL-11): the proctor's institution and the bureau that
supervises the session's region read them, paged like every list, names masked; another city's official
and another institution get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from .cbt_support import build_exam


@pytest.fixture
def exam(exams, time_machine):
    e = build_exam(exams)
    time_machine.move_to(e.start + dt.timedelta(minutes=1), tick=False)
    return e


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_supervising_bureau_reads_the_sittings_candidates_paged_with_names_masked(exam, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    url = f"/api/v1/exams/cbt/sittings/{exam.sitting.pk}/candidates"
    for username in ("cd_proctor", "cd_official"):
        body = _client(exam.world.users[username]).get(url).json()
        assert body["count"] == 3 and [c["seat"] for c in body["items"]] == ["01", "02", "03"], username
        assert all(
            c["name"].startswith("考") and c["name"] != "考生1" and "*" in c["name"] for c in body["items"]
        )
    page = _client(exam.world.users["cd_official"]).get(url, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [c["seat"] for c in page["items"]] == ["02"]


def test_another_city_and_another_institution_do_not_see_the_sittings_candidates(exam, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    from tests.personas import _user

    stranger = _user(exam.world, "emp_proctor2", exam.world.orgs["cd_employer"], "exam_staff")
    url = f"/api/v1/exams/cbt/sittings/{exam.sitting.pk}/candidates"
    for user in (exam.world.users["sy_official"], exam.world.users["hb_official"], stranger):
        assert _client(user).get(url).status_code == 404, user.username


def test_a_bureau_does_not_watch_a_sitting_of_a_session_still_in_draft(exam, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    type(exam.session).objects.filter(pk=exam.session.pk).update(status="draft")
    url = f"/api/v1/exams/cbt/sittings/{exam.sitting.pk}/candidates"
    assert _client(exam.world.users["cd_official"]).get(url).status_code == 404
    assert _client(exam.world.users["cd_proctor"]).get(url).status_code == 200

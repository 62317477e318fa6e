"""A candidate's workbench (JOURNEYS 13: every waiting item on her to-do list with its date): each exam
she is to sit — when, where, her admission ticket — until the sitting has ended; nothing of anyone
else's; no theory item when she is exempt from theory (EVL-6)."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.exams.todos.registrations import sittings_ahead

from . import factories
from .registrations_support import candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(exams):
    user = candidate(exams)
    session = factories.session(exams, status="exam")
    theory = factories.sitting(session)
    person = factories.person("李晓红", "51010719920304002", user=user)
    reg = factories.registration(session, person, seat="07", theory_sitting=theory)
    return user, session, theory, reg


def test_a_candidate_sees_the_exam_she_is_to_sit_with_its_time_place_and_ticket(exams, booked, login_as):
    user, session, theory, reg = booked
    [item] = sittings_ahead(user)
    starts = theory.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (
        item.title == f"参加理论知识考试：{session.occupation_name}{session.level}，{starts:%Y-%m-%d %H:%M}"
    )
    assert item.deadline == starts.date() and item.rule == "EVL-6" and item.url == f"/exam/my/{reg.pk}/"
    assert theory.room.name in item.detail and f"准考证号 {reg.ticket_number}" in item.detail
    page = login_as(user).get("/home/").content.decode()
    assert "参加理论知识考试" in page and "培育平台运营中心" not in page  # her role, not the platform's name


def test_the_item_goes_once_the_sitting_has_ended(exams, booked, time_machine):
    user, _session, theory, _reg = booked
    time_machine.move_to(theory.ends_at + dt.timedelta(minutes=1), tick=False)
    assert sittings_ahead(user) == []


def test_no_theory_item_for_an_exempt_candidate_nor_for_anyone_else(exams, booked):
    user, _session, _theory, reg = booked
    assert sittings_ahead(candidate(exams, "cand2")) == []
    reg.theory_exempt = True
    reg.save(update_fields=["theory_exempt"])
    assert sittings_ahead(user) == []


def test_no_item_once_the_session_is_cancelled(exams, booked):
    user, session, _theory, _reg = booked
    session.status = "cancelled"
    session.save(update_fields=["status"])
    assert sittings_ahead(user) == []

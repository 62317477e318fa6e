"""Multi-action endpoints dispatch through one table shared by the page and the API
(services/session_actions.py): the session page's check-in, check-out, close and delete, the platform's
key page; an unknown action is refused in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from peiyu.core.errors import InvalidInput, NotFound
from peiyu.training.models import Attendance, TrainingSession
from peiyu.training.services import attendance as att
from peiyu.training.services import session_actions as actions

from .attendance_support import at, enrol, sy_class, trainee

pytestmark = pytest.mark.django_db


def _session(world, klass):
    return att.session_create(
        actor=world.sy_inst_admin,
        klass=klass,
        data={"topic": "课程", "starts_at": at(3, 9), "ends_at": at(3, 12)},
    )


def test_the_session_table_runs_each_action_and_refuses_an_unknown_one(training, time_machine):
    klass = sy_class(training)
    s = _session(training, klass)
    e = enrol(klass, trainee(training, "李四"))
    admin = training.sy_inst_admin
    a, done = actions.session_action(
        actor=admin, session=s, action="check_in", data={"enrolment": e.pk, "at": at(3, 9)}
    )
    assert isinstance(a, Attendance) and done == "已登记签到：李四"
    _a, done = actions.session_action(
        actor=admin, session=s, action="check_out", data={"attendance": a.pk, "at": at(3, 11)}
    )
    assert done == "已登记签退"
    with pytest.raises(InvalidInput) as exc:
        actions.session_action(actor=admin, session=s, action="explode")
    assert exc.value.message == "无效的操作" and exc.value.fields == {"action": ["无效的操作"]}
    with pytest.raises(NotFound):
        actions.session_action(actor=admin, session=s, action="check_in", data={"enrolment": 0})
    time_machine.move_to(at(3, 13), tick=False)
    n, done = actions.session_action(actor=admin, session=s, action="close")
    assert done == f"已结束签到，{n} 名学员按课次结束时间签退"
    assert set(actions.SESSION_ACTIONS) == {"check_in", "check_out", "close", "delete"}


def test_the_session_page_uses_the_table(training, login_as):
    klass = sy_class(training)
    s = _session(training, klass)
    client = login_as(training.sy_inst_admin)
    url = f"/training/sessions/{s.pk}/"
    r = client.post(url, {"action": "explode"})
    assert r.status_code == 302
    assert [str(m) for m in get_messages(r.wsgi_request)] == ["无效的操作"]
    assert client.post(url, {"action": "check_in", "enrolment": 999999}).status_code == 404
    r = client.post(url, {"action": "delete"})
    assert r.status_code == 302 and r.url == f"/training/classes/{klass.pk}/sessions/"
    assert not TrainingSession.objects.filter(pk=s.pk).exists()


def test_the_key_table_refuses_an_unknown_action(training):
    with pytest.raises(InvalidInput):
        actions.platform_key_action(
            actor=training.sysadmin, platform=training.orgs["platform"], action="rotate"
        )
    assert set(actions.PLATFORM_KEY_ACTIONS) == {"create", "revoke"}

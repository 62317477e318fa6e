"""The workflow helper: table of transitions, row lock, transition log, audit; concurrent moves."""

import threading

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidTransition
from peiyu.core.workflow import Action, Workflow
from tests.testapp.models import Ticket

S = Ticket.Status
FLOW = Workflow(
    Ticket,
    {S.DRAFT: {S.SUBMITTED}, S.SUBMITTED: {S.APPROVED, S.RETURNED}, S.RETURNED: {S.SUBMITTED}},
    name="ticket",
    actions=[
        Action("submit", S.SUBMITTED, "提交", "application.submit"),
        Action("approve", S.APPROVED, "批准", "application.review"),
        Action("return", S.RETURNED, "退回", "application.review"),
    ],
)


@pytest.mark.django_db
def test_allowed_transition_writes_status_log_and_audit(world):
    t = Ticket.objects.create()
    FLOW.transition(t, S.SUBMITTED, actor=world.sy_inst_admin)
    FLOW.transition(
        t, S.RETURNED, actor=world.sy_official, reason="材料不全", changes={"comment": "请补充营业执照"}
    )
    t.refresh_from_db()
    assert t.status == S.RETURNED and t.comment == "请补充营业执照"
    assert [(h.from_status, h.to_status) for h in FLOW.history(t)] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
    ]
    event = AuditEvent.objects.filter(action="ticket.returned").get()
    assert event.before == {"status": "submitted", "comment": ""} and event.reason == "材料不全"


@pytest.mark.django_db
def test_disallowed_transition_is_refused_with_chinese_states_and_nothing_written(world):
    t = Ticket.objects.create()
    with pytest.raises(InvalidTransition) as exc:
        FLOW.transition(t, S.APPROVED, actor=world.sy_official)
    assert "草稿" in exc.value.message and "已通过" in exc.value.message and exc.value.status == 409
    t.refresh_from_db()
    assert t.status == S.DRAFT and not FLOW.history(t).exists()


@pytest.mark.django_db
def test_expected_from_narrows_a_service(world):
    t = Ticket.objects.create(status=S.RETURNED)
    with pytest.raises(InvalidTransition):
        FLOW.transition(t, S.SUBMITTED, actor=world.sy_inst_admin, expected_from={S.DRAFT})


@pytest.mark.django_db(transaction=True)
def test_two_officials_acting_at_once_move_the_state_once(world):
    """Both try submitted → approved/returned at the same moment: exactly one wins."""
    # PostgreSQL: the second waits on the row lock; SQLite: on BEGIN IMMEDIATE (file database in tests)
    t = Ticket.objects.create(status=S.SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(to, actor):
        from django.db import connections

        try:
            barrier.wait()
            FLOW.transition(Ticket(pk=t.pk), to, actor=actor)
            outcomes.append("ok")
        except InvalidTransition:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(S.APPROVED, world.sy_official)),
        threading.Thread(target=act, args=(S.RETURNED, world.dl_official)),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert FLOW.history(t).count() == 1


@pytest.mark.django_db
def test_bulk_transition_moves_every_row_with_log_and_audit_or_none(world):
    rows = [Ticket.objects.create() for _ in range(3)]
    FLOW.transition_many(rows, S.SUBMITTED, actor=world.sy_official, reason="批量")
    assert set(Ticket.objects.values_list("status", flat=True)) == {S.SUBMITTED}
    assert AuditEvent.objects.filter(action="ticket.submitted").count() == 3
    assert all(
        [(h.from_status, h.to_status) for h in FLOW.history(t)] == [("draft", "submitted")] for t in rows
    )
    extra = Ticket.objects.create()
    with pytest.raises(InvalidTransition):
        FLOW.transition_many([*rows, extra], S.APPROVED, actor=world.sy_official)
    assert set(Ticket.objects.values_list("status", flat=True)) == {S.SUBMITTED, S.DRAFT}


@pytest.mark.django_db
def test_created_writes_the_first_log_row_and_one_audit_name(world):
    t = Ticket.objects.create()
    FLOW.created(t, actor=world.sy_inst_admin)
    assert [(h.from_status, h.to_status) for h in FLOW.history(t)] == [("", "draft")]
    assert AuditEvent.objects.filter(action="ticket.created", object_id=str(t.pk)).exists()


@pytest.mark.django_db
def test_created_many_writes_one_log_row_per_object_and_one_audit_event(world):
    rows = Ticket.objects.bulk_create([Ticket() for _ in range(5)])
    holder = Ticket.objects.create()
    assert FLOW.created_many(rows, actor=world.sy_official, reason="批量导入", subject=holder) == 5
    assert all([(h.from_status, h.to_status) for h in FLOW.history(t)] == [("", "draft")] for t in rows)
    assert all(h.actor == world.sy_official and h.reason == "批量导入" for t in rows for h in FLOW.history(t))
    event = AuditEvent.objects.filter(action="ticket.created").get()
    pks = sorted(t.pk for t in rows)
    assert event.object_id == str(holder.pk) and event.reason == "批量导入"
    assert event.after == {"status": "draft", "count": 5, "ids": {"first": pks[0], "last": pks[-1]}}
    # without a subject the batch's event is on its first row; by a query the rows need no instances
    more = Ticket.objects.bulk_create([Ticket(status=S.SUBMITTED) for _ in range(2)])
    FLOW.created_many(more, actor=None, after={"source": "test"})
    FLOW.created_query(Ticket.objects.filter(pk__in=[t.pk for t in more]), actor=None, subject=holder)
    events = AuditEvent.objects.filter(action="ticket.created").order_by("seq")
    assert events.count() == 3 and events[1].object_id == str(more[0].pk)
    assert events[1].after["source"] == "test" and events[1].after["count"] == 2
    assert all(FLOW.history(t).count() == 2 for t in more)
    assert [(h.from_status, h.to_status) for h in FLOW.history(more[0])] == [("", "submitted")] * 2
    assert events[2].object_id == str(holder.pk) and events[2].after["count"] == 2
    assert FLOW.created_query(Ticket.objects.none(), actor=None, subject=holder) == 0
    assert FLOW.created_many([], actor=None) == 0
    with pytest.raises(ValueError):
        FLOW.created_many([Ticket()], actor=None)


def test_allowed_actions_follow_the_table_and_the_permission():
    t = Ticket(status=S.SUBMITTED)
    assert FLOW.allowed_actions(t) == ["approve", "return"]
    assert FLOW.allowed_actions(t, lambda a: a.capability != "application.review") == []
    assert FLOW.allowed_actions(Ticket(status=S.APPROVED)) == []


def test_a_table_naming_an_unknown_status_is_refused_at_import():
    with pytest.raises(ValueError):
        Workflow(Ticket, {S.DRAFT: {"nonsense"}}, name="ticket_bad")

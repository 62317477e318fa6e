"""Append-only audit with an SM3 hash chain; `peiyu audit verify` names the first broken row."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from peiyu.audit.chain import GENESIS, sm3_hex
from peiyu.audit.models import AuditEvent
from peiyu.audit.services import audit_record, stream_for
from peiyu.audit.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)


def _events(world, n=5):
    return [audit_record(world.sy_official, "test.event", world.orgs["sy"], after={"i": i}) for i in range(n)]


def _raw(sql, params=()):
    """Tamper as a privileged database user would: switch the append-only triggers off first."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            cur.execute(sql, params)
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016 appendix A.1: SM3("abc")
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_events_form_a_chain_per_province_stream(world):
    events = _events(world, 3)
    lane = stream_for("210000", "accounts.org", str(world.orgs["sy"].pk))
    assert lane.split(".")[0] == "210000"
    assert [e.stream for e in events] == [lane] * 3  # one object's events: one chain, in order
    assert events[0].seq + 1 == events[1].seq
    assert events[1].prev_hash == events[0].hash
    assert verify_chain().ok


def test_an_append_reads_the_head_then_writes_event_and_head_together(world):
    """After the head's locked read, the event and the head's move: one statement on PostgreSQL (a
    data-modifying WITH), two on SQLite; the event's key comes back either way and the chain holds."""
    from django.test.utils import CaptureQueriesContext

    _events(world, 1)  # the stream's head exists
    with CaptureQueriesContext(connection) as queries:
        event = _events(world, 1)[0]
    sent = [
        q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")
    ]
    assert "audit_audithead" in sent[0] and sent[0].lstrip().upper().startswith("SELECT")
    if connection.vendor == "postgresql":
        assert len(sent) == 2 and sent[1].startswith("WITH inserted AS (INSERT INTO")
    else:
        assert len(sent) == 3
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    assert verify_chain().ok


def test_a_provinces_objects_spread_over_lanes_each_a_chain_of_its_own(world, settings):
    users = list(world.users.values())[:12]
    events = [
        audit_record(None, "test.event", u, after={"i": i}, region_code="210102") for i, u in enumerate(users)
    ]
    lanes = {e.stream for e in events}
    assert len(lanes) > 1 and all(s.split(".")[0] == "210000" for s in lanes)
    assert verify_chain().ok
    settings.PEIYU_AUDIT_LANES = 1  # one lane: the province itself
    assert audit_record(None, "test.event", users[0], region_code="210102").stream == "210000"
    assert verify_chain().ok


def test_events_cannot_be_updated_or_deleted_through_the_orm_or_sql(world):
    event = _events(world, 1)[0]
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_verify_names_the_first_edited_row(world):
    events = _events(world, 6)
    _raw("UPDATE audit_auditevent SET reason = 'forged' WHERE id = %s", [events[3].pk])
    _raw("UPDATE audit_auditevent SET reason = 'forged too' WHERE id = %s", [events[4].pk])
    result = verify_chain()
    assert not result.ok
    brk = next(b for b in result.breaks if b.stream == events[0].stream)
    assert (brk.event_id, brk.seq, brk.problem) == (events[3].pk, events[3].seq, "edited")


def test_verify_names_a_deleted_row(world):
    events = _events(world, 5)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    brk = verify_chain().breaks[0]
    assert (brk.seq, brk.problem) == (events[2].seq, "deleted")


def test_verify_detects_a_recomputed_row_that_breaks_the_link(world):
    from peiyu.audit.chain import row_hash

    events = _events(world, 4)
    row = AuditEvent.objects.filter(pk=events[1].pk).values()[0]
    row["reason"] = "rewritten with a fresh hash"
    new_hash = row_hash(row["prev_hash"], row)
    _raw(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
        [row["reason"], new_hash, events[1].pk],
    )
    brk = verify_chain().breaks[0]
    assert (brk.event_id, brk.problem) == (events[2].pk, "relinked")


def test_verify_detects_a_truncated_tail(world):
    events = _events(world, 3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    brk = verify_chain().breaks[0]
    assert brk.problem == "truncated"


def test_audit_verify_command_exits_non_zero_and_names_the_row(world, capsys):
    events = _events(world, 3)
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    assert f"id={events[1].pk}" in err and "内容被修改" in err


def test_system_events_go_to_the_national_stream():
    event = audit_record(None, "system.test", None)
    assert event.stream == "national" and event.prev_hash == GENESIS and event.actor_repr == "system"

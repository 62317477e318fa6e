"""The fast paths of the computer-based exam (issue 13, benchmarks 14 a and b): attempts prepared when
the sitting opens, a start as one conditional update that a second start cannot repeat, the paper sent
as JSON joined from the form's fragments, and the autosave by the device cookie as one statement that
refuses a stale revision, a wrong device and a wrong form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.audit.chain import GENESIS
from peiyu.audit.models import AuditEvent, AuditHead
from peiyu.audit.services import province_streams
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.models import TransitionLog
from peiyu.exams.flows import ATTEMPT_FLOW
from peiyu.exams.models import Attempt, AttemptEvent, ResumeRequest
from peiyu.exams.selectors.cbt import candidate_items, content_by_id, forget_cached_papers
from peiyu.exams.services import cbt
from peiyu.exams.services import sittings as sit
from peiyu.exams.services.cbt_answers import answers_save_for_device
from peiyu.exams.services.cbt_prepare import attempts_prepare

from . import factories
from .cbt_support import build_exam
from .sessions_support import supervisor_for

A = Attempt.Status


@pytest.fixture
def exam(exams, time_machine):
    e = build_exam(exams, candidates=4)
    time_machine.move_to(e.start + dt.timedelta(minutes=1), tick=False)
    return e


def _start(exam, i=0, **kw):
    reg, id_number = exam.candidates[i]
    return cbt.cbt_start(id_number=id_number, ticket_number=reg.ticket_number, address="10.0.0.1", **kw)


def _single(attempt):
    content = content_by_id(attempt.paper_id, now=attempt.started_at)
    return str(next(i["position"] for i in content["items"] if i["type"] == "single"))


def test_opening_a_theory_sitting_prepares_every_candidate_attempt_with_form_and_seed_and_one_audit_event(
    exams, time_machine
):
    forget_cached_papers()
    bank = factories.bank(exams.orgs["cd_social1"], exams.users["cd_setter"], per_cell=1.0)
    session = factories.session(exams, status="exam", bank_=bank)
    for form in ("A", "B"):
        factories.sealed_paper(session, form=form)
    sitting = factories.sitting(session, proctor=exams.users["cd_proctor"])
    regs = []
    for i in range(3):
        person = factories.person(f"考生{i + 1}", f"51010719900101{i:02d}2"[:17])
        regs.append(factories.registration(session, person, seat=f"{i + 1:02d}", theory_sitting=sitting))
    supervisor_for(exams, sitting)
    sit.sitting_open(actor=exams.users["cd_proctor"], sitting=sitting)
    attempts = {a.registration_id: a for a in Attempt.objects.filter(sitting=sitting).select_related("paper")}
    assert set(attempts) == {r.pk for r in regs}
    assert all(a.status == A.NOT_STARTED and a.shuffle_seed.startswith("2.") for a in attempts.values())
    assert len({a.shuffle_seed for a in attempts.values()}) == 3
    # the form by seat: neighbours never share one
    assert [attempts[r.pk].paper.form for r in regs] == ["A", "B", "A"]
    logs = TransitionLog.objects.filter(subject_type="exams.attempt", to_status="not_started")
    assert logs.count() == 3
    batch = AuditEvent.objects.get(action="exam_attempt.created", object_id=str(sitting.pk))
    assert batch.after["count"] == 3 and batch.after["forms"] == ["A", "B"]
    # a second preparation finds nobody left to prepare
    assert attempts_prepare(actor=None, sitting=sitting) == 0


def test_a_prepared_attempt_starts_with_its_recorded_seed_log_event_and_audit(exam):
    assert attempts_prepare(actor=None, sitting=exam.sitting) == 4
    prepared = Attempt.objects.get(registration=exam.candidates[1][0])
    started = _start(exam, 1)
    a = Attempt.objects.get(pk=prepared.pk)
    assert started.attempt.pk == a.pk and a.status == A.IN_PROGRESS
    assert a.shuffle_seed == prepared.shuffle_seed and a.paper_id == prepared.paper_id
    assert a.deadline_at == exam.sitting.ends_at and a.devices == 1
    assert a.device_token == cbt.device_digest(started.cookie.split(".", 1)[1])
    assert started.cookie.startswith(f"{a.pk}-{a.paper_id}.")
    assert TransitionLog.objects.filter(subject_id=str(a.pk), from_status="not_started", to_status="in_progress").count() == 1  # fmt: skip
    event = AuditEvent.objects.get(action="exam_attempt.in_progress", object_id=str(a.pk))
    assert event.after["seed"] == a.shuffle_seed and event.after["by"] == "candidate"
    assert AttemptEvent.objects.filter(attempt=a, kind="started").count() == 1


def test_a_start_cannot_happen_twice_the_second_device_waits_for_the_proctor(exam):
    attempts_prepare(actor=None, sitting=exam.sitting)
    stale = Attempt.objects.get(registration=exam.candidates[0][0])  # read before anyone started
    first = _start(exam)
    # a concurrent start that read the attempt as not started finds it moved: nothing written
    moved = ATTEMPT_FLOW.transition_if(
        stale, A.IN_PROGRESS, expected_from=[A.NOT_STARTED], actor=None, changes={"devices": 5}
    )
    assert moved is False
    again = _start(exam)  # another computer, no cookie: a resumption request, not a second start
    assert again.waiting is not None and again.waiting.status == ResumeRequest.Status.PENDING
    a = Attempt.objects.get(pk=first.attempt.pk)
    assert a.devices == 1 and a.started_at == first.attempt.started_at
    assert TransitionLog.objects.filter(subject_id=str(a.pk), to_status="in_progress").count() == 1
    assert AuditEvent.objects.filter(action="exam_attempt.in_progress", object_id=str(a.pk)).count() == 1


def test_the_start_sends_the_candidates_items_in_her_order_without_any_answer(exam):
    attempts_prepare(actor=None, sitting=exam.sitting)
    client = Client()
    reg, id_number = exam.candidates[2]
    response = client.post("/api/v1/exams/cbt/start", json.dumps({"id_number": id_number, "ticket_number": reg.ticket_number}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    a = Attempt.objects.get(registration=reg)
    content = content_by_id(a.paper_id, now=a.started_at)
    expected = candidate_items(content, a.shuffle_seed)
    for item in expected:
        item["response"] = None
    assert body["items"] == expected and body["status"] == "in_progress" and body["revision"] == 0
    assert body["seconds_left"] > 0 and body["deadline_at"].endswith("+08:00")
    assert "answer" not in response.content.decode() and "reference" not in response.content.decode()


def test_the_device_autosave_is_one_statement_and_refuses_stale_revisions_other_devices_and_forms(exam):
    attempts_prepare(actor=None, sitting=exam.sitting)
    started = _start(exam)
    a = started.attempt
    pos = _single(a)
    with CaptureQueriesContext(connection) as queries:
        assert answers_save_for_device(started.cookie, revision=0, answers={pos: "c"}) == 1
    assert not any(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    assert Attempt.objects.get(pk=a.pk).answers == {pos: "C"}
    assert AttemptEvent.objects.filter(attempt=a, kind="saving").count() == 1
    other = next(p for p in map(str, range(1, 200)) if p != pos and p in {str(i["position"]) for i in content_by_id(a.paper_id, now=a.started_at)["items"] if i["type"] == "true_false"})  # fmt: skip
    assert answers_save_for_device(started.cookie, revision=1, answers={other: "T", pos: None}) == 2
    stored = Attempt.objects.get(pk=a.pk)
    assert stored.answers == {other: "T"} and stored.revision == 2
    assert AttemptEvent.objects.filter(attempt=a, kind="saving").count() == 1  # one per stretch
    # a tab still holding revision 1 loses nothing newer
    with pytest.raises(Conflict) as stale:
        answers_save_for_device(started.cookie, revision=1, answers={pos: "A"})
    assert stale.value.code == "stale_revision" and stale.value.details["revision"] == 2
    # a cookie naming another form (one this process has read) stores nothing
    other_form = next(p.pk for p in exam.papers if p.pk != a.paper_id)
    content_by_id(other_form, now=a.started_at)
    forged = started.cookie.replace(f"-{a.paper_id}.", f"-{other_form}.")
    with pytest.raises((Conflict, NotFound, InvalidInput)):
        answers_save_for_device(forged, revision=2, answers={pos: "B"})
    # a wrong secret is a stranger
    with pytest.raises(NotFound):
        answers_save_for_device(started.cookie[:-4] + "xxxx", revision=2, answers={pos: "B"})
    assert Attempt.objects.get(pk=a.pk).answers == {other: "T"}
    # after a stretch without activity, the next save opens a new one
    later = stored.last_seen_at + cbt.SAVE_STRETCH + dt.timedelta(seconds=1)
    assert answers_save_for_device(started.cookie, revision=2, answers={pos: "D"}, now=later) == 3
    assert AttemptEvent.objects.filter(attempt=a, kind="saving").count() == 2


def test_a_device_save_after_the_deadline_submits_the_attempt_and_stores_nothing(exam):
    attempts_prepare(actor=None, sitting=exam.sitting)
    started = _start(exam)
    pos = _single(started.attempt)
    late = started.attempt.deadline_at + dt.timedelta(seconds=1)
    with pytest.raises(Conflict) as refused:
        answers_save_for_device(started.cookie, revision=0, answers={pos: "A"}, now=late)
    assert refused.value.code in ("deadline_passed", "attempt_finished")
    a = Attempt.objects.get(pk=started.attempt.pk)
    assert a.status == A.AUTO_SUBMITTED and a.answers == {} and a.revision == 0


def test_the_json_start_of_a_prepared_attempt_reads_nothing_more_than_the_service(exam):
    """The answer is written from the instances the one row gave (core.bulk.row_instance): a field it
    shows that the row did not hold would be loaded by a query of its own."""
    attempts_prepare(actor=None, sitting=exam.sitting)
    _start(exam, 0)  # opens form A in this process
    reg, id_number = exam.candidates[2]  # form A too
    for stream in province_streams(exam.session.region_code):
        AuditHead.objects.get_or_create(stream=stream, defaults={"seq": 0, "hash": GENESIS})
    body = json.dumps({"id_number": id_number, "ticket_number": reg.ticket_number})
    with CaptureQueriesContext(connection) as queries:
        response = Client().post("/api/v1/exams/cbt/start", body, content_type="application/json")
    assert response.status_code == 200, response.content
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 2, reads
    shown = response.json()
    assert shown["status"] == "in_progress" and shown["revision"] == 0 and shown["leaves"] == 0
    paper_id = Attempt.objects.get(registration=reg).paper_id
    assert len(shown["items"]) == len(content_by_id(paper_id, now=exam.start)["items"])


def test_once_the_form_is_open_in_this_process_a_start_reads_one_row_and_writes_one_transaction(exam):
    attempts_prepare(actor=None, sitting=exam.sitting)
    _start(exam, 0)  # seat 01: opens form A in this process (the ordinary path reads and checks it)
    reg = exam.candidates[2][0]  # seat 03: form A too
    prepared = Attempt.objects.get(registration=reg)
    for stream in province_streams(exam.session.region_code):  # every lane of the audit chain in use
        AuditHead.objects.get_or_create(stream=stream, defaults={"seq": 0, "hash": GENESIS})
    with CaptureQueriesContext(connection) as queries:
        started = _start(exam, 2)
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    # the pair's row (registration, session, sitting, attempt, form) and the audit stream's head
    assert len(reads) == 2 and reads[0].startswith("SELECT r.id") and "audit_audithead" in reads[1]
    a = Attempt.objects.get(pk=prepared.pk)
    assert (
        started.attempt.pk == a.pk and a.status == A.IN_PROGRESS and a.shuffle_seed == prepared.shuffle_seed
    )
    assert a.deadline_at == exam.sitting.ends_at
    event = AuditEvent.objects.get(action="exam_attempt.in_progress", object_id=str(a.pk))
    assert event.region_code == exam.session.region_code and event.after["form"] == "A"
    # a wrong pair is still refused (by the ordinary path) and counted
    with pytest.raises(InvalidInput) as wrong:
        cbt.cbt_start(id_number=exam.candidates[1][1], ticket_number=reg.ticket_number, address="10.0.0.9")
    assert wrong.value.code == "identity_refused"

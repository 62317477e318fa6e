"""The candidate's side of the computer-based exam (EVL-6): identity check, device binding, resumption
approved by the proctor, autosave with revisions, leaving counted, submission and automatic submission
at the server's deadline, objective scoring on submission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.models import TransitionLog
from peiyu.exams.models import Attempt, AttemptEvent, ResumeRequest
from peiyu.exams.selectors.cbt import attempt_for_page, content_by_id
from peiyu.exams.services import cbt
from peiyu.exams.services.proctor import attempt_void, resume_decide

from .cbt_support import build_exam


@pytest.fixture
def exam(exams, time_machine):
    e = build_exam(exams)
    time_machine.move_to(e.start + dt.timedelta(minutes=1), tick=False)
    return e


def _start(exam, i=0, **kw):
    reg, id_number = exam.candidates[i]
    return cbt.cbt_start(id_number=id_number, ticket_number=reg.ticket_number, address="10.0.0.1", **kw)


def _answers_for(attempt, *, right=True):
    content = content_by_id(attempt.paper_id, now=attempt.started_at)
    out = {}
    for item in content["items"]:
        if item["type"] == "short":
            out[str(item["position"])] = "要点一、要点二"
        elif item["type"] == "fill":
            out[str(item["position"])] = item["answer"][0] if right else "不对"
        elif right:
            out[str(item["position"])] = item["answer"]
        else:
            out[str(item["position"])] = {"T": "F", "F": "T"}.get(
                item["answer"], "A" if item["answer"] != "A" else "B"
            )
    return out


def test_the_pair_of_id_number_and_ticket_starts_the_attempt_with_seed_form_and_server_deadline(exam):
    started = _start(exam)
    a = started.attempt
    assert (
        a.status == Attempt.Status.IN_PROGRESS
        and a.shuffle_seed.startswith("2.")
        and len(a.shuffle_seed) == 34
    )
    assert a.deadline_at == min(a.started_at + dt.timedelta(minutes=90), exam.sitting.ends_at)
    assert a.deadline_at == exam.sitting.ends_at  # started a minute late: no extra time
    assert a.devices == 1 and a.device_token == cbt.device_digest(started.cookie.split(".", 1)[1])
    assert started.cookie.split(".", 1)[1] not in a.device_token
    assert TransitionLog.objects.filter(subject_id=str(a.pk), to_status="in_progress").exists()
    assert AuditEvent.objects.filter(action="exam_attempt.created").count() == 1
    # seats 01 and 02 sit different forms
    second = _start(exam, 1).attempt
    assert {a.paper.form, second.paper.form} == {"A", "B"}


def test_a_wrong_id_number_is_refused_like_an_unknown_ticket_and_guessing_is_stopped(exam):
    reg, id_number = exam.candidates[0]
    other = exam.candidates[1][1]
    with pytest.raises(InvalidInput) as wrong:
        cbt.cbt_start(id_number=other, ticket_number=reg.ticket_number, address="10.0.0.9")
    with pytest.raises(InvalidInput) as unknown:
        cbt.cbt_start(id_number=id_number, ticket_number="KS999", address="10.0.0.9")
    assert wrong.value.message == unknown.value.message
    for _ in range(cbt.GUESS_LIMIT):
        with pytest.raises(InvalidInput):
            cbt.cbt_start(id_number=other, ticket_number=reg.ticket_number, address="10.0.0.8")
    with pytest.raises(InvalidInput) as throttled:  # even the right pair, from that address
        cbt.cbt_start(id_number=id_number, ticket_number=reg.ticket_number, address="10.0.0.8")
    assert throttled.value.code == "throttled"
    assert not Attempt.objects.exists()


def test_a_sitting_not_open_refuses_the_identity_check(exam):
    exam.sitting.status = "scheduled"
    exam.sitting.save()
    with pytest.raises(InvalidInput):
        _start(exam)


def test_the_sealed_paper_is_not_opened_before_its_time(exam, time_machine):
    time_machine.move_to(exam.start - dt.timedelta(minutes=5), tick=False)
    with pytest.raises(Conflict) as refused:
        _start(exam)
    assert refused.value.code == "paper_not_open_yet"


def test_the_candidate_sees_her_items_in_her_order_without_answers(exam):
    a = _start(exam).attempt
    view = attempt_for_page(a, now=a.started_at)
    assert len(view["items"]) == len(content_by_id(a.paper_id, now=a.started_at)["items"])
    assert all("answer" not in item and "criteria" not in item for item in view["items"])
    other = _start(exam, 2).attempt
    if other.paper_id == a.paper_id:
        assert [i["position"] for i in attempt_for_page(other, now=a.started_at)["items"]] != [
            i["position"] for i in view["items"]
        ]


def test_autosave_keeps_answers_over_a_reload_and_a_stale_revision_is_refused(exam):
    started = _start(exam)
    a = cbt.attempt_for_device(started.cookie)
    first = next(i for i in attempt_for_page(a, now=a.started_at)["items"] if i["type"] == "single")
    pos = str(first["position"])
    a = cbt.answers_save(attempt=a, revision=0, answers={pos: "C"})
    assert a.revision == 1
    reloaded = cbt.attempt_for_device(started.cookie)
    assert reloaded.answers == {pos: "C"} and reloaded.revision == 1
    stale = Attempt.objects.get(pk=a.pk)
    with pytest.raises(Conflict) as refused:
        cbt.answers_save(attempt=stale, revision=0, answers={pos: "A"})
    assert refused.value.code == "stale_revision" and refused.value.details["revision"] == 1
    assert Attempt.objects.get(pk=a.pk).answers == {pos: "C"}
    with pytest.raises(InvalidInput):
        cbt.answers_save(attempt=reloaded, revision=1, answers={pos: "AB"})
    # one event for a stretch of saving, not one per save
    cbt.answers_save(attempt=reloaded, revision=1, answers={pos: "B"})
    assert AttemptEvent.objects.filter(attempt=a, kind="saving").count() == 1


def test_another_device_waits_until_the_proctor_approves_and_the_answers_are_kept(exam):
    laptop = _start(exam)
    a = cbt.attempt_for_device(laptop.cookie)
    pos = next(iter(content_by_id(a.paper_id, now=a.started_at)["items"]))["position"]
    cbt.answers_save(attempt=a, revision=0, answers={str(pos): "B"})
    spare = _start(exam)  # the laptop crashed: another computer, no cookie
    assert spare.waiting is not None and spare.waiting.status == ResumeRequest.Status.PENDING
    with pytest.raises(Conflict) as waiting:
        cbt.attempt_for_device(spare.cookie)
    assert waiting.value.code == "resume_pending"
    resume_decide(actor=exam.world.users["cd_proctor"], request=spare.waiting, approve=True, note="电脑死机")
    resumed = cbt.attempt_for_device(spare.cookie)
    assert resumed.pk == a.pk and resumed.answers == {str(pos): "B"} and resumed.devices == 2
    with pytest.raises(NotFound):  # the old device is no longer bound
        cbt.attempt_for_device(laptop.cookie)
    assert AuditEvent.objects.filter(action="exam_attempt.device_bound").exists()


def test_a_refused_resumption_keeps_the_other_device_out(exam):
    _start(exam)
    spare = _start(exam)
    resume_decide(actor=exam.world.users["cd_proctor"], request=spare.waiting, approve=False, note="身份存疑")
    with pytest.raises(Conflict) as refused:
        cbt.attempt_for_device(spare.cookie)
    assert refused.value.code == "resume_refused"


def test_another_institutions_proctor_cannot_decide_a_resumption(exam):
    from tests.personas import _user

    _start(exam)
    spare = _start(exam)
    stranger = _user(exam.world, "emp_proctor", exam.world.orgs["cd_employer"], "exam_staff")
    with pytest.raises(NotFound):
        resume_decide(actor=stranger, request=spare.waiting, approve=True)


def test_leaving_the_page_is_counted_and_recorded(exam):
    started = _start(exam)
    a = cbt.attempt_for_device(started.cookie)
    cbt.attempt_leave(attempt=a, kind="hidden")
    cbt.attempt_leave(attempt=a, kind="blur")
    assert Attempt.objects.get(pk=a.pk).leaves == 2
    assert AttemptEvent.objects.filter(attempt=a, kind="left").count() == 2


def test_submission_scores_objective_items_and_refuses_a_second_submission(exam):
    started = _start(exam)
    a = cbt.attempt_for_device(started.cookie)
    a = cbt.answers_save(attempt=a, revision=0, answers=_answers_for(a))
    done = cbt.attempt_submit(attempt=a)
    assert done.status == Attempt.Status.SUBMITTED
    assert done.objective_score == Decimal("90.0")  # every objective item right; 2 short answers of 5 wait
    assert done.score is None
    event = AuditEvent.objects.get(action="exam_attempt.submitted")
    assert event.after["revision"] == 1 and len(event.after["answers_sm3"]) == 64
    with pytest.raises(Conflict):
        cbt.attempt_submit(attempt=a)
    with pytest.raises(Conflict):
        cbt.answers_save(attempt=done, revision=1, answers={})


def test_a_form_without_short_answers_gives_the_theory_score_at_once(exams, time_machine):
    e = build_exam(exams, short=False)
    time_machine.move_to(e.start + dt.timedelta(minutes=1), tick=False)
    a = _start(e).attempt
    a = cbt.answers_save(attempt=a, revision=0, answers=_answers_for(a, right=False))
    done = cbt.attempt_submit(attempt=a)
    assert done.objective_score == Decimal("0.0") and done.score == Decimal("0.0")
    done.registration.refresh_from_db()
    assert done.registration.theory_score == Decimal("0.0")


def test_the_deadline_submits_automatically_by_the_tick_and_on_access(exam, time_machine):
    first = _start(exam)
    second = _start(exam, 1)
    a = cbt.attempt_for_device(first.cookie)
    time_machine.move_to(exam.sitting.ends_at + dt.timedelta(seconds=1), tick=False)
    with pytest.raises(Conflict) as late:
        cbt.answers_save(attempt=a, revision=0, answers={"1": "A"})
    assert late.value.code == "deadline_passed"
    assert Attempt.objects.get(pk=a.pk).status == Attempt.Status.AUTO_SUBMITTED
    assert cbt.attempts_auto_submit_due(exam.sitting.ends_at + dt.timedelta(seconds=2)) == 1
    assert Attempt.objects.get(pk=second.attempt.pk).status == Attempt.Status.AUTO_SUBMITTED
    assert cbt.attempts_auto_submit_due(exam.sitting.ends_at + dt.timedelta(seconds=3)) == 0  # idempotent
    assert Attempt.objects.get(pk=a.pk).submitted_at == a.deadline_at


def test_the_proctor_voids_an_attempt_with_a_reason(exam):
    a = _start(exam).attempt
    attempt_void(actor=exam.world.users["cd_proctor"], attempt=a, reason="替考，已核实")
    assert Attempt.objects.get(pk=a.pk).status == Attempt.Status.VOIDED
    with pytest.raises(Conflict):
        _start(exam)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_an_autosave_finds_its_attempt_by_key_even_before_the_forms_have_statistics(exam):
    """A session's forms are new while its exam runs: the save must not read every attempt of a form."""
    from peiyu.core.sql import prepared_cursor
    from peiyu.exams.services import cbt_answers

    started = [_start(exam, i) for i in range(3)]
    a = cbt.attempt_for_device(started[0].cookie)
    statements: list[tuple[str, list]] = []
    real = prepared_cursor

    class Explaining:
        def __enter__(self):
            self.inner = real()
            cur = self.inner.__enter__()

            class Recording:  # the connection keeps its cursor: record through a wrapper, never patch it
                def execute(self, sql, params=()):
                    statements.append((sql, list(params)))
                    return cur.execute(sql, params)

                def __getattr__(self, name):
                    return getattr(cur, name)

            return Recording()

        def __exit__(self, *exc):
            return self.inner.__exit__(*exc)

    cbt_answers.prepared_cursor = Explaining
    try:
        cbt.answers_save(attempt=a, revision=0, answers={})
    finally:
        cbt_answers.prepared_cursor = real
    [(sql, params)] = statements
    with connection.cursor() as cursor:  # a table this small may be read whole: ask for an index
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "exams_attempt_pkey" in plan and "exams_attempt_paper_id" not in plan, plan

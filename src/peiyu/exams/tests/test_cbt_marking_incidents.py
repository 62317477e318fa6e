"""Objective scoring per item type and the batch scorer (EVL-6, EVL-7); double marking of short answers
with a third examiner beyond the margin (EVL-6); incidents reaching the right to-do lists with their
deadlines, acknowledged away (EVL-11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.calendar import add_working_days
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.registry import todo_for
from peiyu.exams.models import Attempt, Incident
from peiyu.exams.rules.cbt import normalise_text, score_item
from peiyu.exams.rules.marking import final_mark
from peiyu.exams.selectors.cbt import content_by_id
from peiyu.exams.services import cbt
from peiyu.exams.services.cbt_scoring import session_score_objective
from peiyu.exams.services.incidents import incident_acknowledge, incident_record
from peiyu.exams.services.marking import mark_record

from . import factories
from .cbt_support import build_exam, marking_panel

D = Decimal


def test_each_objective_type_is_scored_by_its_rule():
    assert score_item("single", "B", "B") and not score_item("single", "B", "C")
    assert score_item("true_false", "T", "T") and not score_item("true_false", "T", "F")
    assert score_item("multiple", "AC", "AC")
    assert not score_item("multiple", "ACD", "AC")  # partial: nothing
    assert not score_item("multiple", "AC", "ACD")  # an extra letter: nothing
    assert score_item("fill", ["欧姆定律", "Ohm's law"], "  欧姆 定律 ")
    assert score_item("fill", ["220V"], "２２０ｖ")  # full-width digits and letter
    assert score_item("fill", ["Ohm's law"], "OHM'S LAW")
    assert not score_item("fill", ["220V"], "380V") and not score_item("single", "A", None)
    assert normalise_text("Ａ\u3000Ｂ c") == "abc"


def test_two_marks_within_the_margin_average_and_a_third_arbitrates_beyond_it():
    assert final_mark([D(4), D(5)], D(3)) == D("4.5")
    assert final_mark([D(1), D(5)], D(3)) is None  # differ by 4 > 3: waits for a third
    assert final_mark([D(1), D(5), D(4)], D(3)) == D("4.5")  # the nearer (5) with the third
    assert final_mark([D(1), D(5), D(3)], D(3)) == D("4.0")  # a tie: the higher
    assert final_mark([D(4)], D(3)) is None


@pytest.fixture
def submitted(exams, time_machine):
    e = build_exam(exams, candidates=2)
    time_machine.move_to(e.start + dt.timedelta(minutes=1), tick=False)
    for i, (reg, id_number) in enumerate(e.candidates):
        started = cbt.cbt_start(id_number=id_number, ticket_number=reg.ticket_number)
        a = started.attempt
        content = content_by_id(a.paper_id, now=a.started_at)
        answers = {str(it["position"]): (it["answer"][0] if it["type"] == "fill" else it["answer"])
                   for it in content["items"] if it["type"] != "short"}  # fmt: skip
        if i == 1:
            answers = {k: v for k, v in list(answers.items())[:10]}
        for it in content["items"]:
            if it["type"] == "short":
                answers[str(it["position"])] = "安全第一，先断电后验电"
        cbt.answers_save(attempt=a, revision=0, answers=answers)
        cbt.attempt_submit(attempt=a)
    return e


def test_the_batch_scorer_writes_the_same_scores_as_submission(submitted):
    before = {a.pk: a.objective_score for a in Attempt.objects.all()}
    Attempt.objects.update(objective_score=None)
    run = session_score_objective(actor=submitted.world.users["cd_exam_admin"], session=submitted.session)
    assert run.attempts == 2
    assert {a.pk: a.objective_score for a in Attempt.objects.all()} == before
    assert AuditEvent.objects.filter(action="evaluation_session.objective_scored").count() == 1


def test_the_batch_scorer_is_refused_to_another_institution(submitted):
    with pytest.raises(NotFound):
        session_score_objective(actor=submitted.world.users["cd_employer_exam"], session=submitted.session)


def test_short_answers_are_marked_twice_blind_and_a_third_examiner_decides_beyond_the_margin(submitted):
    e1, e2, e3 = submitted.world.examiners[:3]
    marking_panel(submitted, [e1, e2, e3])
    attempt = Attempt.objects.order_by("pk").first()
    shorts = [it["position"] for it in content_by_id(attempt.paper_id, now=attempt.started_at)["items"]
              if it["type"] == "short"]  # fmt: skip
    u = submitted.world.users
    mark_record(actor=u["cd_examiner1"], attempt=attempt, position=shorts[0], score="4")
    with pytest.raises(Conflict):
        mark_record(actor=u["cd_examiner1"], attempt=attempt, position=shorts[0], score="5")
    mark_record(actor=u["cd_examiner2"], attempt=attempt, position=shorts[0], score="5")
    with pytest.raises(Conflict):  # within the margin: no third mark
        mark_record(actor=u["cd_examiner3"], attempt=attempt, position=shorts[0], score="1")
    mark_record(actor=u["cd_examiner1"], attempt=attempt, position=shorts[1], score="0.5")
    mark_record(actor=u["cd_examiner2"], attempt=attempt, position=shorts[1], score="5")
    attempt.refresh_from_db()
    assert attempt.score is None  # the second answer waits for a third mark
    with pytest.raises(InvalidInput):
        mark_record(
            actor=u["cd_examiner3"], attempt=attempt, position=shorts[1], score="6"
        )  # over the points
    mark_record(actor=u["cd_examiner3"], attempt=attempt, position=shorts[1], score="4")
    attempt.refresh_from_db()
    assert attempt.subjective_score == D("9.0")  # 4.5 + (5 + 4) / 2
    assert attempt.score == attempt.objective_score + D("9.0")
    attempt.registration.refresh_from_db()
    assert attempt.registration.theory_score == attempt.score
    with pytest.raises(NotFound):  # not on the marking panel
        mark_record(actor=u["cd_examiner4"], attempt=attempt, position=shorts[0], score="3")


def test_the_margin_comes_from_the_policy_profile(submitted):
    from peiyu.core.policy import policy_for

    assert policy_for("skill", "510107")["marking_margin_points"] == 3


def _hubei_exam(world):
    hb = world.orgs["hb_eval"]
    lst = world.listings["hb_ai"]
    lst.recommender = world.orgs["ia"]
    lst.save()
    bank = factories.bank(hb, world.users["hb_eval_admin"], occupation=factories.AI, level="初级", per_cell=1.0,
                          programme="dte")  # fmt: skip
    session = factories.session(world, status="exam", listing_key="hb_ai", level="初级", bank_=bank)
    return factories.sitting(session, status="open")


def test_a_severe_dte_incident_reaches_the_bureau_the_industry_authority_and_the_coordination_group(exams):
    from tests.personas import _user

    sitting = _hubei_exam(exams)
    proctor = _user(exams, "hb_proctor", exams.orgs["hb_eval"], "exam_staff")
    incident = incident_record(actor=proctor, sitting=sitting, reason="leak", description="考前发现试题外传")
    assert incident.status == Incident.Status.REPORTED and incident.severe
    due = add_working_days(factories.DAY.date(), 1)
    assert incident.report_due_on == due
    kinds = {r["kind"]: r["org"] for r in incident.reports}
    assert kinds == {"hrss": exams.orgs["hb"].pk, "industry_authority": exams.orgs["ia"].pk,
                     "coordination_group": exams.orgs["cg"].pk}  # fmt: skip
    for user in ("hb_official", "ia_official", "cg_official"):
        todos = [t for t in todo_for(exams.users[user]) if t.kind == "exam_incident"]
        assert len(todos) == 1 and todos[0].deadline == due and todos[0].rule == "EVL-11", user
    assert not [t for t in todo_for(exams.users["cd_official"]) if t.kind == "exam_incident"]
    incident_acknowledge(actor=exams.users["ia_official"], incident=incident)
    assert not [t for t in todo_for(exams.users["ia_official"]) if t.kind == "exam_incident"]
    assert [t for t in todo_for(exams.users["cg_official"]) if t.kind == "exam_incident"]
    with pytest.raises(NotFound):
        incident_acknowledge(actor=exams.users["cd_official"], incident=incident)


def test_a_minor_incident_is_recorded_without_a_report(submitted):
    incident = incident_record(actor=submitted.world.users["cd_proctor"], sitting=submitted.sitting, reason="device",
                               description="3号机蓝屏，已换机")  # fmt: skip
    assert incident.status == Incident.Status.RECORDED and incident.reports == []
    assert not [t for t in todo_for(submitted.world.users["cd_official"]) if t.kind == "exam_incident"]


def test_a_chengdu_cheating_incident_goes_to_the_city_bureau_only(submitted):
    incident = incident_record(actor=submitted.world.users["cd_proctor"], sitting=submitted.sitting,
                               reason="cheating", description="夹带纸条", registration=submitted.candidates[0][0])  # fmt: skip
    assert [r["kind"] for r in incident.reports] == ["hrss"]
    assert [t for t in todo_for(submitted.world.users["cd_official"]) if t.kind == "exam_incident"]
    with pytest.raises(InvalidInput):
        incident_record(actor=submitted.world.users["cd_proctor"], sitting=submitted.sitting, reason="nonsense",
                        description="")  # fmt: skip

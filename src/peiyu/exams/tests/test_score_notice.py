"""Score release and the score notice (EVL-5), objections and re-marking, finalising into the passing
list (certificate data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.exams.models import EvaluationSession, PassingList, Registration, ScoreNotice, ScoreObjection
from peiyu.exams.selectors import scores as selectors
from peiyu.exams.services import notices, objections, passing
from peiyu.exams.tests.scores_support import BEIJING, PUBLISH_AT, graded_session, regs

S = EvaluationSession.Status


@pytest.fixture
def graded(exams, time_machine):
    time_machine.move_to(PUBLISH_AT, tick=False)
    return graded_session(exams)


def _object(notice: ScoreNotice, reg: Registration, phone: str = "13800138000") -> ScoreObjection:
    return objections.objection_submit(
        notice=notice, registration_id=reg.pk, name="陈异议", phone=phone,
        content="该考生实操考核时我在场，评分明显偏低，请求复核。", address="10.0.0.1",
    )  # fmt: skip


def test_publishing_refused_until_every_candidate_is_scored(exams, time_machine):
    time_machine.move_to(PUBLISH_AT, tick=False)
    session = graded_session(exams, complete=False)
    with pytest.raises(RuleViolation) as exc:
        notices.notice_publish(actor=exams.cd_exam_admin, session=session)
    assert exc.value.rules == ["EVL-5"]
    assert "技能操作" in exc.value.message and "评分完成后方可公示" in exc.value.message
    session.refresh_from_db()
    assert session.status == S.GRADING and not ScoreNotice.objects.exists()
    assert not Registration.objects.filter(session=session, released_at__isnull=False).exists()


def test_an_absent_candidate_counts_as_graded(exams, time_machine):
    time_machine.move_to(PUBLISH_AT, tick=False)
    session = graded_session(exams, complete=False)
    missing = regs(session)[2]
    Registration.objects.filter(pk=missing.pk).update(theory_score=None)  # sat neither part
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=session)
    assert notice.status == ScoreNotice.Status.PUBLISHED
    missing.refresh_from_db()
    assert missing.result == Registration.Result.ABSENT


def test_publishing_releases_scores_and_counts_working_days_over_the_holiday(graded, exams):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    # published Friday 2026-04-03; counting from the next day skips Qingming (04-04…04-06) and a weekend
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        dt.date(2026, 4, 3),
        dt.date(2026, 4, 13),
        5,
    )
    assert notices.notice_period_text(notice) == "2026-04-03 至 2026-04-13（5个工作日），自发布次日起算"
    graded.refresh_from_db()
    assert graded.status == S.NOTICE
    results = {r.person.name: r.result for r in regs(graded)}
    assert results == {"王小明": "passed", "李小红": "passed", "张大力": "failed", "赵免考": "passed"}
    assert all(r.released_at for r in regs(graded))
    decision = notice.decision
    assert decision.kind == "score_notice" and "EVL-5" in decision.rules
    assert decision.policy_name == "chengdu-skill"
    assert TransitionLog.objects.filter(subject_type="exams.evaluationsession", to_status="notice").exists()
    assert AuditEvent.objects.filter(action="exam_scores.released").exists()


def test_publishing_in_another_institution_looks_missing(graded, exams):
    with pytest.raises(NotFound):
        notices.notice_publish(actor=exams.cd_employer_exam, session=graded)


def test_the_public_list_masks_names_and_tickets(graded, exams):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    rows = selectors.public_rows(notice)
    assert [r.name for r in rows] == ["王**", "李**", "张**", "赵**"]
    assert all(r.ticket.startswith("*") and len(r.ticket.strip("*")) == 4 for r in rows)
    assert rows[3].theory_exempt and rows[3].theory is None


def test_an_objection_gets_a_tracking_number_and_is_followed_by_it(graded, exams):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    obj = _object(notice, regs(graded)[2])
    assert obj.tracking_number.startswith("CJYY20260403")
    assert obj.due_on == dt.date(2026, 4, 13)
    assert obj.submitter_phone == "13800138000"
    found = objections.objection_lookup(tracking_number=obj.tracking_number.lower(), phone="138 0013 8000")
    assert found.pk == obj.pk
    with pytest.raises(NotFound):
        objections.objection_lookup(tracking_number=obj.tracking_number, phone="13900000000")


def test_objection_input_errors_are_per_field(graded, exams):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    with pytest.raises(InvalidInput) as exc:
        objections.objection_submit(notice=notice, registration_id="", name="", phone="123", content="短")
    assert set(exc.value.fields) == {"name", "phone", "content", "registration"}


def test_objections_are_rate_limited(graded, exams, settings):
    settings.PEIYU_SCORE_OBJECTIONS_PER_HOUR = 2
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    reg = regs(graded)[0]
    _object(notice, reg)
    _object(notice, reg)
    with pytest.raises(InvalidInput) as exc:
        _object(notice, reg)
    assert exc.value.code == "throttled"


def test_no_objection_after_the_notice_ends(graded, exams, time_machine):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    time_machine.move_to(dt.datetime(2026, 4, 14, 9, 0, tzinfo=BEIJING), tick=False)
    with pytest.raises(Conflict):
        _object(notice, regs(graded)[0])


def test_accepted_objection_remarked_changes_the_result_with_a_decision(graded, exams):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    failed = regs(graded)[2]
    obj = _object(notice, failed)
    objections.objection_decide(
        actor=exams.cd_exam_admin, objection=obj, accept=True, reason="实操评分记录有误，受理复核"
    )
    remark = objections.objection_remark(
        actor=exams.cd_exam_admin, objection=obj, part="practical", score="62", note="考评组复核评分细则，原记录漏计一项"
    )  # fmt: skip
    assert (remark.before, remark.after) == (Decimal("55.0"), Decimal("62"))
    assert (remark.result_before, remark.result_after) == ("failed", "passed")
    assert remark.decision.kind == "score_remark" and {"EVL-5", "EVL-7"} <= set(remark.decision.rules)
    failed.refresh_from_db()
    assert failed.result == "passed" and failed.practical_score == Decimal("62.0")
    obj.refresh_from_db()
    assert obj.status == ScoreObjection.Status.RESOLVED and "55.0分 → 62分" in obj.resolution
    assert selectors.material_changes(notice) == [failed.ticket_number]


def test_finalise_refused_before_the_end_then_made_by_the_tick_once(graded, exams, time_machine):
    from peiyu.core import tick

    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    with pytest.raises(RuleViolation) as exc:
        passing.session_finalise(actor=exams.cd_exam_admin, session=graded)
    assert exc.value.rules == ["EVL-5"] and "2026-04-13" in exc.value.message
    time_machine.move_to(dt.datetime(2026, 4, 13, 23, 0, tzinfo=BEIJING), tick=False)
    assert tick.run(dt.datetime(2026, 4, 13, 23, 0, tzinfo=BEIJING))["exams.score_notices"] == 0
    later = dt.datetime(2026, 4, 14, 1, 0, tzinfo=BEIJING)
    time_machine.move_to(later, tick=False)
    assert tick.run(later)["exams.score_notices"] == 1
    assert tick.run(later)["exams.score_notices"] == 0
    graded.refresh_from_db()
    notice.refresh_from_db()
    assert graded.status == S.CERTIFICATES and notice.status == ScoreNotice.Status.CLOSED
    plist = selectors.passing_list_for(graded.pk)
    assert plist.count == 3 and [r["name"] for r in plist.rows] == ["王小明", "李小红", "赵免考"]
    row = plist.rows[0]
    assert row["id_masked"].startswith("510107") and "*" in row["id_masked"] and row["id_index"]
    assert row["theory"] == "82.0" and row["level"] == "四级" and row["occupation_name"] == "电工"
    assert plist.rows[2]["theory_exempt"] is True and plist.rows[2]["theory"] is None
    assert plist.exam_on == dt.date(2026, 4, 2)  # the practical day after the theory exam
    assert {"EVL-5", "SEC-2", "EVL-7"} <= set(plist.decision.rules)
    assert PassingList.objects.count() == 1


def test_finalise_refused_with_an_open_objection(graded, exams, time_machine):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    obj = _object(notice, regs(graded)[0])
    time_machine.move_to(dt.datetime(2026, 4, 15, 9, 0, tzinfo=BEIJING), tick=False)
    with pytest.raises(RuleViolation) as exc:
        passing.session_finalise(actor=exams.cd_exam_admin, session=graded)
    assert obj.tracking_number in exc.value.message
    assert passing.notices_end_due(dt.datetime(2026, 4, 15, 9, 0, tzinfo=BEIJING)) == 0
    objections.objection_decide(
        actor=exams.cd_exam_admin, objection=obj, accept=False, reason="经核查评分无误，不予支持"
    )
    plist = passing.session_finalise(actor=exams.cd_exam_admin, session=graded)
    assert plist.count == 3


def test_a_changed_result_needs_a_new_notice(graded, exams, time_machine):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    failed = regs(graded)[2]
    obj = _object(notice, failed)
    objections.objection_decide(actor=exams.cd_exam_admin, objection=obj, accept=True, reason="受理复核")
    objections.objection_remark(
        actor=exams.cd_exam_admin, objection=obj, part="practical", score="65", note="复核改分"
    )
    time_machine.move_to(dt.datetime(2026, 4, 15, 9, 0, tzinfo=BEIJING), tick=False)
    with pytest.raises(RuleViolation) as exc:
        passing.session_finalise(actor=exams.cd_exam_admin, session=graded)
    assert "重新公示" in exc.value.message
    notices.session_remark(actor=exams.cd_exam_admin, session=graded, reason="复核改变了合格结果，重新公示")
    notice.refresh_from_db()
    assert notice.status == ScoreNotice.Status.WITHDRAWN and graded.status == S.GRADING
    again = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    assert again.starts_on == dt.date(2026, 4, 15) and again.ends_on == dt.date(2026, 4, 22)
    time_machine.move_to(dt.datetime(2026, 4, 23, 9, 0, tzinfo=BEIJING), tick=False)
    plist = passing.session_finalise(actor=exams.cd_exam_admin, session=graded)
    assert plist.count == 4 and plist.notice_id == again.pk


def test_passing_list_altered_outside_the_service_is_refused(graded, exams, time_machine):
    notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    time_machine.move_to(dt.datetime(2026, 4, 14, 9, 0, tzinfo=BEIJING), tick=False)
    plist = passing.session_finalise(actor=exams.cd_exam_admin, session=graded)
    rows = plist.rows
    rows[0]["practical"] = "99.0"
    PassingList.objects.filter(pk=plist.pk).update(rows=rows)
    with pytest.raises(Conflict) as exc:
        selectors.passing_list_for(graded.pk)
    assert exc.value.rules == ["SEC-2"]


def test_decisions_of_objections_cite_the_rule(graded, exams):
    notice = notices.notice_publish(actor=exams.cd_exam_admin, session=graded)
    obj = _object(notice, regs(graded)[0])
    objections.objection_decide(
        actor=exams.cd_exam_admin, objection=obj, accept=False, reason="经核查评分无误"
    )
    d = Decision.objects.get(kind="score_objection")
    assert d.outcome == "dismissed" and d.rules == ["EVL-5"]

"""Practical scoring, the leader's confirmation (EVL-6) and the result (EVL-7): only the panel's members
score, per criterion on 100 points; the leader confirms once every member scored every candidate; the
practical score is the mean, one decimal; the result follows check_result and is idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import TransitionLog
from peiyu.exams.models import Examiner, PanelMember
from peiyu.exams.services.panels import panel_draw
from peiyu.exams.services.practical import panel_confirm, score_enter
from peiyu.exams.services.results import results_compute

from .examiners_support import session_with_candidates

D = Decimal


def _setup(exams, **kw):
    sess, regs = session_with_candidates(exams, **kw)
    panel = panel_draw(actor=exams.users["cd_exam_admin"], session=sess, kind="practical", seed="评分")
    members = list(panel.members.select_related("examiner__user").order_by("role", "id"))
    return sess, regs, panel, members


def _score_all(panel, regs, members, marks):
    for m in members:
        for reg in regs:
            score_enter(actor=m.examiner.user, panel=panel, registration=reg, marks=marks(m, reg))


def test_members_score_per_criterion_and_the_leader_confirms_the_mean(exams):
    _sess, regs, panel, members = _setup(exams)
    leader = next(m for m in members if m.role == "leader")
    entry = score_enter(
        actor=leader.examiner.user, panel=panel, registration=regs[0], marks={"1.1": "30", "1.2": "45.5"}
    )
    assert entry.score == D("75.5") and entry.criteria["marks"] == {"1.1": "30", "1.2": "45.5"}
    with pytest.raises(InvalidInput) as err:
        score_enter(
            actor=leader.examiner.user, panel=panel, registration=regs[0], marks={"1.1": "41", "1.2": "abc"}
        )
    assert set(err.value.fields) == {"mark_1.1", "mark_1.2"}
    with pytest.raises(RuleViolation) as refused:
        panel_confirm(actor=leader.examiner.user, panel=panel)
    assert refused.value.rules == ["EVL-6"] and "尚有" in refused.value.message
    scores = iter([("40", "50"), ("35", "50"), ("30", "40")])
    per_member = {m.pk: next(scores) for m in members}
    _score_all(panel, regs, members, lambda m, r: {"1.1": per_member[m.pk][0], "1.2": per_member[m.pk][1]})
    member = next(m for m in members if m.role == "member")
    with pytest.raises(PermissionDenied):
        panel_confirm(actor=member.examiner.user, panel=panel)
    confirmation = panel_confirm(actor=leader.examiner.user, panel=panel, note="成绩无误")
    assert confirmation.decision.rules == ["EVL-6"]
    for reg in regs:
        reg.refresh_from_db()
        assert reg.practical_score == D("81.7")  # (90 + 85 + 70) / 3 = 81.67
    with pytest.raises(Conflict):
        score_enter(
            actor=leader.examiner.user, panel=panel, registration=regs[0], marks={"1.1": "40", "1.2": "60"}
        )
    assert AuditEvent.objects.filter(action="exam_panel.confirmed").exists()
    assert AuditEvent.objects.filter(action="exam_score.entered").count() == 10


def test_scoring_by_someone_not_on_the_panel_is_refused(exams):
    _sess, regs, panel, members = _setup(exams)
    on_panel = {m.examiner_id for m in members}
    outsider = next(e for e in exams.examiners if e.pk not in on_panel)
    with pytest.raises(NotFound):
        score_enter(actor=outsider.user, panel=panel, registration=regs[0], marks={"1.1": "1", "1.2": "1"})
    with pytest.raises(PermissionDenied):
        score_enter(actor=exams.users["cd_exam_admin"], panel=panel, registration=regs[0], marks={"1.1": "1"})
    _other_sess, other_regs = session_with_candidates(exams)
    with pytest.raises(NotFound):  # a candidate of another session
        score_enter(
            actor=members[0].examiner.user, panel=panel, registration=other_regs[0], marks={"1.1": "1"}
        )


@pytest.mark.parametrize(
    "theory,exempt,expected",
    [
        (D("72"), False, "passed"),
        (D("59.5"), False, "failed"),
        (None, True, "passed"),
        (None, False, "failed"),
    ],
)
def test_the_result_needs_theory_and_practical_each_at_the_pass_score(exams, theory, exempt, expected):
    sess, regs, panel, members = _setup(exams, n=1)
    _score_all(panel, regs, members, lambda m, r: {"1.1": "35", "1.2": "45"})  # 80 each
    leader = next(m for m in members if m.role == "leader")
    panel_confirm(actor=leader.examiner.user, panel=panel)
    reg = regs[0]
    reg.theory_score, reg.theory_exempt = theory, exempt
    reg.save(update_fields=["theory_score", "theory_exempt"])
    sess.status = "grading"
    sess.save(update_fields=["status"])
    counts = results_compute(actor=exams.users["cd_exam_admin"], session=sess)
    reg.refresh_from_db()
    assert reg.result == expected and reg.result_decision.rules == ["EVL-7"]
    assert counts[expected] == 1 and counts["changed"] == 1
    if exempt:
        assert "免考" in reg.result_decision.checks[0]["message"]
    again = results_compute(actor=exams.users["cd_exam_admin"], session=sess)
    assert again["changed"] == 0  # idempotent
    assert (
        TransitionLog.objects.filter(
            subject_type="exams.registration", subject_id=str(reg.pk), to_status=expected
        ).count()
        == 1
    )


def test_level_two_needs_the_confirmed_review_panel_before_results(exams):
    sess, regs, panel, members = _setup(exams, level="二级", n=1)
    _score_all(panel, regs, members, lambda m, r: {"1.1": "35", "1.2": "45"})
    panel_confirm(actor=next(m for m in members if m.role == "leader").examiner.user, panel=panel)
    reg = regs[0]
    reg.theory_score = D(70)
    reg.save(update_fields=["theory_score"])
    sess.status = "grading"
    sess.save(update_fields=["status"])
    with pytest.raises(Conflict) as err:
        results_compute(actor=exams.users["cd_exam_admin"], session=sess)
    assert "综合评审组" in err.value.message
    review = panel_draw(actor=exams.users["cd_exam_admin"], session=sess, kind="review", seed="评审")
    rmembers = list(review.members.select_related("examiner__user"))
    for m in rmembers:
        score_enter(actor=m.examiner.user, panel=review, registration=reg, marks={"1": "55"})
    panel_confirm(actor=next(m for m in rmembers if m.role == "leader").examiner.user, panel=review)
    results_compute(actor=exams.users["cd_exam_admin"], session=sess)
    reg.refresh_from_db()
    assert (
        reg.review_score == D(55)
        and reg.result == "failed"
        and "综合评审" in reg.result_decision.checks[0]["message"]
    )


def test_results_are_computed_only_by_the_institution(exams):
    sess, _regs, _panel, _members = _setup(exams, n=1)
    with pytest.raises(PermissionDenied):
        results_compute(actor=exams.users["cd_examiner1"], session=sess)
    with pytest.raises(NotFound):
        results_compute(actor=exams.users["cd_employer_exam"], session=sess)
    assert Examiner.objects.count() == 5 and PanelMember.objects.count() == 3

"""Examiner panels (EVL-6): drawn at random with a recorded seed and reproducible from it, never with a
recused, unlicensed, expired or barred examiner, rotated between consecutive batches, with a leader;
a pool too small says which constraint and by how much; a redraw keeps the old panel in history."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from peiyu.exams.models import ExaminerIntegrity, Panel
from peiyu.exams.rules import panels as rules
from peiyu.exams.services import examiners as examiner_services
from peiyu.exams.services.panels import panel_draw, panel_redraw, panel_reproduce

from . import factories
from .examiners_support import session_with_candidates


def _admin(world):
    return world.users["cd_exam_admin"]


def test_the_draw_follows_from_the_seed_and_is_stored_as_an_evl6_decision(exams):
    sess, _ = session_with_candidates(exams)
    panel = panel_draw(actor=_admin(exams), session=sess, kind="practical", seed="种子-2026")
    members = sorted(panel.members.values_list("examiner_id", flat=True))
    assert len(members) == 3 and panel.seed == "种子-2026" and panel.is_current
    assert panel.decision.rules == ["EVL-6"] and panel.decision.policy_name == "chengdu-skill"
    facts = panel.decision.checks[0]["facts"]
    assert facts["seed"] == "种子-2026" and sorted(facts["members"]) == members
    assert len(facts["pool"]) == 5 and facts["eligible"] == sorted(e.pk for e in exams.examiners)
    expected = rules.shuffled(facts["eligible"], "种子-2026")[:3]
    assert facts["members"] == expected
    assert panel_reproduce(panel)["matches"]
    assert panel.members.filter(role="leader").count() == 1
    assert AuditEvent.objects.filter(action="exam_panel.drawn").exists()


def test_the_same_seed_draws_the_same_panel_and_another_seed_usually_another():
    ids = list(range(1, 21))
    a = rules.draw_panel(ids, "abc", size=3)
    assert a.members == rules.draw_panel(ids, "abc", size=3).members
    assert any(rules.draw_panel(ids, s, size=3).members != a.members for s in ("x", "y", "z"))


def test_a_recused_examiner_is_never_drawn_whatever_the_seed(exams):
    sess, regs = session_with_candidates(exams)
    admin = _admin(exams)
    e1, e2 = exams.examiners[0], exams.examiners[1]
    regs[0].training_org = exams.orgs["cd_employer"]
    regs[0].save(update_fields=["training_org"])
    examiner_services.examiner_relation_declare(
        actor=admin, examiner=e1, kind="teaches", org_name=exams.orgs["cd_employer"].name
    )
    # e2 declares on her own page a personal relation to the second candidate (by ID number)
    examiner_services.examiner_relation_declare(actor=exams.users["cd_examiner2"], examiner=e2, kind="personal",
                                                person_name=regs[1].person.name, person_id_number=regs[1].person.id_number)  # fmt: skip
    for seed in ("s1", "s2", "s3", "s4", "s5", "s6"):
        sess2, _ = (sess, None)
        p = panel_draw(actor=admin, session=sess2, kind="practical", seed=seed)
        drawn = set(p.members.values_list("examiner_id", flat=True))
        assert e1.pk not in drawn and e2.pk not in drawn and len(drawn) == 3
        reasons = {e["examiner"]: e["reason"] for e in p.decision.checks[0]["facts"]["excluded"]}
        assert "培训机构或工作单位" in reasons[e1.pk] and "利害关系" in reasons[e2.pk]
        panel_redraw(actor=admin, panel=p, reason="测试不同种子")
        Panel.objects.filter(session=sess).update(is_current=False)


def test_unlicensed_expired_and_barred_examiners_are_left_out_and_a_small_pool_says_by_how_much(exams):
    sess, _ = session_with_candidates(exams)
    admin = _admin(exams)
    e = exams.examiners
    examiner_services.examiner_update(actor=admin, examiner=e[0], data={"occupations": "6-18-01-01"})
    examiner_services.examiner_update(actor=admin, examiner=e[1], data={"licence_valid_until": "2026-01-31"})
    examiner_services.examiner_integrity_add(actor=admin, examiner=e[2], kind="breach", recorded_on="2026-02-01",
                                             note="违规泄露考核信息", bars_until="2027-12-31")  # fmt: skip
    with pytest.raises(RuleViolation) as err:
        panel_draw(actor=admin, session=sess, kind="practical", seed="x")
    assert err.value.rules == ["EVL-6"] and "差 1 名" in err.value.message
    assert err.value.details["shortfalls"][0] == {
        **err.value.details["shortfalls"][0],
        "needed": 3,
        "available": 2,
        "short": 1,
    }
    assert ExaminerIntegrity.objects.filter(examiner=e[2], bars_until__isnull=False).exists()


def test_consecutive_batches_change_at_least_a_third_of_the_panel(exams):
    admin = _admin(exams)
    first, _ = session_with_candidates(exams)
    p1 = panel_draw(actor=admin, session=first, kind="practical", seed="第一批")
    later = factories.DAY + dt.timedelta(days=60)
    second, _ = session_with_candidates(exams, starts=later)
    for seed in ("a", "b", "c", "d", "e", "f", "g", "h"):
        p2 = panel_draw(actor=admin, session=second, kind="practical", seed=seed)
        old = set(p1.members.values_list("examiner_id", flat=True))
        new = set(p2.members.values_list("examiner_id", flat=True))
        assert len(new & old) <= 2
        assert rules.rotation_ok(new, old, Fraction(1, 3))
        assert p2.decision.checks[0]["facts"]["previous_panel"]["panel"] == p1.pk
        Panel.objects.filter(pk=p2.pk).update(is_current=False)
    # with only the three previous members and one other eligible, rotation still holds (1 new of 3)
    e_other = [e for e in exams.examiners if e.pk not in old]
    examiner_services.examiner_disable(actor=admin, examiner=e_other[0], reason="调离")
    p3 = panel_draw(actor=admin, session=second, kind="practical", seed="z")
    assert len(set(p3.members.values_list("examiner_id", flat=True)) & old) == 2
    Panel.objects.filter(pk=p3.pk).update(is_current=False)
    examiner_services.examiner_disable(actor=admin, examiner=e_other[1], reason="调离")
    with pytest.raises(RuleViolation) as err:
        panel_draw(actor=admin, session=second, kind="practical", seed="z")
    assert "至少更换 1 名" in err.value.message and "差 1 名" in err.value.message


def test_a_redraw_keeps_the_old_panel_in_history_and_needs_a_reason(exams):
    sess, _ = session_with_candidates(exams)
    admin = _admin(exams)
    p1 = panel_draw(actor=admin, session=sess, kind="practical", seed="一")
    with pytest.raises(Conflict):
        panel_draw(actor=admin, session=sess, kind="practical", seed="二")
    from peiyu.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        panel_redraw(actor=admin, panel=p1, reason="")
    p2 = panel_redraw(actor=admin, panel=p1, reason="考评员临时生病", seed="二")
    p1.refresh_from_db()
    assert not p1.is_current and p2.is_current and p2.decision.checks[0]["facts"]["replaces"] == p1.pk
    assert AuditEvent.objects.filter(action="exam_panel.redrawn", reason="考评员临时生病").exists()


def test_a_review_panel_only_where_the_level_requires_the_comprehensive_review(exams):
    admin = _admin(exams)
    four, _ = session_with_candidates(exams)
    with pytest.raises(Conflict):
        panel_draw(actor=admin, session=four, kind="review")
    two, _ = session_with_candidates(exams, level="二级")
    assert panel_draw(actor=admin, session=two, kind="review").kind == "review"


def test_only_the_institution_draws_and_another_city_sees_nothing(exams):
    sess, _ = session_with_candidates(exams)
    with pytest.raises(PermissionDenied):
        panel_draw(actor=exams.users["cd_examiner1"], session=sess, kind="practical")
    with pytest.raises(NotFound):
        panel_draw(actor=exams.users["cd_employer_exam"], session=sess, kind="practical")
    from peiyu.exams.selectors.panels import session_for_panels

    with pytest.raises(NotFound):
        session_for_panels(exams.users["sy_official"], sess.pk)
    assert session_for_panels(exams.users["cd_official"], sess.pk) == sess

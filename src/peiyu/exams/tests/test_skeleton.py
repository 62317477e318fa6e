"""The evaluation app is plugged in like every app: its tables exist, its state machines are registered,
and the shared test world builds (Chengdu, Hubei, exam staff and examiners)."""

from __future__ import annotations

import itertools

from peiyu.core.workflow import Workflow
from peiyu.exams import flows

from . import factories


def test_every_stateful_exam_model_has_a_workflow_table():
    names = set(Workflow.registry)
    for name in ("exam_site", "exam_item", "evaluation_plan", "evaluation_session", "exam_sitting",
                 "exam_registration", "exam_paper", "exam_attempt", "exam_resume_request", "exam_incident",
                 "score_notice", "score_objection"):  # fmt: skip
        assert name in names


def test_the_session_walks_evl5_steps_in_order():
    S = flows.S
    order = [S.DRAFT, S.ANNOUNCED, S.REGISTRATION, S.ELIGIBILITY, S.ROOMS, S.PAPERS, S.EXAM, S.GRADING, S.NOTICE,
             S.CERTIFICATES]  # fmt: skip
    for here, there in itertools.pairwise(order):
        assert there in flows.SESSION_FLOW.allowed(here)
    assert S.EXAM not in flows.SESSION_FLOW.allowed(S.REGISTRATION)  # no step skipped
    assert S.CANCELLED not in flows.SESSION_FLOW.allowed(S.EXAM)  # a held exam is not cancelled


def test_the_shared_world_builds_a_bank_session_and_candidates(exams):
    writer = exams.users["cd_setter"]
    bank = factories.bank(exams.orgs["cd_social1"], writer, per_cell=1.0, practical=2)
    assert bank.items.filter(item_type="practical").count() == 2
    assert bank.items.exclude(item_type="practical").count() == sum(c[3] for c in factories.CELLS)
    sess = factories.session(exams, bank_=bank, status="exam")
    who = factories.person("王小花", "51010719950101002")
    reg = factories.registration(sess, who)
    assert reg.ticket_number and reg.session.site.rooms.count() == 3
    assert len(exams.examiners) == 5


def test_a_sealed_paper_from_the_shared_world_holds_the_blueprint(exams):
    import json

    bank = factories.bank(exams.orgs["cd_social1"], exams.users["cd_setter"], per_cell=1.0)
    sess = factories.session(exams, bank_=bank, status="papers")
    paper = factories.sealed_paper(sess)
    data = json.loads(type(paper).objects.get(pk=paper.pk).sealed_content)
    assert data["total_points"] == "100.0" and len(data["items"]) == sum(c[3] for c in factories.CELLS)
    assert paper.items.count() == len(data["items"])

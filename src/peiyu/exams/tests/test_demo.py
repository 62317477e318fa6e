"""`peiyu demo`'s evaluation section (issue 13 point 12): sessions in every state of EVL-5's flow reached
through the services, candidates in the middle of the theory exam with one resumption waiting, a session
in notice with an objection open, a bank at the profile's minimum approved by three people, Hubei DTE
sessions forwarded from a completed training class and taken to their passing lists, journey 13's accounts printed — and the section run
again changes nothing. (One `peiyu demo` run for both checks: each run takes about a minute.)"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> tuple[int, ...]:
    from peiyu.audit.models import AuditEvent
    from peiyu.exams.models import Attempt, EvaluationSession, Item, Registration

    events = AuditEvent.objects.exclude(action="catalogs.reference_loaded").count()
    return (events, EvaluationSession.objects.count(), Registration.objects.count(), Item.objects.count(),
            Attempt.objects.count())  # fmt: skip


def test_demo_gives_every_session_state_and_its_exams_section_is_idempotent(tmp_path, settings):
    from peiyu.accounts.models import Org, User
    from peiyu.core.models import Decision
    from peiyu.core.policy import policy_for
    from peiyu.demo.data import ACCOUNTS, ORGS
    from peiyu.exams.demo import section
    from peiyu.exams.models import (
        Attempt,
        EvaluationPlan,
        EvaluationSession,
        ExamSite,
        Item,
        Registration,
        ResumeRequest,
        ScoreNotice,
        ScoreObjection,
        SupervisionAssignment,
    )

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    printed = out.getvalue()
    assert "– 评价考核：考点、题库、考核批次、上机考试、成绩公示 … 完成（" in printed
    journey13 = printed.split("旅程 13 · 考生参加考核（成都）")[1].split("旅程 14")[0]
    for username in (
        "exam_cand_li",
        "cd_demo_proctor",
        "cd_demo_examiner1",
        "cd_demo_exam_admin",
        "cd_official",
    ):
        assert username in journey13, username
    she = Registration.objects.get(person__user__username="exam_cand_li")
    assert she.ticket_number and she.ticket_number in journey13 and "510107199203040020" in journey13

    chengdu = EvaluationSession.objects.filter(institution__name="成都市数字技能评价服务中心")
    assert set(chengdu.values_list("status", flat=True)) == set(EvaluationSession.Status.values)
    # each state reached by the services' steps: the session's transition log walks the flow
    live = chengdu.get(status="exam")
    assert live.decision is not None and live.decision.kind == "session_start_exam"
    assert ExamSite.objects.get(pk=live.site_id).status == "accepted"
    assert EvaluationPlan.objects.filter(institution=live.institution, status="published").exists()
    # the bank meets the profile's minimum, each item written, reviewed and approved by three people
    policy = policy_for("skill", "510100")
    items = Item.objects.filter(bank=live.bank, status="approved")
    assert items.exclude(item_type="practical").count() >= int(policy.get("bank_min_theory_items"))
    assert items.filter(item_type="practical").count() >= int(policy.get("bank_min_practical_sets"))
    first = items.select_related("written_by").first()
    assert first is not None and len({first.written_by_id, first.reviewed_by_id, first.approved_by_id}) == 3
    approvals = Decision.objects.filter(kind="item_approve", outcome="done")
    assert (
        approvals.filter(subject_id__in=[str(pk) for pk in items.values_list("pk", flat=True)]).count()
        == items.count()
    )
    # the theory exam under way: started, answering, one waiting for the proctor, one submitted
    attempts = Counter(Attempt.objects.filter(sitting__session=live).values_list("status", flat=True))
    assert attempts["submitted"] == 1 and attempts["in_progress"] >= 3
    assert ResumeRequest.objects.filter(attempt__sitting__session=live, status="pending").count() == 1
    assert SupervisionAssignment.objects.filter(sitting__session=live, checked_in_at__isnull=False).exists()
    # she sits it herself: no attempt of hers has started (opening the sitting may prepare one per seat)
    assert not Attempt.objects.filter(registration=she).exclude(status="not_started").exists()
    # the finished session in notice: results computed, the notice published, one objection open
    noticed = chengdu.get(status="notice")
    assert set(noticed.registrations.values_list("result", flat=True)) <= {"passed", "failed"}
    assert noticed.panels.filter(kind="practical", confirmation__isnull=False).exists()
    assert ScoreNotice.objects.filter(session=noticed, status="published").exists()
    assert ScoreObjection.objects.filter(registration__session=noticed, status="open").count() == 1
    # Hubei DTE: every candidate forwarded by the training institution with her certificate, six
    # sessions taken through the exam (a drawn practical panel confirmed) to their frozen passing lists
    dte = EvaluationSession.objects.filter(programme="dte")
    forwarded = Registration.objects.filter(session__in=dte)
    assert forwarded.exists() and set(forwarded.values_list("source", flat=True)) == {"training"}
    assert all(r.training_enrolment_id and r.training_certificate_number.startswith("PX") for r in forwarded)
    assert dte.count() == 6 and set(dte.values_list("status", flat=True)) == {"certificates"}
    assert all(s.panels.filter(kind="practical", confirmation__isnull=False).exists() for s in dte)
    assert Counter(forwarded.values_list("result", flat=True)) == {"passed": 16, "failed": 1}

    before = _counts()
    orgs = {k: Org.objects.get(name=n, kind=kind) for k, n, kind, *_ in ORGS}
    users = {a.username: User.objects.get(username=a.username) for a in ACCOUNTS}
    section.build(orgs, users)
    assert _counts() == before

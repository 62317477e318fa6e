"""Sealing, opening and serving forms (EVL-5): sealed with the SM3 digest and opened only from the theory
start; altered content refused; voiding with a reason; the session's readiness for the exam; what a
candidate's browser receives (no answers) and the mapping of its answers back to the form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from peiyu.audit.models import AuditEvent
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.exams.models import Paper
from peiyu.exams.rules.papers import LETTERS, to_form_answer
from peiyu.exams.selectors.papers import forget_paper, paper_content, session_papers_ready
from peiyu.exams.services.assembly import assemble_session
from peiyu.exams.services.papers import paper_for_candidate, paper_seal, paper_void, run_seal

from . import factories as f


@pytest.fixture
def run(exams):
    org = exams.listings["cd_elec"].institution
    bank = f.bank(org, exams.users["cd_setter"], per_cell=3.0, practical=4)
    session = f.session(exams, status="papers", bank_=bank)
    return assemble_session(actor=exams.users["cd_exam_admin"], session=session, forms=2, max_overlap=0.3)


def _theory(run) -> Paper:
    return run.papers.get(kind="theory", form="A")


def test_sealing_records_the_digest_and_the_opening_time_and_keeps_content_out_of_the_audit(exams, run):
    paper = paper_seal(actor=exams.users["cd_exam_admin"], paper=_theory(run))
    paper.refresh_from_db()
    assert paper.status == "sealed" and paper.opens_at == run.session.theory_starts_at
    assert paper.digest == sm3_hex(paper.sealed_content.encode())
    data = json.loads(paper.sealed_content)
    assert len(data["items"]) == 77 and data["total_points"] == "100.0"
    with connection.cursor() as cur:
        cur.execute("SELECT sealed_content FROM exams_paper WHERE id = %s", [paper.pk])
        stored = cur.fetchone()[0]
    assert data["items"][0]["stem"] not in stored and stored.startswith("sm4")  # encrypted at rest
    event = AuditEvent.objects.filter(action="exam_paper.sealed").latest("id")
    assert paper.digest in json.dumps(event.after, ensure_ascii=False)
    assert "stem" not in json.dumps(event.after, ensure_ascii=False)


def test_a_sealed_form_opens_only_from_the_theory_start(exams, run):
    paper = paper_seal(actor=exams.users["cd_exam_admin"], paper=_theory(run))
    starts = run.session.theory_starts_at
    with pytest.raises(Conflict) as exc:
        paper_content(paper, now=starts - dt.timedelta(seconds=1))
    assert exc.value.code == "paper_not_open_yet"
    assert paper_content(paper, now=starts)["form"] == "A"
    # still refused early once this process has it cached
    with pytest.raises(Conflict):
        paper_content(paper, now=starts - dt.timedelta(minutes=5))


def test_altered_sealed_content_is_refused(exams, run):
    paper = paper_seal(actor=exams.users["cd_exam_admin"], paper=_theory(run))
    forget_paper(paper.pk)
    data = json.loads(paper.sealed_content)
    first = data["items"][0]
    first["answer"] = "B" if first["answer"] == "A" else "A"  # always a different answer
    Paper.objects.filter(pk=paper.pk).update(
        sealed_content=json.dumps(data, ensure_ascii=False, sort_keys=True)
    )
    paper.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        paper_content(paper, now=run.session.theory_starts_at)
    assert exc.value.code == "paper_digest_mismatch"


def test_the_candidate_view_has_no_answers_and_maps_back_to_the_form(exams, run):
    paper = paper_seal(actor=exams.users["cd_exam_admin"], paper=_theory(run))
    now = run.session.theory_starts_at
    with pytest.raises(Conflict):
        paper_for_candidate(paper, "seed-1", now - dt.timedelta(minutes=1))
    shown = paper_for_candidate(paper, "seed-1", now)
    assert paper_for_candidate(paper, "seed-1", now) == shown  # reproducible from the seed
    text = json.dumps(shown, ensure_ascii=False)
    assert '"answer"' not in text and '"criteria"' not in text and '"analysis"' not in text
    form = {i["position"]: i for i in paper_content(paper, now=now)["items"]}
    assert sorted(s["position"] for s in shown) == sorted(form)
    assert [s["number"] for s in shown] == list(range(1, len(form) + 1))
    for s in shown:
        item = form[s["position"]]
        if s["type"] == "single":
            right = item["answer"]
            # the candidate clicks the shown option whose text is the form's right option
            clicked = LETTERS[s["options"].index(item["options"][LETTERS.index(right)])]
            assert to_form_answer(clicked, s["perm"]) == right
        if s["type"] == "multiple":
            texts = [item["options"][LETTERS.index(c)] for c in item["answer"]]
            clicked = "".join(LETTERS[s["options"].index(t)] for t in texts)
            assert to_form_answer(clicked, s["perm"]) == item["answer"]


def test_voiding_needs_a_reason_and_a_voided_form_never_opens(exams, run):
    admin = exams.users["cd_exam_admin"]
    paper = paper_seal(actor=admin, paper=_theory(run))
    with pytest.raises(InvalidInput) as exc:
        paper_void(actor=admin, paper=paper, reason="  ")
    assert "reason" in exc.value.fields
    paper_void(actor=admin, paper=paper, reason="试卷疑似泄露")
    paper.refresh_from_db()
    assert paper.status == "voided" and paper.voided_reason == "试卷疑似泄露"
    with pytest.raises(Conflict):
        paper_content(paper, now=run.session.theory_starts_at)


def test_the_session_is_ready_for_the_exam_only_when_every_form_is_sealed(exams, run):
    check = session_papers_ready(run.session_id)
    assert not check.ok and check.rule == "EVL-5" and check.facts["unsealed"] == 4
    sealed = run_seal(actor=exams.users["cd_exam_admin"], run=run)
    assert len(sealed) == 4
    assert session_papers_ready(run.session_id).ok
    paper_void(actor=exams.users["cd_exam_admin"], paper=_theory(run), reason="印刷错误")
    check = session_papers_ready(run.session_id)
    assert not check.ok and check.facts["theory_forms"] == 1


def test_another_institutions_staff_cannot_seal(exams, run):
    with pytest.raises(NotFound):
        paper_seal(actor=exams.users["cd_employer_exam"], paper=_theory(run))

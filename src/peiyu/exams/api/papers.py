"""API of papers (EVL-2, EVL-5): a session's assembly runs and forms (digests, never content), assembling
(forms and overlap pre-filled from the session), sealing a run's forms, sealing or voiding one form.
Records are found among those the actor sees, so another institution's staff or another city's
official gets 404; writes need the institution's exam.manage."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Router, Schema, Status

from peiyu.core.cleaning_adapters import Text
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import AssemblyRun, Paper
from ..selectors import papers as sel
from ..services import assembly, papers

router = Router(tags=["exams"])


class PaperOut(Schema):
    id: int
    session_id: int
    run_id: int | None
    kind: str
    kind_label: str
    form: str
    status: str
    status_label: str
    total_points: float
    digest: str
    sealed_at: dt.datetime | None
    opens_at: dt.datetime | None
    voided_reason: str
    allowed_actions: list[str] = []


class RunOut(Schema):
    id: int
    session_id: int
    forms: int
    max_overlap: float
    seed: str
    outcome: str
    outcome_label: str
    seconds: float
    report: dict[str, Any]
    decision: DecisionOut
    created_at: dt.datetime
    papers: list[PaperOut]


class SessionPapersOut(Schema):
    session_id: int
    number: str
    status: str
    forms: int
    max_overlap: float
    ready: bool
    ready_message: str
    runs: list[RunOut]
    papers: list[PaperOut]


def paper_out(actor: Any, p: Paper) -> dict[str, Any]:
    return {
        "id": p.pk, "session_id": p.session_id, "run_id": p.run_id, "kind": p.kind,
        "kind_label": str(p.get_kind_display()), "form": p.form, "status": p.status,
        "status_label": str(p.get_status_display()), "total_points": float(p.total_points), "digest": p.digest,
        "sealed_at": p.sealed_at, "opens_at": p.opens_at, "voided_reason": p.voided_reason,
        "allowed_actions": sel.paper_allowed_actions(actor, p),
    }  # fmt: skip


def run_out(actor: Any, r: AssemblyRun) -> dict[str, Any]:
    return {
        "id": r.pk, "session_id": r.session_id, "forms": r.forms, "max_overlap": r.max_overlap, "seed": r.seed,
        "outcome": r.outcome, "outcome_label": str(r.get_outcome_display()), "seconds": r.seconds,
        "report": r.report, "decision": decision_out(r.decision), "created_at": r.created_at,
        "papers": [paper_out(actor, p) for p in r.papers.defer("sealed_content").select_related("session")],
    }  # fmt: skip


@router.get(
    "/exams/sessions/{exam_session_id}/papers", response=SessionPapersOut, summary="批次的组卷记录与试卷"
)
def session_papers(request: Any, exam_session_id: PathId) -> dict[str, Any]:
    session = sel.paper_session_get_for(request.auth, exam_session_id)
    ready = sel.session_papers_ready(session.pk)
    return {
        "session_id": session.pk, "number": session.number, "status": session.status, "forms": session.forms,
        "max_overlap": session.max_overlap, "ready": ready.ok, "ready_message": ready.message,
        "runs": [run_out(request.auth, r) for r in sel.session_runs(session)],
        "papers": [paper_out(request.auth, p) for p in sel.session_paper_list(session)],
    }  # fmt: skip


class AssembleIn(Schema):
    forms: int | None = None  # default: the session's
    max_overlap: Annotated[str, Text(16)] = ""  # "0.3" or "30%"; default: the session's
    seed: Annotated[str, Text(64)] = ""  # default: a new random seed, recorded


@router.post("/exams/sessions/{exam_session_id}/papers/assemble", response={201: RunOut}, summary="组卷")
def session_assemble(request: Any, exam_session_id: PathId, payload: AssembleIn) -> Any:
    session = sel.paper_session_get_for(request.auth, exam_session_id)
    run = assembly.assemble_session(
        actor=request.auth,
        session=session,
        forms=payload.forms,
        max_overlap=payload.max_overlap,
        seed=payload.seed,
    )
    return Status(201, run_out(request.auth, run))


@router.get("/exams/assembly-runs/{assembly_run_id}", response=RunOut, summary="组卷结果")
def run_detail(request: Any, assembly_run_id: PathId) -> dict[str, Any]:
    return run_out(request.auth, sel.run_get_for(request.auth, assembly_run_id))


@router.post("/exams/assembly-runs/{assembly_run_id}/seal", response=RunOut, summary="封存本次组卷的全部试卷")
def run_seal(request: Any, assembly_run_id: PathId) -> dict[str, Any]:
    run = sel.run_get_for(request.auth, assembly_run_id)
    papers.run_seal(actor=request.auth, run=run)
    return run_out(request.auth, run)


class PaperActionIn(Schema):
    action: str  # seal | void
    reason: Annotated[str, Text(2000)] = ""


@router.post("/exams/papers/{paper_id}/actions", response=PaperOut, summary="封存或作废一套试卷")
def paper_act(request: Any, paper_id: PathId, payload: PaperActionIn) -> dict[str, Any]:
    paper = sel.paper_get_for(request.auth, paper_id)
    done = papers.paper_act(actor=request.auth, paper=paper, action=payload.action, reason=payload.reason)
    return paper_out(request.auth, done)


@router.get("/exams/papers/{paper_id}", response=PaperOut, summary="试卷（摘要与状态，不含内容）")
def paper_detail(request: Any, paper_id: PathId) -> dict[str, Any]:
    return paper_out(request.auth, sel.paper_get_for(request.auth, paper_id))

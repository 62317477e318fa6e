"""Reads of papers: the content of a sealed form, opened only from its opening time and checked against
the SM3 digest recorded when it was sealed (kept per process once checked, so thousands of candidates
starting at once cost one decryption and one digest per form and process); the sessions, assembly runs
and forms an actor may see (the institution's own exam administrators, the officials of its region);
whether a session's papers are ready for the exam (EVL-5)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.checks import Check
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict
from peiyu.core.lookups import one_or_404

from ..flows import PAPER_FLOW
from ..models import AssemblyRun, EvaluationSession, Paper

MANAGE = "exam.manage"
SUPERVISE = "exam.supervise"
CACHE_FORMS = 64  # sealed forms kept opened per process (a few sessions' worth)
_opened: dict[tuple[int, str], dict[str, Any]] = {}
_lock = threading.Lock()


def forget_paper(paper_id: int) -> None:
    """Drop a form from this process's cache (voided; tests)."""
    with _lock:
        for key in [k for k in _opened if k[0] == paper_id]:
            del _opened[key]


def paper_content(paper: Paper, *, now: dt.datetime) -> dict[str, Any]:
    """The sealed content of `paper` (models/papers.py format). Refused before the paper's opening time
    and when the stored content no longer matches its digest (it was altered after sealing)."""
    if paper.status not in (Paper.Status.SEALED, Paper.Status.OPENED) or not paper.sealed_content:
        raise Conflict("试卷尚未封存", code="paper_not_sealed")
    if paper.opens_at is None or now < paper.opens_at:
        raise Conflict("未到开考时间，试卷不能启封", code="paper_not_open_yet")
    key = (paper.pk, paper.digest)
    found = _opened.get(key)
    if found is not None:
        return found
    text = paper.sealed_content
    if sm3_hex(text.encode()) != paper.digest:
        raise Conflict("试卷内容与封存摘要不符，已停止使用", code="paper_digest_mismatch")
    data: dict[str, Any] = json.loads(text)
    with _lock:
        if len(_opened) >= CACHE_FORMS:
            _opened.pop(next(iter(_opened)))
        _opened[key] = data
    return data


def paper_content_by_id(paper_id: int, *, now: dt.datetime) -> dict[str, Any]:
    """paper_content for a form known by id: a cached form costs one small query (its status, digest
    and time, not its content); the content is read and decrypted only when this process has not
    checked it yet."""
    paper = Paper.objects.defer("sealed_content").get(pk=paper_id)
    if (paper.pk, paper.digest) in _opened and paper.status in (Paper.Status.SEALED, Paper.Status.OPENED):
        return paper_content(paper, now=now)
    return paper_content(Paper.objects.get(pk=paper_id), now=now)


def _scoped(actor: Any) -> Q:
    manage = scope_for(actor, MANAGE).q(region="region_code", org="institution_id")
    supervise = scope_for(actor, SUPERVISE).q(region="region_code", org="institution_id")
    return manage | supervise


def paper_sessions_visible_to(actor: Any) -> QuerySet[EvaluationSession]:
    """Sessions whose papers the actor may see: an institution's exam administrators their own, the
    bureaus those of their region."""
    return EvaluationSession.objects.filter(_scoped(actor)).select_related("bank", "blueprint")


def paper_session_get_for(actor: Any, session_id: object) -> EvaluationSession:
    return one_or_404(paper_sessions_visible_to(actor), pk=session_id)


def can_see_papers(actor: Any) -> bool:
    return scope_for(actor, MANAGE).granted or scope_for(actor, SUPERVISE).granted


def can_manage_papers(actor: Any, session: EvaluationSession) -> bool:
    return session.institution_id in scope_for(actor, MANAGE).org_ids


def session_runs(session: EvaluationSession) -> QuerySet[AssemblyRun]:
    return session.assembly_runs.select_related("decision", "requested_by").order_by("-created_at")


def session_paper_list(session: EvaluationSession) -> QuerySet[Paper]:
    """The session's forms without their content (never read for a list)."""
    return (
        Paper.objects.filter(session=session)
        .defer("sealed_content")
        .select_related("run", "sealed_by")
        .order_by("-kind", "status", "form", "created_at")  # theory forms first
    )


def paper_get_for(actor: Any, paper_id: object) -> Paper:
    sessions = paper_sessions_visible_to(actor)
    return one_or_404(
        Paper.objects.filter(session__in=sessions).defer("sealed_content").select_related("session"),
        pk=paper_id,
    )


def run_get_for(actor: Any, run_id: object) -> AssemblyRun:
    sessions = paper_sessions_visible_to(actor)
    return one_or_404(
        AssemblyRun.objects.filter(session__in=sessions).select_related("session", "decision"), pk=run_id
    )


def paper_allowed_actions(actor: Any, paper: Paper) -> list[str]:
    manages = can_manage_papers(actor, paper.session)
    return PAPER_FLOW.allowed_actions(paper, lambda a: manages and a.capability == MANAGE)


def session_papers_ready(session_id: int) -> Check:
    """EVL-5: the session may move from paper generation to the exam only when it has its theory forms
    and every form not voided is sealed (the step's precondition, for the sessions area)."""
    session = EvaluationSession.objects.get(pk=session_id)
    rows = list(
        Paper.objects.filter(session_id=session_id)
        .exclude(status=Paper.Status.VOIDED)
        .values_list("kind", "status")
    )
    theory = sum(1 for kind, _s in rows if kind == Paper.Kind.THEORY)
    unsealed = sum(1 for _k, status in rows if status == Paper.Status.ASSEMBLED)
    facts = {"theory_forms": theory, "forms_required": session.forms, "unsealed": unsealed}
    if theory < session.forms:
        return Check(
            "EVL-5",
            False,
            f"理论试卷{theory}套，少于本批次要求的{session.forms}套，请先组卷",
            facts,
            blocking=True,
        )
    if unsealed:
        return Check(
            "EVL-5", False, f"还有{unsealed}套试卷未封存，试卷全部封存后方可开考", facts, blocking=True
        )
    return Check("EVL-5", True, f"{len(rows)}套试卷均已封存", facts, blocking=True)

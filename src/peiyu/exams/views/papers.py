"""Pages of papers (EVL-2, EVL-5): the sessions whose papers the actor sees; a session's papers page —
assemble (forms and overlap pre-filled from the session, what was typed kept on a refusal), each run's
outcome (when the bank cannot meet the blueprint, which cell is short and by how much), the forms with
their digests (never their content), sealing a run or a form, voiding a form with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.accounts.services.access import require
from peiyu.core.errors import InvalidInput

from ..models import EvaluationSession
from ..selectors import papers as sel
from ..services import assembly, papers

PAGE_SIZE = 30
CAPABILITY = "exam.manage|exam.supervise"


@require_GET
def paper_sessions(request: HttpRequest) -> HttpResponse:
    if not sel.can_see_papers(request.user):
        require(request.user, sel.MANAGE)  # 403 in Chinese
    sessions = sel.paper_sessions_visible_to(request.user).filter(
        status__in=[
            EvaluationSession.Status.PAPERS,
            EvaluationSession.Status.EXAM,
            EvaluationSession.Status.ROOMS,
        ]
    )
    page = Paginator(sessions.order_by("theory_starts_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exams/paper_sessions.html", {"page": page})


def _session_page(
    request: HttpRequest,
    session: EvaluationSession,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    runs = list(sel.session_runs(session))
    forms = list(sel.session_paper_list(session))
    for p in forms:
        p.actions = sel.paper_allowed_actions(request.user, p)  # type: ignore[attr-defined]
    context = {
        "session": session,
        "runs": runs,
        "forms": forms,
        "ready": sel.session_papers_ready(session.pk),
        "manages": sel.can_manage_papers(request.user, session),
        "values": values
        or {"forms": session.forms, "max_overlap": f"{session.max_overlap * 100:g}%", "seed": ""},
        "errors": errors or {},
        "error": error,
    }
    return render(request, "exams/paper_session.html", context, status=status)


@require_GET
def paper_session(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, sel.paper_session_get_for(request.user, pk))


@require_http_methods(["POST"])
def paper_assemble(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.paper_session_get_for(request.user, pk)
    values = {name: (request.POST.get(name) or "").strip() for name in ("forms", "max_overlap", "seed")}
    try:
        run = assembly.assemble_session(
            actor=request.user, session=session, forms=values["forms"], max_overlap=values["max_overlap"],
            seed=values["seed"],
        )  # fmt: skip
    except InvalidInput as exc:
        return _session_page(
            request, session, values=values, errors=exc.fields, error=exc.message, status=400
        )
    if run.outcome == run.Outcome.ASSEMBLED:
        messages.success(request, _("组卷成功：%(n)s套试卷，请核对后封存") % {"n": run.forms})
    else:
        messages.error(request, _("题库无法满足权重表，未组卷，原因见组卷记录"))
    return HttpResponseRedirect(reverse("exams:paper_session", args=[session.pk]) + f"#run-{run.pk}")


@require_POST
def paper_run_seal(request: HttpRequest, pk: int) -> HttpResponse:
    run = sel.run_get_for(request.user, pk)
    sealed = papers.run_seal(actor=request.user, run=run)
    messages.success(request, _("已封存%(n)s套试卷") % {"n": len(sealed)})
    return HttpResponseRedirect(reverse("exams:paper_session", args=[run.session_id]))


@require_POST
def paper_action(request: HttpRequest, pk: int) -> HttpResponse:
    paper = sel.paper_get_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        papers.paper_act(
            actor=request.user, paper=paper, action=action, reason=request.POST.get("reason", "")
        )
    except InvalidInput as exc:
        session = sel.paper_session_get_for(request.user, paper.session_id)
        return _session_page(request, session, error=exc.message, status=400)
    done = {"seal": _("试卷已封存"), "void": _("试卷已作废")}
    messages.success(request, done.get(action, _("已完成")))
    return HttpResponseRedirect(reverse("exams:paper_session", args=[paper.session_id]))


urlpatterns: list[URLPattern] = [
    path("papers/", paper_sessions, name="paper_sessions"),
    path("papers/sessions/<int:pk>/", paper_session, name="paper_session"),
    path("papers/sessions/<int:pk>/assemble/", paper_assemble, name="paper_assemble"),
    path("papers/runs/<int:pk>/seal/", paper_run_seal, name="paper_run_seal"),
    path("papers/<int:pk>/action/", paper_action, name="paper_action"),
]
public_urlpatterns: list[URLPattern] = []

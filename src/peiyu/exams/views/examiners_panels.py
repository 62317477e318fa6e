"""Pages of panels, scoring and results (EVL-6, EVL-7): a session's panels (draw, redraw with a reason,
history; the results), a panel's page (the draw and its reproduction, members, exclusions, the score
sheet, the leader's confirmation), and the examiner's phone-friendly scoring page (own panels only).
Candidates appear by admission ticket number and masked name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.errors import DomainError, NotFound, PermissionDenied
from peiyu.core.identifiers import mask_name
from peiyu.core.lookups import one_or_404

from ..models import EvaluationSession, Panel, PanelConfirmation, Registration, ScoreEntry
from ..selectors import panels as selectors
from ..services import panels as services
from ..services.practical import criteria_for, panel_confirm, require_member, score_enter
from ..services.results import results_compute, review_required


def _attempt(call: Any) -> tuple[Any, dict[str, list[str]], str]:
    try:
        return call(), {}, ""
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        return None, dict(exc.fields), exc.message


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _label(reg: Registration) -> str:
    return f"{reg.ticket_number or reg.pk} {mask_name(reg.person.name)}"


def session_context(request: HttpRequest, session: EvaluationSession, **extra: Any) -> dict[str, Any]:
    kinds = [Panel.Kind.PRACTICAL, Panel.Kind.MARKING] + (
        [Panel.Kind.REVIEW] if session.review_required else []
    )
    panels = list(
        session.panels.select_related("drawn_by")
        .prefetch_related("members__examiner")
        .order_by("kind", "-drawn_at")
    )
    candidates = list(selectors.session_candidates(session))
    return {
        "session": session,
        "manage": selectors.may_manage(request.user, session),
        "kinds": [
            (k, Panel.Kind(k).label, next((p for p in panels if p.kind == k and p.is_current), None))
            for k in kinds
        ],
        "history": [p for p in panels if not p.is_current],
        "candidates": [{"reg": r, "label": _label(r)} for r in candidates],
        "review_required": review_required(session),
        "values": {},
        "errors": {},
        "error": "",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def session_panels(request: HttpRequest, sid: int) -> HttpResponse:
    session = selectors.session_for_panels(request.user, sid)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("kind", "size", "seed", "leader", "reason", "panel")}
        size = _int(values["size"]) if values["size"].strip() else None
        if values["size"].strip() and size is None:
            ctx = session_context(request, session, values=values, errors={"size": [gettext("考评组人数应为整数")]},
                                  error=gettext("考评组人数应为整数"))  # fmt: skip
            return render(request, "exams/panel_session.html", ctx, status=400)
        if values["panel"]:
            old = one_or_404(session.panels.all(), pk=_int(values["panel"]))
            call: Any = lambda: services.panel_redraw(actor=request.user, panel=old, reason=values["reason"], size=size,  # noqa: E731
                                                      seed=values["seed"])  # fmt: skip
        else:
            call = lambda: services.panel_draw(actor=request.user, session=session, kind=values["kind"], size=size,  # noqa: E731
                                               seed=values["seed"])  # fmt: skip
        panel, errors, error = _attempt(call)
        if panel is not None:
            messages.success(request, gettext("已抽取%(kind)s") % {"kind": panel.get_kind_display()})
            return redirect("exams:panel_detail", pk=panel.pk)
        ctx = session_context(request, session, values=values, errors=errors, error=error)
        return render(request, "exams/panel_session.html", ctx, status=400)
    return render(request, "exams/panel_session.html", session_context(request, session))


@require_POST
def session_results(request: HttpRequest, sid: int) -> HttpResponse:
    session = selectors.session_for_panels(request.user, sid)
    counts, _errors, error = _attempt(lambda: results_compute(actor=request.user, session=session))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("已计算结果：合格 %(p)s 人，不合格 %(f)s 人，缺考 %(a)s 人")
                         % {"p": counts["passed"], "f": counts["failed"], "a": counts["absent"]})  # fmt: skip
    return redirect("exams:session_panels", sid=sid)


def _draw_facts(panel: Panel) -> dict[str, Any]:
    for check in panel.decision.checks or []:
        if check.get("rule") == "EVL-6":
            return dict(check.get("facts") or {})
    return {}


def panel_context(request: HttpRequest, panel: Panel) -> dict[str, Any]:
    session = panel.session
    member = selectors.membership(request.user, panel)
    manage = selectors.may_manage(request.user, session)
    members = list(panel.members.select_related("examiner").order_by("role", "id"))
    candidates = list(selectors.session_candidates(session))
    entries = {(e.registration_id, e.examiner_id): e for e in ScoreEntry.objects.filter(panel=panel)}
    sheet = []
    for reg in candidates:
        scores = [entries.get((reg.pk, m.examiner_id)) for m in members]
        sheet.append({"reg": reg, "label": _label(reg), "scores": scores,
                      "done": sum(1 for s in scores if s is not None)})  # fmt: skip
    facts = _draw_facts(panel)
    names = facts.get("names") or {}
    confirmation = (
        PanelConfirmation.objects.filter(panel=panel).select_related("confirmed_by", "decision").first()
    )
    return {
        "panel": panel,
        "session": session,
        "member": member,
        "manage": manage,
        "members": members,
        "sheet": sheet,
        "facts": facts,
        "order": [
            {"id": i, "name": names.get(str(i), str(i)), "drawn": i in (facts.get("members") or [])}
            for i in facts.get("order") or []
        ],
        "reproduction": services.panel_reproduce(panel) if manage or member else None,
        "confirmation": confirmation,
        "complete": all(row["done"] == len(members) for row in sheet) and bool(sheet),
        "history": [
            p for p in session.panels.filter(kind=panel.kind).order_by("-drawn_at") if p.pk != panel.pk
        ],
    }


def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.panel_get_for(request.user, pk)
    return render(request, "exams/panel_detail.html", panel_context(request, panel))


@require_POST
def panel_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.panel_get_for(request.user, pk)
    _done, _errors, error = _attempt(
        lambda: panel_confirm(actor=request.user, panel=panel, note=request.POST.get("note", ""))
    )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("已确认本组成绩"))
    return redirect("exams:panel_detail", pk=pk)


@require_http_methods(["GET", "POST"])
def scoring_sheet(request: HttpRequest, pk: int, rid: int | None = None) -> HttpResponse:
    """The examiner's scoring page: her panel's candidates, and one candidate's criteria form."""
    panel = selectors.panel_get_for(request.user, pk)
    me = require_member(request.user, panel)
    candidates = list(selectors.session_candidates(panel.session))
    mine = {e.registration_id: e for e in ScoreEntry.objects.filter(panel=panel, examiner=me.examiner)}
    reg = one_or_404(selectors.session_candidates(panel.session), pk=rid) if rid is not None else None
    source: str = ""
    criteria: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    error = ""
    values: dict[str, str] = {}
    if reg is not None:
        try:
            source, criteria = criteria_for(panel)
        except DomainError as exc:
            error = exc.message
        entry = mine.get(reg.pk)
        values = dict((entry.criteria or {}).get("marks", {})) if entry else {}
        values["comment"] = entry.comment if entry else ""
        if request.method == "POST":
            values = {str(c["key"]): request.POST.get(f"mark_{c['key']}", "") for c in criteria}
            values["comment"] = request.POST.get("comment", "")
            saved, errors, error = _attempt(lambda: score_enter(actor=request.user, panel=panel, registration=reg,
                                                                marks=values, comment=values["comment"]))  # fmt: skip
            if saved is not None:
                messages.success(
                    request,
                    gettext("已保存 %(who)s 的评分：%(score)s 分")
                    % {"who": _label(reg), "score": saved.score},
                )
                nxt = next((c for c in candidates if c.pk not in mine and c.pk != reg.pk), None)
                return (
                    redirect("exams:scoring_candidate", pk=pk, rid=nxt.pk)
                    if nxt
                    else redirect("exams:scoring_sheet", pk=pk)
                )
    ctx = {
        "panel": panel,
        "me": me,
        "rows": [{"reg": c, "label": _label(c), "entry": mine.get(c.pk)} for c in candidates],
        "reg": reg,
        "label": _label(reg) if reg else "",
        "source": source,
        "criteria": [
            {**c, "value": values.get(str(c["key"]), ""), "errors": errors.get(f"mark_{c['key']}", [])}
            for c in criteria
        ],
        "comment": values.get("comment", ""),
        "comment_errors": errors.get("comment", []),
        "error": error,
        "confirmed": PanelConfirmation.objects.filter(panel=panel).exists(),
        "total": sum((Decimal(str(c["points"])) for c in criteria), Decimal(0)),
    }
    return render(
        request, "exams/scoring_sheet.html", ctx, status=400 if error and request.method == "POST" else 200
    )


urlpatterns: list[URLPattern] = [
    path("sessions/<int:sid>/panels/", session_panels, name="session_panels"),
    path("sessions/<int:sid>/results/", session_results, name="session_results"),
    path("panels/<int:pk>/", panel_detail, name="panel_detail"),
    path("panels/<int:pk>/confirm/", panel_confirm_view, name="panel_confirm"),
    path("panels/<int:pk>/score/", scoring_sheet, name="scoring_sheet"),
    path("panels/<int:pk>/score/<int:rid>/", scoring_sheet, name="scoring_candidate"),
]

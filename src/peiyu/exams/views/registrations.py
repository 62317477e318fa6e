"""Pages of registration (EVL-8). The candidate's own pages at /exam/ (phone first): the sessions open
for registration, her registration — state the facts and see live which condition holds and why, sign
the commitment, submit — her registrations with their status and reasons, the admission ticket; the
public check of a ticket's QR code. The institution's and the officials' pages are in
`registrations_review` (listed here). Thin: parse, call one service or selector, render; a domain error
re-renders with the messages in Chinese and the input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.core.documents.pdf import PDF_CONTENT_TYPE
from peiyu.core.errors import DomainError, InvalidInput, NotFound
from peiyu.core.http import attachment
from peiyu.core.identifiers import mask_id_number, mask_name

from ..models import Registration
from ..rules.conditions import EDUCATION, LEVELS, TITLES, evaluate_all
from ..selectors import registrations as sel
from ..services import registration_facts as rf
from ..services import registrations as svc
from ..services.tickets import ticket_pdf, ticket_rows
from . import registrations_review as review

FACT_FIELDS = ("education", "related_major", "years_in_trade", "apprenticeship", "lower_level", "lower_level_on",
               "title", "degree_major", "competition", "competition_document")  # fmt: skip


def _choices(programme: str) -> dict[str, Any]:
    return {"educations": list(EDUCATION), "titles": list(TITLES), "levels": list(LEVELS.get(programme, {}))}


def _facts_of(request: HttpRequest) -> dict[str, Any]:
    return {k: request.POST.get(k, "").strip() for k in FACT_FIELDS}


def _live(reg: Registration, facts: dict[str, Any]) -> dict[str, Any]:
    """Which alternative holds for the facts as typed (not stored): the same rule the submission runs."""
    s = reg.session
    try:
        clean = rf.clean_facts(facts, programme=s.programme, today=timezone.localdate())
    except InvalidInput:
        clean = {k: v for k, v in facts.items() if k not in ("lower_level_on", "years_in_trade") and v}
    clean["training_certificate"] = bool(reg.training_certificate_number)
    alternatives = sel.alternatives_for(s.programme, s.occupation_code, s.level)
    results = evaluate_all(alternatives, clean, programme=s.programme, on=timezone.localdate())
    return {"results": results, "holds": any(r.ok for r in results), "route": reg.get_route_display(),
            "route_chosen": reg.route != Registration.Route.STANDARD}  # fmt: skip


def _open_sessions(request: HttpRequest) -> list[Any]:
    rows = list(sel.sessions_open_for_registration()[:100])
    mine = {r.session_id: r for r in sel.my_registrations(request.user).filter(status__in=sel.ACTIVE)}
    for s in rows:
        s.mine = mine.get(s.pk)  # type: ignore[attr-defined]
    return rows


@require_GET
def sessions_open(request: HttpRequest) -> HttpResponse:
    return render(request, "exams/registration_sessions.html",
                  {"sessions": _open_sessions(request), "person": sel.own_person(request.user), "errors": {}, "data": {}})  # fmt: skip


@require_POST
def registration_start(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sel.open_session_get(session_id)
    person = {k: request.POST.get(k, "").strip() for k in ("name", "id_number")}
    try:
        reg = svc.registration_start(actor=request.user, session=session, person=person)
    except NotFound:
        raise
    except DomainError as exc:
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        return render(request, "exams/registration_sessions.html",
                      {"sessions": _open_sessions(request), "person": sel.own_person(request.user), "errors": errors,
                       "data": person, "failed_session": session.pk}, status=400)  # fmt: skip
    return HttpResponseRedirect(reverse("exam_public:registration_mine", args=[reg.pk]))


def _own(request: HttpRequest, pk: int) -> Registration:
    reg = sel.registration_get_for(request.user, pk)
    if not sel.is_own(request.user, reg):
        raise NotFound()
    return reg


def _mine_context(request: HttpRequest, reg: Registration, **extra: Any) -> dict[str, Any]:
    facts = extra.pop("facts", None) or {k: (reg.facts or {}).get(k, "") for k in FACT_FIELDS}
    decision = reg.decision
    return {
        "reg": reg, "session": reg.session, "facts": facts, "errors": {}, "live": _live(reg, facts),
        "commitment": rf.commitment_text(reg), "editable": reg.status in (Registration.Status.DRAFT, Registration.Status.RETURNED),
        "actions": sel.registration_allowed_actions(request.user, reg), "checks": decision.checks if decision else [],
        "decision": decision, "ticket": ticket_rows(reg) if reg.ticket_number else [],
        "masked_id": mask_id_number(reg.person.id_number), **_choices(reg.session.programme), **extra,
    }  # fmt: skip


@require_GET
def registration_mine(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _own(request, pk)
    return render(request, "exams/registration_mine.html", _mine_context(request, reg))


@require_POST
def registration_preview(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _own(request, pk)
    return render(
        request, "exams/condition_live.html", {"live": _live(reg, _facts_of(request)), "session": reg.session}
    )


@require_POST
def registration_facts(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _own(request, pk)
    facts = _facts_of(request)
    try:
        svc.registration_state_facts(actor=request.user, registration=reg, data=facts)
    except NotFound:
        raise
    except DomainError as exc:
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        ctx = _mine_context(request, reg, facts=facts, errors=errors)
        return render(request, "exams/registration_mine.html", ctx, status=400)
    messages.success(request, "申报信息已保存")
    return HttpResponseRedirect(reverse("exam_public:registration_mine", args=[reg.pk]) + "#commitment")


@require_POST
def registration_sign(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _own(request, pk)
    try:
        svc.registration_sign(actor=request.user, registration=reg, agreed=request.POST.get("agree") == "yes")
    except NotFound:
        raise
    except DomainError as exc:
        ctx = _mine_context(
            request, reg, sign_errors=[exc.message, *[m for ms in exc.fields.values() for m in ms]]
        )
        return render(request, "exams/registration_mine.html", ctx, status=400)
    messages.success(request, "已签署告知承诺书")
    return HttpResponseRedirect(reverse("exam_public:registration_mine", args=[reg.pk]) + "#submit")


@require_POST
def registration_submit(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _own(request, pk)
    try:
        svc.registration_submit(actor=request.user, registration=reg)
    except NotFound:
        raise
    except DomainError as exc:
        reg.refresh_from_db()
        ctx = _mine_context(request, reg, submit_error=exc.message, submit_rules=exc.rules)
        return render(request, "exams/registration_mine.html", ctx, status=400)
    messages.success(request, "报名已提交，请等待评价机构资格审核")
    return HttpResponseRedirect(reverse("exam_public:registration_mine", args=[reg.pk]))


@require_POST
def registration_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _own(request, pk)
    try:
        svc.registration_withdraw(actor=request.user, registration=reg, reason=request.POST.get("reason", ""))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, "；".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    else:
        messages.success(request, "已撤回报名")
    return HttpResponseRedirect(reverse("exam_public:registration_mine", args=[reg.pk]))


@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    rows = list(sel.my_registrations(request.user)[:200])
    return render(request, "exams/registration_list_mine.html", {"registrations": rows})


@require_GET
def ticket_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The admission ticket: the candidate's own, or a registration of the institution's session."""
    reg = sel.registration_get_for(request.user, pk)
    if not (sel.is_own(request.user, reg) or sel.manages(request.user, reg.session)):
        raise NotFound()
    url = request.build_absolute_uri(reverse("exam_public:ticket_verify", args=[reg.ticket_token or "-"]))
    content = ticket_pdf(reg, verify_url=url, actor=request.user)
    return attachment(
        content, f"准考证-{reg.ticket_number}.pdf", PDF_CONTENT_TYPE, f"ticket-{reg.ticket_number}.pdf"
    )


@login_not_required
@require_GET
def ticket_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone scanning the QR code: whether the ticket is genuine and valid (name masked, no ID)."""
    reg = sel.ticket_public(token)
    s = reg.session
    return render(request, "exams/ticket_verify.html", {
        "reg": reg, "session": s, "name": mask_name(reg.person.name),
        "valid": reg.status == Registration.Status.APPROVED})  # fmt: skip


@require_http_methods(["GET"])
def conditions_of_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sel.open_session_get(session_id)
    rows = sel.condition_rows(session.programme, session.occupation_code, session.level)
    return render(request, "exams/condition_session.html", {"session": session, "conditions": rows})


public_urlpatterns: list[URLPattern] = [
    path("register/", sessions_open, name="registration_sessions"),
    path("register/<int:session_id>/start/", registration_start, name="registration_start"),
    path("register/<int:session_id>/conditions/", conditions_of_session, name="registration_conditions"),
    path("my/", my_registrations, name="registration_list_mine"),
    path("my/<int:pk>/", registration_mine, name="registration_mine"),
    path("my/<int:pk>/preview/", registration_preview, name="registration_preview"),
    path("my/<int:pk>/facts/", registration_facts, name="registration_facts"),
    path("my/<int:pk>/sign/", registration_sign, name="registration_sign"),
    path("my/<int:pk>/submit/", registration_submit, name="registration_submit"),
    path("my/<int:pk>/withdraw/", registration_withdraw, name="registration_withdraw"),
    path("tickets/<int:pk>/pdf/", ticket_download, name="ticket_download"),
    path("tickets/verify/<str:token>/", ticket_verify, name="ticket_verify"),
]
urlpatterns: list[URLPattern] = review.urlpatterns

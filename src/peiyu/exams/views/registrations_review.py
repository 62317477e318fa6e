"""The institution's and the officials' registration pages at /exams/registrations/ (EVL-8): the
sessions with their waiting registrations and review deadline; a session's registrations (bulk approve
of those whose checks all pass, an employer's xlsx import, ACT-6); one registration with its stored
checks and rule tags, the route of 001 Art. 23 with its justification, the review; a training
institution's forwarding of certified trainees (003 §4(4)); the application conditions maintained by
officials holding reference.manage. Personal data masked by role (accounts.masking.personal_view)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.accounts.masking import personal_view, personal_views
from peiyu.accounts.scoping import capabilities_of
from peiyu.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied

from ..flows import REGISTRATION_FLOW
from ..models import EvaluationSession, Registration
from ..rules.conditions import EDUCATION, LEVELS, TITLES
from ..selectors import registrations as sel
from ..services import conditions as cond
from ..services import registration_import as imports
from ..services import registrations as svc

LIST_LIMIT = 500
LABELS = dict(Registration.Status.choices)
ROUTES = [(v, label) for v, label in Registration.Route.choices]


def _can_review(request: HttpRequest) -> None:
    caps = capabilities_of(request.user)
    if not ({"exam.manage", "exam.supervise"} & caps):
        raise PermissionDenied("您没有查看报名的权限")


@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    _can_review(request)
    rows = list(sel.sessions_with_registrations(request.user).order_by("-registration_closes_on")[:200])
    return render(request, "exams/registration_review_sessions.html", {"sessions": rows})


def _session_context(request: HttpRequest, session: EvaluationSession, **extra: Any) -> dict[str, Any]:
    status = request.GET.get("status", "")
    rows = list(sel.session_registrations(session, status=status)[: LIST_LIMIT + 1])
    shown = personal_view(request.user, session, what="exam_registrations", region_code=session.region_code,
                          org_id=session.institution_id, count=min(len(rows), LIST_LIMIT))  # fmt: skip
    for r in rows:
        r.shown_name = shown.name(r.person.name)  # type: ignore[attr-defined]
        r.shown_id = shown.id_number(r.person.id_number)  # type: ignore[attr-defined]
        r.checks_ok = bool(r.decision) and all(c.get("ok") for c in r.decision.checks)  # type: ignore[attr-defined,union-attr]
    manage = sel.manages(request.user, session)
    return {
        "session": session, "registrations": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT, "status": status,
        "statuses": Registration.Status.choices, "manage": manage,
        "employer": manage and session.listing.institution_type == "employer",
        "imports": list(session.bulk_imports.all()[:5]), "import_errors": {}, **extra,
    }  # fmt: skip


@require_GET
def session_registrations(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sel.registration_session_get_for(request.user, session_id)
    return render(request, "exams/registration_review_session.html", _session_context(request, session))


@require_POST
def approve_passing(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sel.managed_session_get(request.user, session_id)
    approved = svc.registrations_approve_passing(actor=request.user, session=session)
    messages.success(request, f"已审核通过{len(approved)}人（其余请逐一审核）")
    return HttpResponseRedirect(reverse("exams:registration_session", args=[session.pk]))


@require_POST
def bulk_import(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sel.managed_session_get(request.user, session_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请选择要上传的文件", fields={"file": ["请选择文件"]})
        imp = imports.bulk_register(actor=request.user, session=session, file_bytes=upload.read(),
                                    filename=upload.name or "")  # fmt: skip
    except NotFound:
        raise
    except DomainError as exc:
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        ctx = _session_context(request, session, import_errors=errors)
        return render(request, "exams/registration_review_session.html", ctx, status=400)
    if imp.status == imp.Status.DONE:
        messages.success(request, f"已导入{imp.created}人")
    else:
        messages.error(request, f"文件有{len(imp.errors)}行有误，未导入任何考生，请修改后重新上传")
    return HttpResponseRedirect(
        reverse("exams:registration_session", args=[session.pk]) + f"#import-{imp.pk}"
    )


def _detail_context(request: HttpRequest, reg: Registration, **extra: Any) -> dict[str, Any]:
    s = reg.session
    shown = personal_view(
        request.user, reg, what="exam_registration", region_code=s.region_code, org_id=s.institution_id
    )
    own_or_manage = sel.manages(request.user, s)
    return {
        "reg": reg, "session": s, "name": shown.name(reg.person.name), "id_number": shown.id_number(reg.person.id_number),
        "phone": shown.phone(reg.person.phone), "checks": reg.decision.checks if reg.decision else [],
        "decision": reg.decision, "route_decision": reg.route_decision, "actions": sel.registration_allowed_actions(request.user, reg),
        "history": [(h.at, LABELS.get(h.to_status, h.to_status), h.reason) for h in REGISTRATION_FLOW.history(reg)], "routes": ROUTES, "manage": own_or_manage,
        "may_route": (own_or_manage or sel.supervises(request.user, s)) and reg.status in ("draft", "submitted", "returned"),
        "errors": {}, "data": {}, **extra,
    }  # fmt: skip


@require_GET
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reg = sel.registration_get_for(request.user, pk)
    if sel.is_own(request.user, reg):
        return HttpResponseRedirect(reverse("exam_public:registration_mine", args=[reg.pk]))
    return render(request, "exams/registration_review_detail.html", _detail_context(request, reg))


def _post_detail(request: HttpRequest, pk: int, fn: Any, ok: str, **kwargs: Any) -> HttpResponse:
    reg = sel.registration_get_for(request.user, pk)
    data = {k: request.POST.get(k, "") for k in ("action", "reason", "route", "justification")}
    try:
        fn(actor=request.user, registration=reg, **kwargs)
    except NotFound:
        raise
    except DomainError as exc:
        reg = sel.registration_get_for(request.user, pk)
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        ctx = _detail_context(request, reg, errors=errors, data=data, error_rules=exc.rules)
        return render(request, "exams/registration_review_detail.html", ctx, status=400)
    messages.success(request, ok)
    return HttpResponseRedirect(reverse("exams:registration_detail", args=[pk]))


@require_POST
def registration_review(request: HttpRequest, pk: int) -> HttpResponse:
    action = request.POST.get("action", "")
    done = {"approve": "已审核通过，准考证已生成", "return": "已退回补正", "reject": "已审核不通过"}.get(
        action, "已处理"
    )
    return _post_detail(
        request, pk, svc.registration_review, done, action=action, reason=request.POST.get("reason", "")
    )


@require_POST
def registration_route(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_detail(request, pk, svc.registration_choose_route, "已选定申报路径",
                        route=request.POST.get("route", ""), justification=request.POST.get("justification", ""))  # fmt: skip


# --- DTE forwarding (003 §4(4)) ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def forward(request: HttpRequest) -> HttpResponse:
    if "training.manage" not in capabilities_of(request.user):
        raise PermissionDenied("您没有推送报名的权限")
    dte = list(sel.dte_sessions_open()[:200])
    chosen = next(
        (s for s in dte if str(s.pk) == (request.GET.get("session") or request.POST.get("session"))), None
    )
    certs = list(sel.forwardable_certificates(request.user, chosen)[:500]) if chosen else []
    shown = personal_views(
        request.user, [(None, c.institution_id) for c in certs], what="forward_certificates"
    )
    for c, d in zip(certs, shown, strict=True):
        c.shown_name = d.name(c.holder_name)
    ctx: dict[str, Any] = {"sessions": dte, "chosen": chosen, "certificates": certs, "errors": {}, "data": {},
                           "educations": list(EDUCATION), "titles": list(TITLES),
                           "levels": list(LEVELS["dte"])}  # fmt: skip
    if request.method == "POST" and chosen is not None:
        data = {k: request.POST.get(k, "").strip() for k in ("education", "related_major", "years_in_trade", "lower_level",
                                                              "lower_level_on", "title")}  # fmt: skip
        try:
            reg = imports.registration_forward(
                actor=request.user, session=chosen, certificate_id=request.POST.get("certificate"), facts=data,
                commitment_collected=request.POST.get("commitment") == "yes")  # fmt: skip
        except DomainError as exc:
            errors = dict(exc.fields or {})
            errors.setdefault("form", [exc.message])
            ctx |= {"errors": errors, "data": data, "failed": request.POST.get("certificate")}
            return render(request, "exams/registration_forward.html", ctx, status=400)
        messages.success(request, f"已推送{reg.person.name}报名")
        return HttpResponseRedirect(reverse("exams:registration_forward") + f"?session={chosen.pk}")
    return render(request, "exams/registration_forward.html", ctx)


# --- application conditions (reference data) -----------------------------------------------------------------


@require_GET
def conditions(request: HttpRequest) -> HttpResponse:
    rows = list(
        sel.conditions_all(
            programme=request.GET.get("programme", ""), q=request.GET.get("q", "").strip()[:40]
        )
    )
    return render(request, "exams/condition_list.html", {"conditions": rows, "manage": "reference.manage" in capabilities_of(request.user),
                                                         "q": request.GET.get("q", ""), "programme": request.GET.get("programme", "")})  # fmt: skip


REQ_FIELDS = ("years_in_trade", "years_since_lower", "education", "title", "lower_level", "apprenticeship",
              "related_major", "training_certificate")  # fmt: skip


@require_http_methods(["GET", "POST"])
def condition_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if "reference.manage" not in capabilities_of(request.user):
        raise PermissionDenied("您没有维护申报条件的权限")
    row = sel.condition_get(pk) if pk else None
    data: dict[str, Any] = {"programme": row.programme if row else "skill", "level": row.level if row else "",
                            "occupation_code": row.occupation_code if row else "", "text": row.text if row else "",
                            "source": row.source if row else "", "requirements": dict(row.requirements) if row else {}}  # fmt: skip
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {
            k: request.POST.get(k, "") for k in ("programme", "level", "occupation_code", "text", "source")
        }
        req: dict[str, Any] = {k: request.POST.get(k, "") for k in REQ_FIELDS}
        req["education_in"] = request.POST.getlist("education_in")
        data["requirements"] = req
        try:
            saved = cond.condition_save(actor=request.user, data=data, condition=row)
        except DomainError as exc:
            errors = dict(exc.fields or {})
            errors.setdefault("form", [exc.message])
        else:
            messages.success(request, "申报条件已保存")
            return HttpResponseRedirect(reverse("exams:condition_list") + f"#c{saved.pk}")
    ctx = {"row": row, "data": data, "errors": errors, "educations": list(EDUCATION), "titles": list(TITLES),
           "levels": LEVELS}  # fmt: skip
    return render(request, "exams/condition_form.html", ctx, status=400 if errors else 200)


@require_POST
def condition_active(request: HttpRequest, pk: int) -> HttpResponse:
    row = sel.condition_get(pk)
    try:
        cond.condition_set_active(actor=request.user, condition=row, active=request.POST.get("active") == "1",
                                  reason=request.POST.get("reason", ""))  # fmt: skip
    except NotFound:
        raise
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, "；".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    return HttpResponseRedirect(reverse("exams:condition_list") + f"#c{row.pk}")


@require_POST
def conditions_load(request: HttpRequest) -> HttpResponse:
    counts = cond.conditions_load(actor=request.user)
    messages.success(request, f"已加载：新增{counts['created']}条，更新{counts['updated']}条")
    return HttpResponseRedirect(reverse("exams:condition_list"))


urlpatterns: list[URLPattern] = [
    path("registrations/", sessions, name="registration_sessions"),
    path("registrations/session/<int:session_id>/", session_registrations, name="registration_session"),
    path(
        "registrations/session/<int:session_id>/approve-passing/",
        approve_passing,
        name="registration_approve_passing",
    ),
    path("registrations/session/<int:session_id>/import/", bulk_import, name="registration_import"),
    path("registrations/forward/", forward, name="registration_forward"),
    path("registrations/<int:pk>/", registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/review/", registration_review, name="registration_review"),
    path("registrations/<int:pk>/route/", registration_route, name="registration_route"),
    path("conditions/", conditions, name="condition_list"),
    path("conditions/new/", condition_edit, name="condition_new"),
    path("conditions/load/", conditions_load, name="condition_load"),
    path("conditions/<int:pk>/edit/", condition_edit, name="condition_edit"),
    path("conditions/<int:pk>/active/", condition_active, name="condition_active"),
]

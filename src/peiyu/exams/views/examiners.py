"""Pages of the examiners area (EVL-3, EVL-6, EVL-7): the examiner register (the institution adds, edits,
disables, imports; records trainings, integrity entries and relations; the bureaus read), an examiner's
own page (her relations, her panels). Panels and scoring are views.examiners_panels, quality
supervision views.examiners_supervision; their urls are listed here, the area's one url module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.errors import DomainError, NotFound, PermissionDenied

from ..models import Examiner, ExaminerIntegrity, ExaminerRelation
from ..selectors import examiners as selectors
from ..selectors.panels import my_panels
from ..services import examiners as services
from ..services.examiners_import import examiners_import, import_template
from . import examiners_panels, examiners_supervision

EXAMINER_FIELDS = ("name", "id_number", "phone", "employer_name", "occupations", "licence_number",
                   "licence_level", "licence_valid_until", "username")  # fmt: skip


def attempt(call: Callable[[], Any]) -> tuple[Any, dict[str, list[str]], str]:
    """Run a service for a form: (result, field errors, message); 403/404 propagate."""
    try:
        return call(), {}, ""
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        return None, dict(exc.fields), exc.message


def _posted(request: HttpRequest, names: tuple[str, ...]) -> dict[str, Any]:
    return {k: request.POST.get(k, "") for k in names}


def _rows(request: HttpRequest, examiners: list[Examiner]) -> list[dict[str, Any]]:
    from peiyu.accounts.masking import personal_views

    shown = personal_views(request.user, [(e.institution.region_id, e.institution_id) for e in examiners],
                           what="考评员名册")  # fmt: skip
    return [{"e": e, "phone": d.phone(e.phone)} for e, d in zip(examiners, shown, strict=True)]


@require_http_methods(["GET", "POST"])
def examiner_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.examiners_visible_to(request.user).order_by("-is_active", "name")
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = _posted(request, EXAMINER_FIELDS)
        created, errors, error = attempt(lambda: services.examiner_create(actor=request.user, **values))
        if created is not None:
            messages.success(request, gettext("已登记考评员 %(name)s") % {"name": created.name})
            return redirect("exams:examiner_detail", pk=created.pk)
    manage = selectors.manages_examiners(request.user)
    ctx = {
        "rows": _rows(request, list(qs[:500])),
        "manage": manage,
        "values": values,
        "errors": errors,
        "error": error,
    }
    return render(request, "exams/examiner_list.html", ctx, status=400 if error else 200)


@require_POST
def examiner_import_view(request: HttpRequest) -> HttpResponse:
    report, errors, error = attempt(lambda: examiners_import(
        actor=request.user, uploaded_file=request.FILES.get("file"), valid_only=request.POST.get("valid_only") == "1"))  # fmt: skip
    qs = selectors.examiners_visible_to(request.user).order_by("-is_active", "name")
    ctx = {"rows": _rows(request, list(qs[:500])), "manage": True, "values": {}, "errors": errors,
           "error": error, "report": report}  # fmt: skip
    return render(request, "exams/examiner_list.html", ctx, status=400 if error else 200)


def examiner_template(request: HttpRequest) -> HttpResponse:
    selectors.managed_institution(request.user)
    response = HttpResponse(
        import_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''examiners-template.xlsx"
    return response


def detail_context(request: HttpRequest, e: Examiner, **extra: Any) -> dict[str, Any]:
    shown = selectors.disclosure(request.user, e, what="考评员档案")
    return {
        "e": e,
        "id_shown": shown.id_number(e.id_number),
        "phone_shown": shown.phone(e.phone),
        "manage": selectors.may_manage(request.user, e),
        "trainings": list(e.trainings.all()),
        "integrity": list(e.integrity.select_related("recorded_by")),
        "relations": list(selectors.relations_of(e)),
        "ended": list(selectors.relations_of(e, current=False)[:20]),
        "barred_until": selectors.barred_until(e),
        "integrity_kinds": ExaminerIntegrity.Kind.choices,
        "relation_kinds": ExaminerRelation.Kind.choices,
        "initial": {
            "name": e.name,
            "phone": "" if "*" in shown.phone(e.phone) else e.phone,
            "employer_name": e.employer_name,
            "occupations": "、".join(e.occupations or []),
            "licence_number": e.licence_number,
            "licence_level": e.licence_level,
            "licence_valid_until": e.licence_valid_until.isoformat(),
            "username": e.user.username if e.user else "",
        },
        "values": {},
        "errors": {},
        "error": "",
        "form": "",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def examiner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.examiner_get_for(request.user, pk)
    if request.method == "POST":
        form = request.POST.get("form", "")
        calls: dict[str, Callable[[dict[str, str]], Any]] = {
            "edit": lambda v: services.examiner_update(actor=request.user, examiner=e, data=v),
            "training": lambda v: services.examiner_training_add(actor=request.user, examiner=e, **v),
            "integrity": lambda v: services.examiner_integrity_add(actor=request.user, examiner=e, **v),
            "relation": lambda v: services.examiner_relation_declare(actor=request.user, examiner=e, **v),
            "disable": lambda v: services.examiner_disable(
                actor=request.user, examiner=e, reason=v["reason"]
            ),
            "enable": lambda v: services.examiner_enable(actor=request.user, examiner=e, reason=v["reason"]),
        }
        if form not in calls:
            raise NotFound()
        fields = {
            "edit": tuple(f for f in EXAMINER_FIELDS if f != "id_number" or request.POST.get(f)),
            "training": ("trained_on", "course", "hours", "organiser"),
            "integrity": ("recorded_on", "kind", "note", "bars_until"),
            "relation": ("kind", "org_name", "person_name", "person_id_number", "note"),
        }.get(form, ("reason",))
        values = _posted(request, fields)
        done, errors, error = attempt(lambda: calls[form](values))
        if done is not None:
            messages.success(request, gettext("已保存"))
            return redirect("exams:examiner_detail", pk=e.pk)
        ctx = detail_context(request, e, values=values, errors=errors, error=error, form=form)
        return render(request, "exams/examiner_detail.html", ctx, status=400)
    return render(request, "exams/examiner_detail.html", detail_context(request, e))


@require_POST
def examiner_relation_end(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    e = selectors.examiner_get_for(request.user, pk)
    relation = selectors.relation_get_for(e, rid)
    _done, _errors, error = attempt(
        lambda: services.examiner_relation_end(
            actor=request.user, relation=relation, reason=request.POST.get("reason", "")
        )
    )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("已终止该关系"))
    back = request.POST.get("back") == "me"
    return redirect("exams:examiner_me") if back else redirect("exams:examiner_detail", pk=pk)


@require_http_methods(["GET", "POST"])
def examiner_me(request: HttpRequest) -> HttpResponse:
    e = selectors.own_examiner(request.user)
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = _posted(request, ("kind", "org_name", "person_name", "person_id_number", "note"))
        done, errors, error = attempt(
            lambda: services.examiner_relation_declare(actor=request.user, examiner=e, **values)
        )
        if done is not None:
            messages.success(request, gettext("已申报，抽取考评组时将回避"))
            return redirect("exams:examiner_me")
    ctx = {
        "e": e,
        "relations": list(selectors.relations_of(e)),
        "ended": list(selectors.relations_of(e, current=False)[:20]),
        "panels": list(my_panels(request.user)[:50]),
        "relation_kinds": ExaminerRelation.Kind.choices,
        "values": values,
        "errors": errors,
        "error": error,
    }
    return render(request, "exams/examiner_me.html", ctx, status=400 if error else 200)


urlpatterns: list[URLPattern] = [
    path("examiners/", examiner_list, name="examiner_list"),
    path("examiners/import/", examiner_import_view, name="examiner_import"),
    path("examiners/template.xlsx", examiner_template, name="examiner_template"),
    path("examiners/me/", examiner_me, name="examiner_me"),
    path("examiners/<int:pk>/", examiner_detail, name="examiner_detail"),
    path("examiners/<int:pk>/relations/<int:rid>/end/", examiner_relation_end, name="examiner_relation_end"),
    *examiners_panels.urlpatterns,
    *examiners_supervision.urlpatterns,
]
public_urlpatterns: list[URLPattern] = []

"""Pages of trainees (TRN-8, TRN-13): a class's roster with the add-one-trainee and import forms, an
import's progress (htmx polling while it runs) and its error report, the roster export, the trainee's
own self-enrol button and the public self-registration page. Thin: parse, call one service, redirect;
a domain error re-renders with the messages in Chinese and the input kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.accounts.scoping import capabilities_of
from peiyu.core.errors import DomainError, NotFound
from peiyu.core.http import XLSX, attachment

from ..flows import ENROLMENT_FLOW
from ..models import RosterImport, TrainingClass
from ..selectors import trainees as sel
from ..selectors.actions import allowed_actions
from ..selectors.classes import announcements_public
from ..selectors.scope import class_disclosure
from ..services import roster_import as imports
from ..services import trainees as services
from . import photos

ROSTER_LIMIT = 500
PERSON_FIELDS = ("name", "id_number", "phone", "employer", "education", "category")


def _retired(value) -> bool | None:
    return {"yes": True, "true": True, "是": True, "no": False, "false": False, "否": False}.get(
        str(value or "").strip().lower()
    )


def _roster_context(request, klass: TrainingClass, **extra):
    _klass, enrolments = sel.class_roster(request.user, klass.pk)
    rows = list(enrolments[: ROSTER_LIMIT + 1])
    manage = sel.may_manage_class(request.user, klass)
    shown = class_disclosure(request.user, klass, what="class_roster", count=min(len(rows), ROSTER_LIMIT))
    for e in rows:
        # display attributes for the template: masked or full by role (DESIGN §7)
        e.shown_name = shown.name(e.trainee.name)  # type: ignore[attr-defined]
        e.masked_id = shown.id_number(e.trainee.id_number)  # type: ignore[attr-defined]
        e.allowed_actions = allowed_actions(ENROLMENT_FLOW, e, manages=manage)  # type: ignore[attr-defined]
    return {
        "klass": klass,
        "enrolments": rows[:ROSTER_LIMIT],
        "more": len(rows) > ROSTER_LIMIT,
        "active": services.active_count(klass.pk),
        "manage": manage,
        "enrolling": klass.status in services.ENROLLING_STATUSES,
        "imports": list(sel.roster_imports_of(request.user, klass.pk)[:10]),
        "modes": RosterImport.Mode.choices,
        "data": {},
        "errors": {},
        "import_errors": {},
        **extra,
    }


@require_http_methods(["GET", "POST"])
def class_roster(request, pk):
    """The roster; POST adds one person (registering them when new) and enrols them."""
    klass = sel.roster_class_get_for(request.user, pk)
    if request.method == "GET":
        return render(request, "training/trainees_roster.html", _roster_context(request, klass))
    data = {name: request.POST.get(name, "").strip() for name in PERSON_FIELDS}
    data["retired"] = request.POST.get("retired", "")
    try:
        trainee = services.trainee_register(actor=request.user, data=data)
        services.enrolment_add(
            actor=request.user,
            klass=klass,
            trainee=trainee,
            source="institution",
            retired=_retired(data["retired"]),
        )
    except NotFound:
        raise
    except DomainError as exc:
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        ctx = _roster_context(request, klass, data=data, errors=errors)
        return render(request, "training/trainees_roster.html", ctx, status=400)
    messages.success(request, _("%(name)s 已加入本班") % {"name": trainee.name})
    return HttpResponseRedirect(reverse("training:class_roster", args=[klass.pk]))


@require_POST
def class_roster_import(request, pk):
    klass = sel.roster_class_get_for(request.user, pk)
    try:
        imp = imports.roster_import_start(
            actor=request.user,
            klass=klass,
            uploaded_file=request.FILES.get("file"),
            mode=request.POST.get("mode", ""),
        )
    except NotFound:
        raise
    except DomainError as exc:
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        ctx = _roster_context(request, klass, import_errors=errors)
        return render(request, "training/trainees_roster.html", ctx, status=400)
    return HttpResponseRedirect(reverse("training:roster_import_detail", args=[imp.pk]))


@require_GET
def roster_import_detail(request, pk):
    imp = sel.roster_import_get_for(request.user, pk)
    running = imp.status in (RosterImport.Status.PENDING, RosterImport.Status.RUNNING)
    ctx = {"imp": imp, "running": running, "klass": imp.klass}
    if request.headers.get("HX-Request"):
        return render(request, "training/trainees_import_progress.html", ctx)
    return render(request, "training/trainees_import_detail.html", ctx)


@require_GET
def roster_import_report(request, pk):
    imp = sel.roster_import_get_for(request.user, pk)
    report = RosterImport.objects.filter(pk=imp.pk).values_list("error_report", flat=True).first()
    if not report:
        raise Http404(_("该次导入没有错误报告"))
    return attachment(
        bytes(report), f"花名册导入错误报告-{imp.pk}.xlsx", XLSX, f"roster-import-{imp.pk}-errors.xlsx"
    )


@require_GET
def class_roster_export(request, pk):
    klass = sel.roster_class_get_for(request.user, pk)
    content = imports.roster_export(actor=request.user, klass=klass)
    return attachment(content, f"花名册-{klass.number}.xlsx", XLSX, f"roster-{klass.number}.xlsx")


@require_POST
def class_self_enrol(request, pk):
    if "person.self" not in capabilities_of(request.user):
        raise PermissionDenied(_("请使用学员账号报名"))
    klass = announcements_public().filter(pk=pk).first()
    if klass is None:
        raise Http404(_("培训班不存在或未在招生"))
    try:
        services.enrolment_self(
            actor=request.user, klass=klass, retired=_retired(request.POST.get("retired"))
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已报名“%(title)s”") % {"title": klass.title})
    return HttpResponseRedirect(reverse("training:my_enrolments"))


@require_GET
def my_enrolments(request):
    rows = list(sel.enrolled_classes_of(request.user).order_by("-created_at")[:200])
    for e in rows:  # their own enrolments: the trainee may withdraw while the workflow allows it
        e.allowed_actions = allowed_actions(ENROLMENT_FLOW, e, manages=True)
    return render(request, "training/trainees_mine.html", {"enrolments": rows})


@require_POST
def enrolment_withdraw(request, pk):
    try:
        enrolment = sel.enrolment_get_for(request.user, pk)
        services.enrolment_withdraw(
            actor=request.user, enrolment=enrolment, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, "；".join(m for ms in (exc.fields or {}).values() for m in ms) or exc.message)
        if sel.may_manage_class(request.user, enrolment.klass):
            return HttpResponseRedirect(reverse("training:class_roster", args=[enrolment.klass_id]))
        return HttpResponseRedirect(reverse("training:my_enrolments"))
    messages.success(request, _("已退训"))
    if sel.may_manage_class(request.user, enrolment.klass):
        return HttpResponseRedirect(reverse("training:class_roster", args=[enrolment.klass_id]))
    return HttpResponseRedirect(reverse("training:my_enrolments"))


@login_not_required
@require_http_methods(["GET", "POST"])
def trainee_register(request):
    """Public self-registration of a trainee (username, password, name, ID number, phone)."""
    fields = ("username", "name", "id_number", "phone")
    if request.method == "GET":
        return render(request, "training/trainees_register.html", {"data": {}, "errors": {}})
    data = {name: request.POST.get(name, "").strip() for name in fields}
    try:
        services.trainee_self_register(data={**data, "password": request.POST.get("password", "")})
    except DomainError as exc:
        errors = dict(exc.fields or {})
        errors.setdefault("form", [exc.message])
        return render(
            request, "training/trainees_register.html", {"data": data, "errors": errors}, status=400
        )
    messages.success(request, _("注册成功，请登录"))
    return HttpResponseRedirect(reverse("accounts:login"))


urlpatterns = [
    path("classes/<int:pk>/roster/", class_roster, name="class_roster"),
    path("classes/<int:pk>/roster/import/", class_roster_import, name="class_roster_import"),
    path("classes/<int:pk>/roster/export/", class_roster_export, name="class_roster_export"),
    path("classes/<int:pk>/self-enrol/", class_self_enrol, name="class_self_enrol"),
    path("roster-imports/<int:pk>/", roster_import_detail, name="roster_import_detail"),
    path("roster-imports/<int:pk>/report/", roster_import_report, name="roster_import_report"),
    path("enrolments/<int:pk>/withdraw/", enrolment_withdraw, name="enrolment_withdraw"),
    path("my/enrolments/", my_enrolments, name="my_enrolments"),
    *photos.urlpatterns,
]

public_urlpatterns = [
    path("register/trainee/", trainee_register, name="trainee_register"),
]

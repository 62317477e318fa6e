"""Pages of the teacher registry (师资, TRN-1): an institution registers its teachers (ID numbers encrypted,
shown masked); officials see the teachers of institutions in their jurisdiction. Mounted by `plans`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peiyu.core.errors import DomainError

from ..models import TitleLevel
from ..selectors import plans as plan_sel
from ..services import plans as svc

PAGE_SIZE = 30
FIELDS = ("name", "id_number", "title", "title_level", "specialties")


def teacher_list(request):
    q = request.GET.get("q", "")
    page = Paginator(plan_sel.teachers_filtered(request.user, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/plans_teacher_list.html",
        {
            "page": page,
            "rows": plan_sel.teacher_rows(page),
            "q": q,
            "institution": plan_sel.managed_institution(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def teacher_new(request):
    institution = plan_sel.managed_institution(request.user)
    if institution is None:
        raise Http404(_("只有培训机构可以登记师资"))
    errors: dict[str, list[str]] = {}
    error = ""
    values: dict[str, object] = {"title_level": "", "dual_qualified": False}
    if request.method == "POST":
        values = {name: (request.POST.get(name) or "").strip() for name in FIELDS}
        values["dual_qualified"] = request.POST.get("dual_qualified") in ("on", "1", "true")
        try:
            teacher = svc.teacher_add(actor=request.user, institution=institution, data=values)
        except DomainError as exc:
            errors, error = exc.fields, exc.message
        else:
            messages.success(request, _("已登记师资 %(name)s") % {"name": teacher.name})
            return HttpResponseRedirect(reverse("training:teacher_list"))
    return render(
        request,
        "training/plans_teacher_form.html",
        {
            "institution": institution,
            "values": values,
            "errors": errors,
            "error": error,
            "levels": TitleLevel.choices,
        },
        status=400 if errors or error else 200,
    )


urlpatterns = [
    path("teachers/", teacher_list, name="teacher_list"),
    path("teachers/new/", teacher_new, name="teacher_new"),
]

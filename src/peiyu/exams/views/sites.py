"""Pages of exam sites (EVL-1, EVL-9): the institution enters a site with its rooms and photos and reports
it; the bureau of the site's region accepts or returns it, records inspections and may withdraw it. Thin:
parse, call one service, render; a refusal is shown on the same page with its rule and nothing typed is
lost. The affiliates' pages (EVL-9) are in `sites_affiliates`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError
from peiyu.core.schemas import check_out

from ..flows import SITE_FLOW
from ..models import ExamRoom, ExamSite, SiteInspection
from ..selectors import sites as sel
from ..services import sites as svc
from ..services import sites_rooms as rooms_svc
from . import sites_affiliates

PAGE_SIZE = 20
SITE_FIELDS = ("name", "address", "region", "contact_name", "contact_phone", "video_retention_days")
SITE_FLAGS = ("video_monitoring", "video_recording")
ROOM_FIELDS = ("kind", "name", "seats", "desk_spacing_cm", "computers", "equipment")
ROOM_FLAGS = ("one_per_desk", "video_monitoring")
REASON_ACTIONS = frozenset({"return", "withdraw"})


def _post(request: HttpRequest, fields: tuple[str, ...], flags: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {name: (request.POST.get(name) or "").strip() for name in fields}
    data.update({name: request.POST.get(name) in ("on", "1", "true") for name in flags})
    return data


def _institution(request: HttpRequest) -> Any:
    institution = sel.managed_institution(request.user)
    if institution is None:
        raise Http404(_("只有评价机构可以报送考核站点"))
    return institution


def site_list(request: HttpRequest) -> HttpResponse:
    filters = {"status": request.GET.get("status", ""), "q": request.GET.get("q", "")}
    qs = sel.sites_filtered(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exams/site_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any(v.strip() for v in filters.values()),
            "statuses": ExamSite.Status.choices,
            "institution": sel.managed_institution(request.user),
        },
    )


def _render_form(
    request: HttpRequest, institution: Any, values: dict[str, Any], *, site: ExamSite | None = None,
    errors: dict[str, list[str]] | None = None, error: str = "",
) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "exams/site_form.html",
        {"site": site, "institution": institution, "values": values, "errors": errors or {}, "error": error,
         "regions": sel.region_choices(institution)},
        status=400 if errors or error else 200,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def site_new(request: HttpRequest) -> HttpResponse:
    institution = _institution(request)
    if request.method == "POST":
        data = _post(request, SITE_FIELDS, SITE_FLAGS)
        try:
            site = svc.site_create(actor=request.user, institution=institution, data=data)
        except DomainError as exc:
            return _render_form(
                request, institution, data, errors=exc.fields, error=refusal_text(exc, fields=False)
            )
        messages.success(request, _("已保存站点，请登记考场并上传现场照片后报送"))
        return HttpResponseRedirect(reverse("exams:site_detail", args=[site.pk]))
    values = {"region": institution.region_id or "", "video_monitoring": True, "video_recording": True}
    return _render_form(request, institution, values)


@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    if not sel.can_edit(request.user, site):
        raise Http404()
    if request.method == "POST":
        data = _post(request, SITE_FIELDS, SITE_FLAGS)
        try:
            svc.site_update(actor=request.user, site=site, data=data)
        except DomainError as exc:
            return _render_form(
                request,
                site.institution,
                data,
                site=site,
                errors=exc.fields,
                error=refusal_text(exc, fields=False),
            )
        messages.success(request, _("已保存"))
        return HttpResponseRedirect(reverse("exams:site_detail", args=[site.pk]))
    values = {name: getattr(site, name) for name in SITE_FIELDS if name != "region"}
    values.update(
        region=site.region_id, video_monitoring=site.video_monitoring, video_recording=site.video_recording
    )
    return _render_form(request, site.institution, values, site=site)


# --- detail ------------------------------------------------------------------------------------------------


def _render_detail(
    request: HttpRequest, site: ExamSite, *, error: str = "", errors: dict[str, list[str]] | None = None,
    form: str = "", values: dict[str, Any] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    decisions = sel.site_decisions(site)
    latest = decisions[0] if decisions else None
    allowed = sel.site_allowed_actions(request.user, site)
    actions = [
        {"name": a, "label": SITE_FLOW.action(a).label, "needs_reason": a in REASON_ACTIONS} for a in allowed
    ]
    return render(
        request,
        "exams/site_detail.html",
        {
            "site": site,
            "rooms": list(site.rooms.filter(is_active=True)),
            "photos": list(site.photos.select_related("room")),
            "inspections": list(site.inspections.select_related("inspector", "org")),
            "decision": latest,
            "checks": [check_out(c) for c in latest.checks] if latest else [],
            "history": sel.site_history(site),
            "actions": actions,
            "can_edit": sel.can_edit(request.user, site),
            "can_inspect": sel.can_inspect(request.user, site),
            "room_kinds": ExamRoom.Kind.choices,
            "results": SiteInspection.Result.choices,
            "error": error,
            "errors": errors or {},
            "form": form,
            "values": values or {},
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, sel.site_get_for(request.user, pk))


def _refused(
    request: HttpRequest, pk: int, exc: DomainError, form: str, values: dict[str, Any]
) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    return _render_detail(
        request, site, error=refusal_text(exc, fields=False), errors=exc.fields, form=form, values=values,
        status=exc.status,
    )  # fmt: skip


ACTION_DONE = {
    "report": "已报送属地人社部门，等待受理",
    "report_change": "站点变更已重新报送，等待受理",
    "accept": "已受理该考核站点",
    "return": "已退回该考核站点",
    "withdraw": "已撤销该考核站点",
}


@require_POST
def site_act(request: HttpRequest, pk: int) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    action = request.POST.get("action", "")
    reason = (request.POST.get("reason") or "").strip()
    try:
        svc.site_act(actor=request.user, site=site, action=action, reason=reason)
    except DomainError as exc:
        return _refused(request, pk, exc, f"act-{action}", {"reason": reason})
    messages.success(request, _(ACTION_DONE.get(action, "已办理")))
    return HttpResponseRedirect(reverse("exams:site_detail", args=[pk]))


@require_POST
def room_save(request: HttpRequest, pk: int) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    data = _post(request, ROOM_FIELDS, ROOM_FLAGS)
    raw_room = request.POST.get("room_id") or ""
    try:
        rooms_svc.room_save(
            actor=request.user, site=site, data=data, room_id=int(raw_room) if raw_room.isdigit() else None
        )
    except DomainError as exc:
        return _refused(request, pk, exc, "room", data)
    messages.success(request, _("已登记考场"))
    return HttpResponseRedirect(reverse("exams:site_detail", args=[pk]) + "#rooms")


@require_POST
def room_remove(request: HttpRequest, pk: int, room_id: int) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    try:
        rooms_svc.room_remove(actor=request.user, site=site, room_id=room_id)
    except DomainError as exc:
        return _refused(request, pk, exc, "room", {})
    messages.success(request, _("已停用考场"))
    return HttpResponseRedirect(reverse("exams:site_detail", args=[pk]) + "#rooms")


@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    caption = (request.POST.get("caption") or "").strip()
    raw_room = request.POST.get("room") or ""
    try:
        rooms_svc.photo_add(
            actor=request.user, site=site, upload=request.FILES.get("photo"), caption=caption,
            room_id=int(raw_room) if raw_room.isdigit() else None,
        )  # fmt: skip
    except DomainError as exc:
        return _refused(request, pk, exc, "photo", {"caption": caption, "room": raw_room})
    messages.success(request, _("已上传照片"))
    return HttpResponseRedirect(reverse("exams:site_detail", args=[pk]) + "#photos")


def photo_file(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    site = sel.site_get_for(request.user, pk)
    photo = site.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404()
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@require_POST
def site_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    site = sel.site_get_for(request.user, pk)
    data = {name: (request.POST.get(name) or "").strip() for name in ("inspected_on", "result", "findings")}
    try:
        svc.site_inspect(actor=request.user, site=site, data=data)
    except DomainError as exc:
        return _refused(request, pk, exc, "inspect", data)
    messages.success(request, _("已登记检查"))
    return HttpResponseRedirect(reverse("exams:site_detail", args=[pk]) + "#inspections")


urlpatterns: list[URLPattern | URLResolver] = [
    path("sites/", site_list, name="site_list"),
    path("sites/new/", site_new, name="site_new"),
    path("sites/<int:pk>/", site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", site_edit, name="site_edit"),
    path("sites/<int:pk>/act/", site_act, name="site_act"),
    path("sites/<int:pk>/rooms/", room_save, name="site_room_save"),
    path("sites/<int:pk>/rooms/<int:room_id>/remove/", room_remove, name="site_room_remove"),
    path("sites/<int:pk>/photos/", photo_add, name="site_photo_add"),
    path("sites/<int:pk>/photos/<int:photo_id>/", photo_file, name="site_photo"),
    path("sites/<int:pk>/inspect/", site_inspect, name="site_inspect"),
    *sites_affiliates.urlpatterns,
]
public_urlpatterns: list[URLPattern | URLResolver] = []

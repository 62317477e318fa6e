"""Pages of evaluation archives (EVL-10): the sessions whose archives the user may see; a session's
records with their digests and retention, the institution's upload form and disposal with a reason; the
export of the whole archive as one zip. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError
from peiyu.core.http import attachment

from ..models import ArchiveRecord, EvaluationSession
from ..selectors import archives as sel
from ..services import archives as svc

PAGE_SIZE = 20
FIELDS = ("kind", "medium", "title", "location")


def archive_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.archive_sessions_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "exams/archive_list.html", {"page": page})


def _render_session(
    request: HttpRequest, session: EvaluationSession, *, error: str = "",
    errors: dict[str, list[str]] | None = None, values: dict[str, Any] | None = None, status: int = 200,
    dispose: int | None = None,
) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "exams/archive_session.html",
        {
            "session": session,
            "records": list(sel.archive_records(session)),
            "manages": sel.manages_session(request.user, session),
            "kinds": ArchiveRecord.Kind.choices,
            "media": ArchiveRecord.Medium.choices,
            "error": error,
            "errors": errors or {},
            "values": values or {"medium": "scan"},
            "dispose": dispose,
        },
        status=status,
    )


def archive_session(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_session(request, sel.archive_session_for(request.user, pk))


@require_POST
def archive_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.archive_session_for(request.user, pk)
    data = {name: (request.POST.get(name) or "").strip() for name in FIELDS}
    try:
        svc.archive_add(
            actor=request.user, session=session, kind=data["kind"], medium=data["medium"], title=data["title"],
            location=data["location"], upload=request.FILES.get("file"),
        )  # fmt: skip
    except DomainError as exc:
        return _render_session(
            request,
            session,
            error=refusal_text(exc, fields=False),
            errors=exc.fields,
            values=data,
            status=exc.status,
        )
    messages.success(request, _("已归档"))
    return HttpResponseRedirect(reverse("exams:archive_session", args=[session.pk]))


@require_POST
def archive_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    record = sel.record_get_for(request.user, pk)
    reason = (request.POST.get("reason") or "").strip()
    try:
        svc.archive_dispose(actor=request.user, record=record, reason=reason)
    except DomainError as exc:
        return _render_session(
            request, record.session, error=refusal_text(exc, fields=False), errors=exc.fields,
            values={"reason": reason}, status=exc.status, dispose=record.pk,
        )  # fmt: skip
    messages.success(request, _("已销毁，档案目录和摘要保留"))
    return HttpResponseRedirect(reverse("exams:archive_session", args=[record.session_id]))


def archive_file(request: HttpRequest, pk: int) -> FileResponse:
    record = sel.record_get_for(request.user, pk)
    if not record.file or record.disposed_at is not None:
        raise Http404()
    return FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )


def archive_export(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.archive_session_for(request.user, pk)
    name, body = svc.archive_export(actor=request.user, session=session)
    return attachment(body, name, "application/zip", f"archive-{session.number}.zip")


urlpatterns: list[URLPattern] = [
    path("archives/", archive_list, name="archive_list"),
    path("archives/<int:pk>/", archive_session, name="archive_session"),
    path("archives/<int:pk>/add/", archive_add, name="archive_add"),
    path("archives/<int:pk>/export/", archive_export, name="archive_export"),
    path("archives/records/<int:pk>/dispose/", archive_dispose, name="archive_dispose"),
    path("archives/records/<int:pk>/file/", archive_file, name="archive_file"),
]
public_urlpatterns: list[URLPattern] = []

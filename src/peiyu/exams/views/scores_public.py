"""Public pages of the score notice (/exam/, CAT-4) and the candidate's own scores.

The notice lists candidates with names and ticket numbers masked for everyone while it runs, with an
objection form (phone first: a name, a mobile phone and the facts); following an objection asks for the
tracking number and the phone in a POST body, never in the address. "My scores" shows a signed-in
candidate her released scores — theory (or 免考理论), practical, review, result."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.errors import DomainError, NotFound
from peiyu.core.middleware import client_ip
from peiyu.institutions.rules.notices import counting_text

from ..models import ScoreNotice
from ..selectors import scores as selectors
from ..services import objections as services

PAGE_SIZE = 20


def _period(notice: ScoreNotice) -> dict[str, Any]:
    return {
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "days": notice.working_days,
        "counted": counting_text(notice.counts_publication_day),
    }


@login_not_required
def score_notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notices_public(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"notice": n, "period": _period(n), "open": selectors.accepts_objections(n)} for n in page]
    return render(request, "exams/notice_list.html", {"page": page, "rows": rows})


def _render(
    request: HttpRequest,
    notice: ScoreNotice,
    *,
    errors: dict[str, list[str]] | None = None,
    post: Any = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "exams/notice_detail.html",
        {
            "notice": notice,
            "session": notice.session,
            "period": _period(notice),
            "rows": selectors.public_rows(notice),
            "open": selectors.accepts_objections(notice),
            "errors": errors or {},
            "post": post or {},
        },
        status=status,
    )


@login_not_required
def score_notice_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render(request, selectors.notice_get_public(number))


@login_not_required
@require_POST
def score_objection_create(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_get_public(number)
    post = request.POST
    try:
        objection = services.objection_submit(
            notice=notice,
            registration_id=post.get("registration", ""),
            name=post.get("name", ""),
            phone=post.get("phone", ""),
            content=post.get("content", ""),
            address=client_ip(request),
        )
    except DomainError as exc:
        errors = exc.fields or {"form": [exc.message]}
        return _render(request, notice, errors=errors, post=post, status=exc.status)
    return render(request, "exams/objection_created.html", {"notice": notice, "objection": objection})


@login_not_required
@require_http_methods(["GET", "POST"])
def score_objection_track(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    result = None
    data = {"tracking_number": request.GET.get("tracking_number", ""), "phone": ""}
    status = 200
    if request.method == "POST":
        data = {
            "tracking_number": request.POST.get("tracking_number", "").strip(),
            "phone": request.POST.get("phone", "").strip(),
        }
        if not data["tracking_number"]:
            errors["tracking_number"] = [_("请填写受理编号")]
        if not data["phone"]:
            errors["phone"] = [_("请填写提交异议时留下的手机号码")]
        if errors:
            status = 400
        else:
            try:
                obj = services.objection_lookup(tracking_number=data["tracking_number"], phone=data["phone"])
            except NotFound as exc:
                errors["form"] = [exc.message]
                status = 404
            else:
                result = {
                    "tracking_number": obj.tracking_number,
                    "status": obj.get_status_display(),
                    "decided": obj.status != obj.Status.OPEN,
                    "resolution": obj.resolution,
                    "session": obj.notice.session.title,
                }
    return render(
        request,
        "exams/objection_track.html",
        {"errors": errors, "result": result, "data": data},
        status=status,
    )


def my_scores(request: HttpRequest) -> HttpResponse:
    return render(request, "exams/score_mine.html", {"rows": list(selectors.my_results(request.user))})


urlpatterns: list[URLPattern] = [
    path("score-notices/", score_notice_list, name="score_notice_list"),
    path("score-notices/<str:number>/", score_notice_detail, name="score_notice_detail"),
    path("score-notices/<str:number>/objections/", score_objection_create, name="score_objection_create"),
    path("score-objections/track/", score_objection_track, name="score_objection_track"),
    path("my/scores/", my_scores, name="my_scores"),
]

"""Pages of results, the score notice and objections (EVL-5, EVL-7).

`urlpatterns` (/exams/, signed in): the sessions with results (the institution its own, a bureau its
region), a session's results page — every candidate with her scores and result, filters, the xlsx
export, the notice's period before and after publishing, the steps publish / back to grading / finalise
— and the objections with accept, dismiss and the re-marking form. `public_urlpatterns` (/exam/): the
public notice, the objection form, following an objection, and the candidate's own scores
(`scores_public`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.masking import personal_views
from peiyu.core.actions import dispatch
from peiyu.core.checks import refusal_text
from peiyu.core.documents.xlsx import xlsx_table
from peiyu.core.errors import DomainError
from peiyu.core.http import XLSX, attachment

from ..models import EvaluationSession, ScoreObjection
from ..selectors import scores as selectors
from ..services import notices as services
from ..services import objections as objection_services
from . import scores_public

PAGE_SIZE = 50
RESULT_CHOICES = [
    ("", "全部"), ("passed", "合格"), ("failed", "不合格"), ("absent", "缺考"), ("voided", "成绩无效"), ("pending", "未出成绩"),
]  # fmt: skip


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return exc.fields or {"form": [refusal_text(exc, fields=False)]}


def score_session_list(request: HttpRequest) -> HttpResponse:
    qs = (
        selectors.result_sessions_visible_to(request.user)
        .filter(status__in=[EvaluationSession.Status.GRADING, EvaluationSession.Status.NOTICE,
                            EvaluationSession.Status.CERTIFICATES])
        .order_by("-theory_starts_at", "-id")
    )  # fmt: skip
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exams/score_session_list.html", {"page": page})


def _results_context(request: HttpRequest, session: EvaluationSession, **extra: Any) -> dict[str, Any]:
    result = request.GET.get("result", "")
    q = request.GET.get("q", "")
    notice = selectors.current_notice(session)
    preview: dict[str, Any] | None = None
    preview_error = ""
    actions = selectors.score_allowed_actions(request.user, session)
    if "publish_notice" in actions:
        try:
            preview = services.notice_period(session)
        except DomainError as exc:
            preview_error = refusal_text(exc, fields=False)
    passing = (
        getattr(session, "passing_list", None)
        if session.status == EvaluationSession.Status.CERTIFICATES
        else None
    )
    return {
        "session": session,
        "rows": selectors.result_rows(request.user, session, result=result, q=q),
        "result": result,
        "q": q,
        "result_choices": RESULT_CHOICES,
        "notice": notice,
        "notice_period": services.notice_period_text(notice) if notice else "",
        "grading": services.grading_check(session)
        if session.status == EvaluationSession.Status.GRADING
        else None,
        "preview": preview,
        "preview_error": preview_error,
        "actions": actions,
        "objections": list(
            selectors.objections_visible_to(request.user)
            .filter(notice__session=session)
            .order_by("-created_at")[:100]
        ),
        "passing": passing,
        "errors": {},
        "post": {},
        **extra,
    }


def score_results(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.result_session_get_for(request.user, session_id)
    return render(request, "exams/score_results.html", _results_context(request, session))


def score_results_export(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.result_session_get_for(request.user, session_id)
    rows = selectors.result_rows(
        request.user, session, result=request.GET.get("result", ""), what="考核成绩导出"
    )
    header = ["准考证号", "姓名", "身份证号", "理论知识", "技能操作", "综合评审", "结果", "复核更正"]
    body = [
        [
            r.ticket,
            r.name,
            r.id_number,
            "免考" if r.registration.theory_exempt else r.registration.theory_score,
            r.registration.practical_score,
            r.registration.review_score,
            r.registration.get_result_display(),
            "是" if r.corrected else "",
        ]
        for r in rows
    ]
    content = xlsx_table(f"{session.number}考核成绩", header, body)
    return attachment(content, f"{session.number}考核成绩.xlsx", XLSX, f"{session.number}-results.xlsx")


@require_POST
def score_session_act(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.result_session_get_for(request.user, session_id)
    action = request.POST.get("action", "")
    try:
        dispatch(
            services.SCORE_SESSION_ACTIONS,
            action,
            actor=request.user,
            session=session,
            reason=request.POST.get("reason", ""),
            body=request.POST.get("body", ""),
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc, fields=False))
        session.refresh_from_db()
        context = _results_context(
            request, session, errors=_errors(exc), post=request.POST, failed_action=action
        )
        return render(request, "exams/score_results.html", context, status=exc.status)
    done = {
        "publish_notice": _("已发布成绩公示，考生可查看本人成绩"),
        "remark": _("已撤回成绩公示，批次退回阅卷评分"),
        "finalise": _("成绩公示期满，合格名单已生成证书数据"),
    }
    messages.success(request, done.get(action, _("已完成")))
    return HttpResponseRedirect(reverse("exams:score_results", args=[session.pk]))


def score_objection_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    qs = selectors.objections_visible_to(request.user)
    if status in ScoreObjection.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exams/objection_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ScoreObjection.Status.choices,
            "today": timezone.localdate(),
        },
    )


def _objection_page(
    request: HttpRequest,
    obj: ScoreObjection,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    reg = obj.registration
    shown = personal_views(
        request.user, [(obj.notice.session.region_code, obj.notice.session.institution_id)], what="成绩异议"
    )[0]
    return render(
        request,
        "exams/objection_detail.html",
        {
            "obj": obj,
            "reg": reg,
            "name": shown.name(reg.person.name) if reg else "",
            "phone": shown.phone(obj.submitter_phone),
            "remarks": [
                {
                    "part": objection_services.PARTS.get(m.part, m.part),
                    "before": m.before,
                    "after": m.after,
                    "remarked_at": m.remarked_at,
                    "note": m.note,
                }
                for m in obj.remarks.order_by("remarked_at")
            ],
            "actions": selectors.objection_allowed_actions(request.user, obj),
            "parts": objection_services.PARTS,
            "errors": errors or {},
            "post": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def score_objection_detail(request: HttpRequest, objection_id: int) -> HttpResponse:
    obj = selectors.objection_get_for(request.user, objection_id)
    if request.method == "GET":
        return _objection_page(request, obj)
    action = request.POST.get("action", "")
    try:
        if action == "remark":
            objection_services.objection_remark(
                actor=request.user,
                objection=obj,
                part=request.POST.get("part", ""),
                score=request.POST.get("score", ""),
                note=request.POST.get("note", ""),
            )
        else:
            dispatch(
                objection_services.OBJECTION_ACTIONS,
                action,
                actor=request.user,
                objection=obj,
                reason=request.POST.get("reason", ""),
            )
    except DomainError as exc:
        obj.refresh_from_db()
        return _objection_page(request, obj, errors=_errors(exc), status=exc.status)
    messages.success(request, _("已处理成绩异议 %(no)s") % {"no": obj.tracking_number})
    return HttpResponseRedirect(reverse("exams:score_objection_detail", args=[obj.pk]))


urlpatterns: list[URLPattern] = [
    path("scores/", score_session_list, name="score_session_list"),
    path("scores/sessions/<int:session_id>/", score_results, name="score_results"),
    path("scores/sessions/<int:session_id>/export/", score_results_export, name="score_results_export"),
    path("scores/sessions/<int:session_id>/act/", score_session_act, name="score_session_act"),
    path("scores/objections/", score_objection_list, name="score_objection_list"),
    path("scores/objections/<int:objection_id>/", score_objection_detail, name="score_objection_detail"),
]
public_urlpatterns: list[URLPattern] = scores_public.urlpatterns

"""Pages of completion (TRN-6, TRN-11, TRN-12): a class's completion page (hours, eligibility, scores,
complete, issue certificates), the training reports (the institution submits, officials read) and a
trainee's archive. The trainee's own pages and the public verification: `completion_trainee`.
Thin: each action parses, calls one service and redirects; a domain error re-renders with the message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peiyu.core.errors import DomainError
from peiyu.core.http import XLSX, attachment

from ..models import TrainingClass, TrainingReport
from ..selectors import completion as sel
from ..selectors.actions import class_allowed_actions, report_allowed_actions
from ..services import completion as svc
from ..services import reports as report_svc
from ..services.certificates import certificates_entry_check
from . import completion_trainee

LIST_LIMIT = 200


# --- class completion ------------------------------------------------------------------------------------


def _completion_page(request, klass: TrainingClass, *, errors=None, values=None, status=200, error=None):
    data = svc.completion_rows(klass)
    data["policy_name"] = data.pop("policy").name  # a Policy indexes by parameter: keep it out of templates
    errors, values = errors or {}, values or {}
    for row in data["rows"]:
        key = f"score_{row['enrolment'].pk}"
        row["error"] = errors.get(key, [])
        e = row["enrolment"]
        row["value"] = values.get(key, "" if e.exam_score is None else str(e.exam_score))
    manage = sel.manages_class(request.user, klass)
    issued = sum(1 for row in data["rows"] if row["certificate"])
    to_issue = sum(
        1 for row in data["rows"] if row["enrolment"].status == "completed" and not row["certificate"]
    )
    return render(
        request,
        "training/completion_class.html",
        {
            "klass": klass,
            "plan": klass.plan,
            **data,
            "can_manage": manage,
            "allowed_actions": (allowed := class_allowed_actions(request.user, klass)),
            # scores are recorded while the class may be completed (running, its institution)
            "can_complete": "complete" in allowed,
            "running": klass.status == TrainingClass.Status.RUNNING,
            "completed": klass.status == TrainingClass.Status.COMPLETED,
            "issued": issued,
            "to_issue": to_issue,
            # the catalog entry as issuing will judge it (SUP-7, DIR-1), said before the button is pressed
            "entry_check": certificates_entry_check(klass)
            if to_issue and klass.status == TrainingClass.Status.COMPLETED
            else None,
            "decision": klass.decision if klass.status == TrainingClass.Status.COMPLETED else None,
            "report": TrainingReport.objects.filter(klass=klass).first(),
            "errors": errors,
            "values": values,
            "error": error,
        },
        status=status,
    )


@require_GET
def class_completion(request, pk: int):
    return _completion_page(request, sel.completion_class_get_for(request.user, pk))


@require_POST
def class_scores(request, pk: int):
    klass = sel.completion_class_get_for(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            scores = svc.scores_parse_upload(klass=klass, content=upload.read(), filename=upload.name)
        else:
            scores = {
                k[len("score_") :]: v for k, v in request.POST.items() if k.startswith("score_") and v.strip()
            }
        n = svc.scores_record(actor=request.user, klass=klass, scores=scores)
    except DomainError as exc:
        values = {k: v for k, v in request.POST.items() if k.startswith("score_")}
        return _completion_page(
            request, klass, errors=exc.fields, values=values, status=exc.status, error=exc
        )
    messages.success(request, _("已保存 %(n)d 名学员的成绩") % {"n": n})
    return HttpResponseRedirect(reverse("training:class_completion", args=[klass.pk]))


@require_POST
def class_complete(request, pk: int):
    klass = sel.completion_class_get_for(request.user, pk)
    try:
        svc.class_complete(actor=request.user, klass=klass, pass_mark=request.POST.get("pass_mark") or None)
    except DomainError as exc:
        values = {"pass_mark": request.POST.get("pass_mark", "")}
        return _completion_page(
            request, klass, errors=exc.fields, values=values, status=exc.status, error=exc
        )
    messages.success(request, _("班级已结业，培训情况报告已生成"))
    return HttpResponseRedirect(reverse("training:class_completion", args=[klass.pk]))


@require_POST
def class_certificates(request, pk: int):
    klass = sel.completion_class_get_for(request.user, pk)
    try:
        certs = svc.certificates_issue(actor=request.user, klass=klass)
    except DomainError as exc:
        return _completion_page(request, klass, status=exc.status, error=exc)
    messages.success(request, _("已发放 %(n)d 张培训合格证书") % {"n": len(certs)})
    return HttpResponseRedirect(reverse("training:class_completion", args=[klass.pk]))


# --- reports ---------------------------------------------------------------------------------------------


@require_GET
def report_list(request):
    qs = sel.reports_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in TrainingReport.Status.values:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    rows = list(qs.order_by("status", "due_on", "-pk")[: LIST_LIMIT + 1])
    for r in rows:
        r.overdue = report_svc.is_overdue(r, today)
        r.late = report_svc.is_late(r)
    return render(
        request,
        "training/completion_report_list.html",
        {
            "reports": rows[:LIST_LIMIT],
            "more": len(rows) > LIST_LIMIT,
            "status": status,
            "statuses": TrainingReport.Status.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    report = sel.report_get_for(request.user, pk)
    klass = report.klass
    errors, error, narrative = {}, None, report.narrative
    if request.method == "POST":
        narrative = request.POST.get("narrative", "")
        try:
            report_svc.report_submit(actor=request.user, report=report, narrative=narrative)
        except DomainError as exc:
            errors, error = exc.fields, exc
        else:
            messages.success(request, _("培训情况报告已报送"))
            return HttpResponseRedirect(reverse("training:report_detail", args=[report.pk]))
    evaluations = None
    if sel.supervises_class(request.user, klass):
        evaluations = sel.evaluations_summary(request.user, klass)
    return render(
        request,
        "training/completion_report_detail.html",
        {
            "report": report,
            "klass": klass,
            "s": report.summary or {},
            "allowed_actions": (allowed := report_allowed_actions(request.user, report)),
            "can_submit": "submit" in allowed,
            "overdue": report_svc.is_overdue(report),
            "late": report_svc.is_late(report),
            "evaluations": evaluations,
            "errors": errors,
            "error": error,
            "narrative": narrative,
        },
        status=error.status if error else 200,
    )


@require_GET
def report_export(request, pk: int):
    report = sel.report_get_for(request.user, pk)
    content = report_svc.report_export(actor=request.user, report=report)
    return attachment(
        content, f"培训情况报告-{report.klass.number}.xlsx", XLSX, f"report-{report.klass.number}.xlsx"
    )


# --- archive (TRN-11) ------------------------------------------------------------------------------------


@require_GET
def trainee_archive(request, pk: int):
    archive = sel.trainee_archive(request.user, pk)
    return render(request, "training/completion_archive.html", {"a": archive})


@require_GET
def trainee_archive_export(request, pk: int):
    content = sel.archive_export(request.user, pk)
    return attachment(content, f"培训档案-{pk}.xlsx", XLSX, f"archive-{pk}.xlsx")


urlpatterns = [
    path("classes/<int:pk>/completion/", class_completion, name="class_completion"),
    path("classes/<int:pk>/completion/scores/", class_scores, name="class_scores"),
    path("classes/<int:pk>/completion/complete/", class_complete, name="class_complete"),
    path("classes/<int:pk>/completion/certificates/", class_certificates, name="class_certificates_issue"),
    path("reports/", report_list, name="report_list"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/export.xlsx", report_export, name="report_export"),
    path("trainees/<int:pk>/archive/", trainee_archive, name="trainee_archive"),
    path("trainees/<int:pk>/archive.xlsx", trainee_archive_export, name="trainee_archive_export"),
    *completion_trainee.urlpatterns,
]
public_urlpatterns = completion_trainee.public_urlpatterns

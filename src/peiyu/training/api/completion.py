"""API of completion (TRN-4, TRN-6, TRN-7, TRN-11, TRN-12): the same services as the pages. Every lookup
goes through the actor's scoped selectors, so out of scope and missing are both 404. Certificates are
issued through the certificates app (ADR 0007 §4); their reads, verification and invalidation are its API.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated, Any

from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.core.cleaning_adapters import Reason, Text
from peiyu.core.errors import NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import Enrolment
from ..selectors import completion as sel
from ..selectors.actions import report_allowed_actions
from ..selectors.scope import certificate_holders_shown
from ..services import completion as svc
from ..services import evaluations as eval_svc
from ..services import reports as report_svc

router = Router(tags=["training-completion"])


class ScoresIn(Schema):
    scores: dict[str, str] = Field(..., description="报名记录编号 → 成绩（0–100，一位小数）")


class ScoresOut(Schema):
    recorded: int


class CompleteIn(Schema):
    pass_mark: str | None = Field(None, max_length=8, description="政策配置未设定 pass_score 时必填")


class CompletionOut(Schema):
    class_id: int
    status: str
    completed: int
    failed: int
    report_id: int | None
    report_due_on: dt.date | None
    decision: DecisionOut


class CertificateOut(Schema):
    id: int
    number: str
    status: str
    holder_name: str
    occupation_code: str
    occupation_name: str
    direction: str
    level: str
    hours: int
    ce_hours: int
    ce_year: int
    issued_on: dt.date
    institution: str
    enrolment_id: int
    verify_url: str
    pdf_url: str


class ReportOut(Schema):
    id: int
    class_id: int
    class_number: str
    class_title: str
    institution: str
    status: str
    due_on: dt.date | None
    overdue: bool
    late: bool
    submitted_at: dt.datetime | None


class ReportDetailOut(ReportOut):
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作（工作流表与管辖范围）")
    narrative: str
    summary: dict[str, Any]


class SubmitIn(Schema):
    narrative: Annotated[str, Reason("培训情况说明", max_length=20000)]


class EvaluationIn(Schema):
    content: int
    teaching: int
    organisation: int
    overall: int
    fees_as_published: bool = True
    comment: Annotated[str, Text(500)] = ""


class EvaluationOut(Schema):
    id: int
    enrolment_id: int
    content: int
    teaching: int
    organisation: int
    overall: int
    fees_as_published: bool
    comment: str


def _cert(request, c: dict, holder: str) -> dict:
    """A certificate as the certificates app gives it to training (selectors.completion.CERTIFICATE_POINT)."""
    return {
        **{k: c[k] for k in ("id", "number", "status", "occupation_code", "occupation_name", "direction")},
        **{k: c[k] for k in ("level", "hours", "ce_hours", "ce_year", "issued_on", "institution")},
        "holder_name": holder,
        "enrolment_id": c["enrolment_id"],
        "verify_url": request.build_absolute_uri(c["verify_url"]),
        "pdf_url": request.build_absolute_uri(c["pdf_url"]),
    }


def _report_detail(request, r) -> dict:
    return {**_report(r), "allowed_actions": report_allowed_actions(request.auth, r)}


def _report(r) -> dict:
    k = r.klass
    return {
        "id": r.pk,
        "class_id": k.pk,
        "class_number": k.number,
        "class_title": k.title,
        "institution": k.plan.institution.name,
        "status": r.status,
        "due_on": r.due_on,
        "overdue": report_svc.is_overdue(r),
        "late": report_svc.is_late(r),
        "submitted_at": r.submitted_at,
        "narrative": r.narrative,
        "summary": r.summary or {},
    }


@router.post("/training/classes/{class_id}/scores", response=ScoresOut, summary="录入结业考核成绩（TRN-6）")
def scores_record(request, class_id: PathId, body: ScoresIn):
    klass = sel.completion_class_get_for(request.auth, class_id)
    return {"recorded": svc.scores_record(actor=request.auth, klass=klass, scores=body.scores)}


@router.post(
    "/training/classes/{class_id}/complete", response=CompletionOut, summary="班级结业（TRN-4、TRN-6）"
)
def class_complete(request, class_id: PathId, body: CompleteIn):
    klass = sel.completion_class_get_for(request.auth, class_id)
    done = svc.class_complete(actor=request.auth, klass=klass, pass_mark=body.pass_mark)
    report = getattr(done, "report", None)
    counts = {
        s: done.enrolments.filter(decision=done.decision, status=s).count() for s in ("completed", "failed")
    }
    return {
        "class_id": done.pk,
        "status": done.status,
        **counts,
        "report_id": report.pk if report else None,
        "report_due_on": report.due_on if report else None,
        "decision": decision_out(done.decision),  # type: ignore[arg-type]  # completion stores its decision
    }


@router.post(
    "/training/classes/{class_id}/certificates",
    response=Page[CertificateOut],
    summary="发放培训合格证书（TRN-6、TRN-7），返回本次发放的证书",
)
def certificates_issue(request, class_id: PathId):
    klass = sel.completion_class_get_for(request.auth, class_id)
    certs = svc.certificates_issue(actor=request.auth, klass=klass)
    holders = certificate_holders_shown(request.auth, certs, what="certificates_issued")
    issued = [_cert(request, c, h) for c, h in zip(certs, holders, strict=True)]
    return {"items": issued, "count": len(issued)}


@router.get("/training/reports", response=Page[ReportOut], summary="培训情况报告")
def report_list(request, page: Query[PageQuery]):
    return paginate(sel.reports_visible_to(request.auth).order_by("status", "due_on", "-pk"), page, _report)


@router.get("/training/reports/{report_id}", response=ReportDetailOut, summary="培训情况报告详情")
def report_get(request, report_id: PathId):
    return _report_detail(request, sel.report_get_for(request.auth, report_id))


@router.post(
    "/training/reports/{report_id}/submit", response=ReportDetailOut, summary="报送培训情况报告（TRN-6）"
)
def report_submit(request, report_id: PathId, body: SubmitIn):
    report = sel.report_get_for(request.auth, report_id)
    return _report_detail(
        request, report_svc.report_submit(actor=request.auth, report=report, narrative=body.narrative)
    )


@router.get(
    "/training/reports/{report_id}/evaluations", response=dict[str, Any], summary="学员评价汇总（TRN-12）"
)
def report_evaluations(request, report_id: PathId):
    report = sel.report_get_for(request.auth, report_id)
    return sel.evaluations_summary(request.auth, report.klass)


@router.get(
    "/training/trainees/{trainee_id}/archive", response=dict[str, Any], summary="学员培训档案（TRN-11）"
)
def trainee_archive(request, trainee_id: PathId):
    return sel.trainee_archive(request.auth, trainee_id)


@router.post(
    "/training/enrolments/{enrolment_id}/evaluation", response=EvaluationOut, summary="学员评价培训（TRN-12）"
)
def evaluation_submit(request, enrolment_id: PathId, body: EvaluationIn):
    enrolment = Enrolment.objects.select_related("trainee", "klass").filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound()
    ev = eval_svc.evaluation_submit(actor=request.auth, enrolment=enrolment, data=body.dict())
    return {
        "id": ev.pk,
        "enrolment_id": ev.enrolment_id,
        **{
            k: getattr(ev, k)
            for k in ("content", "teaching", "organisation", "overall", "fees_as_published", "comment")
        },
    }

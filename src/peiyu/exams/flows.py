"""The state machines of evaluation (ADR 0001): one table per stateful model; every status change goes
through it (services call `transition`, `transition_many` or `created`). The audit action of a move is
`"<name>.<to-status>"`, of a new row `"<name>.created"`.

A session walks EVL-5's steps in order (announcement → registration → eligibility review → room
preparation → paper generation → exam → grading → score notice → certificate data); each step's
preconditions are the services' checks, stored as Decisions. Models without a status (rooms, photos,
inspections, blueprints, examiners, panels, markings, score entries, archive records, affiliates) have
no table."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.workflow import Action, Workflow

from .models import (
    Attempt,
    BankImport,
    BulkRegistration,
    EvaluationPlan,
    EvaluationSession,
    ExamSite,
    Incident,
    Item,
    Paper,
    Registration,
    ResumeRequest,
    ScoreNotice,
    ScoreObjection,
    Sitting,
)

MANAGE = "exam.manage"
SUPERVISE = "exam.supervise"
PROCTOR = "exam.proctor"

ST = ExamSite.Status
SITE_FLOW = Workflow(
    ExamSite,
    {
        ST.DRAFT: {ST.REPORTED},
        ST.REPORTED: {ST.ACCEPTED, ST.RETURNED},
        ST.RETURNED: {ST.REPORTED},
        ST.ACCEPTED: {ST.WITHDRAWN, ST.REPORTED},
    },
    name="exam_site",
    actions=[
        Action("report", ST.REPORTED, _("报送"), MANAGE, frozenset({ST.DRAFT, ST.RETURNED})),
        Action("accept", ST.ACCEPTED, _("受理"), SUPERVISE),
        Action("return", ST.RETURNED, _("退回"), SUPERVISE),
        Action("report_change", ST.REPORTED, _("变更后重新报送"), MANAGE, frozenset({ST.ACCEPTED})),
        Action("withdraw", ST.WITHDRAWN, _("撤销站点"), SUPERVISE),
    ],
)

I = Item.Status  # noqa: E741
ITEM_FLOW = Workflow(
    Item,
    {
        I.DRAFT: {I.IN_REVIEW},
        I.RETURNED: {I.IN_REVIEW},
        I.IN_REVIEW: {I.REVIEWED, I.RETURNED},
        I.REVIEWED: {I.APPROVED, I.RETURNED},
        # a new version of an approved item goes through review again
        I.APPROVED: {I.IN_REVIEW, I.RETIRED},
    },
    name="exam_item",
    actions=[
        Action("submit", I.IN_REVIEW, _("提交审题"), "exam.bank_write", frozenset({I.DRAFT, I.RETURNED})),
        Action("review", I.REVIEWED, _("审题通过"), "exam.bank_review"),
        Action("return", I.RETURNED, _("退回修改"), "exam.bank_review"),
        Action("approve", I.APPROVED, _("审定"), "exam.bank_approve"),
        Action("retire", I.RETIRED, _("停用"), "exam.bank_approve"),
    ],
)

PL = EvaluationPlan.Status
PLAN_FLOW = Workflow(
    EvaluationPlan,
    {PL.DRAFT: {PL.PUBLISHED, PL.WITHDRAWN}, PL.PUBLISHED: {PL.WITHDRAWN}},
    name="evaluation_plan",
    actions=[
        Action("publish", PL.PUBLISHED, _("公布"), MANAGE),
        Action("withdraw", PL.WITHDRAWN, _("撤回"), MANAGE),
    ],
)

S = EvaluationSession.Status
_CANCELLABLE = (S.DRAFT, S.ANNOUNCED, S.REGISTRATION, S.ELIGIBILITY, S.ROOMS, S.PAPERS)
SESSION_FLOW = Workflow(
    EvaluationSession,
    {
        S.DRAFT: {S.ANNOUNCED, S.CANCELLED},
        S.ANNOUNCED: {S.REGISTRATION, S.CANCELLED},
        S.REGISTRATION: {S.ELIGIBILITY, S.CANCELLED},
        S.ELIGIBILITY: {S.ROOMS, S.CANCELLED},
        S.ROOMS: {S.PAPERS, S.CANCELLED},
        S.PAPERS: {S.EXAM, S.CANCELLED},
        S.EXAM: {S.GRADING},
        S.GRADING: {S.NOTICE},
        S.NOTICE: {S.CERTIFICATES, S.GRADING},
    },
    name="evaluation_session",
    actions=[
        Action("announce", S.ANNOUNCED, _("发布考核公告"), MANAGE),
        Action("open_registration", S.REGISTRATION, _("开始报名"), MANAGE),
        Action("close_registration", S.ELIGIBILITY, _("截止报名，进入资格审核"), MANAGE),
        Action("finish_review", S.ROOMS, _("资格审核完成，编排考场"), MANAGE),
        Action("prepare_papers", S.PAPERS, _("考场编排完成，生成试卷"), MANAGE),
        Action("start_exam", S.EXAM, _("开考"), MANAGE),
        Action("start_grading", S.GRADING, _("考试结束，开始评分"), MANAGE, frozenset({S.EXAM})),
        Action("publish_notice", S.NOTICE, _("发布成绩公示"), MANAGE),
        Action("remark", S.GRADING, _("复核成绩"), MANAGE, frozenset({S.NOTICE})),
        Action("finalise", S.CERTIFICATES, _("公示期满，生成证书数据"), MANAGE),
        Action("cancel", S.CANCELLED, _("取消批次"), MANAGE, frozenset(_CANCELLABLE)),
    ],
)

SI = Sitting.Status
SITTING_FLOW = Workflow(
    Sitting,
    {SI.SCHEDULED: {SI.OPEN}, SI.OPEN: {SI.CLOSED}},
    name="exam_sitting",
    actions=[
        Action("open", SI.OPEN, _("开考"), PROCTOR),
        Action("close", SI.CLOSED, _("结束考试"), PROCTOR),
    ],
)

R = Registration.Status
REGISTRATION_FLOW = Workflow(
    Registration,
    {
        R.DRAFT: {R.SUBMITTED, R.WITHDRAWN},
        R.SUBMITTED: {R.APPROVED, R.RETURNED, R.REJECTED, R.WITHDRAWN},
        R.RETURNED: {R.SUBMITTED, R.WITHDRAWN},
        R.APPROVED: {R.WITHDRAWN},
    },
    name="exam_registration",
    actions=[
        Action("submit", R.SUBMITTED, _("提交报名"), "", frozenset({R.DRAFT, R.RETURNED})),
        Action("approve", R.APPROVED, _("审核通过"), MANAGE),
        Action("return", R.RETURNED, _("退回补正"), MANAGE),
        Action("reject", R.REJECTED, _("审核不通过"), MANAGE),
        Action("withdraw", R.WITHDRAWN, _("撤回报名"), ""),
    ],
)

PA = Paper.Status
PAPER_FLOW = Workflow(
    Paper,
    {
        PA.ASSEMBLED: {PA.SEALED, PA.VOIDED},
        PA.SEALED: {PA.OPENED, PA.VOIDED},
        PA.OPENED: {PA.VOIDED},
    },
    name="exam_paper",
    actions=[
        Action("seal", PA.SEALED, _("封存"), MANAGE),
        Action("void", PA.VOIDED, _("作废"), MANAGE),
    ],
)

A = Attempt.Status
ATTEMPT_FLOW = Workflow(
    Attempt,
    {
        A.NOT_STARTED: {A.IN_PROGRESS, A.VOIDED},
        A.IN_PROGRESS: {A.SUSPENDED, A.SUBMITTED, A.AUTO_SUBMITTED, A.VOIDED},
        A.SUSPENDED: {A.IN_PROGRESS, A.AUTO_SUBMITTED, A.VOIDED},
    },
    name="exam_attempt",
    actions=[Action("void", A.VOIDED, _("作废本场作答"), PROCTOR)],
)

RR = ResumeRequest.Status
RESUME_FLOW = Workflow(
    ResumeRequest,
    {RR.PENDING: {RR.APPROVED, RR.REFUSED}},
    name="exam_resume_request",
    actions=[
        Action("approve", RR.APPROVED, _("同意续考"), PROCTOR),
        Action("refuse", RR.REFUSED, _("不同意"), PROCTOR),
    ],
)

IN = Incident.Status
INCIDENT_FLOW = Workflow(
    Incident,
    {IN.RECORDED: {IN.REPORTED, IN.CLOSED}, IN.REPORTED: {IN.CLOSED}},
    name="exam_incident",
    actions=[
        Action("report", IN.REPORTED, _("报告"), PROCTOR),
        Action("close", IN.CLOSED, _("处理完毕"), SUPERVISE),
    ],
)

N = ScoreNotice.Status
SCORE_NOTICE_FLOW = Workflow(
    ScoreNotice,
    {N.PUBLISHED: {N.CLOSED, N.WITHDRAWN}},
    name="score_notice",
    actions=[Action("withdraw", N.WITHDRAWN, _("撤回公示"), MANAGE)],
)

O = ScoreObjection.Status  # noqa: E741
SCORE_OBJECTION_FLOW = Workflow(
    ScoreObjection,
    {O.OPEN: {O.ACCEPTED, O.DISMISSED}, O.ACCEPTED: {O.RESOLVED}},
    name="score_objection",
    actions=[
        Action("accept", O.ACCEPTED, _("受理复核"), MANAGE),
        Action("dismiss", O.DISMISSED, _("不予支持"), MANAGE),
        Action("resolve", O.RESOLVED, _("复核办结"), MANAGE),
    ],
)

# An import is recorded once with its outcome (done or refused) and never changes: no moves, only the
# creation in the transition log.
BANK_IMPORT_FLOW = Workflow(BankImport, {}, name="exam_bank_import")
BULK_REGISTRATION_FLOW = Workflow(BulkRegistration, {}, name="exam_bulk_registration")

# A candidate's result (EVL-7, field `result`): set by services.results.results_compute from the scores
# (check_result, stored as `result_decision`), recomputed when a score changes (re-marking), voided for
# a discipline breach. Moves only; no verbs of their own.
RE = Registration.Result
RESULT_FLOW = Workflow(
    Registration,
    {
        RE.PENDING: {RE.PASSED, RE.FAILED, RE.ABSENT, RE.VOIDED},
        RE.PASSED: {RE.FAILED, RE.ABSENT, RE.VOIDED},
        RE.FAILED: {RE.PASSED, RE.ABSENT, RE.VOIDED},
        RE.ABSENT: {RE.PASSED, RE.FAILED, RE.VOIDED},
    },
    name="exam_result",
    field="result",
)

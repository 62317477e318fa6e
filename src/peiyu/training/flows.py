"""The state machines of training (DESIGN conventions §4, ADR 0001): one table per stateful model,
every status change through it (services call `transition`, `transition_many` or `created`). The audit
action of a move is `"<name>.<to-status>"`, of a new row `"<name>.created"`.

Models without a status (teachers, trainees, sessions, attendance, online batches and records,
platform keys, evaluations) have no table. An inspection is recorded once with its result and never
changes: its table has no moves, only the creation in the transition log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.workflow import Action, Workflow

from .models import (
    Anomaly,
    Enrolment,
    Inspection,
    RosterImport,
    TrainingClass,
    TrainingPlan,
    TrainingReport,
)

MANAGE = "training.manage"
SUPERVISE = "training.supervise"

P = TrainingPlan.Status
PLAN_FLOW = Workflow(
    TrainingPlan,
    {
        P.DRAFT: {P.FILED, P.WITHDRAWN},
        P.FILED: {P.WITHDRAWN},
    },
    name="training_plan",
    actions=[
        Action("file", P.FILED, _("备案"), MANAGE),
        Action("withdraw", P.WITHDRAWN, _("撤回"), MANAGE),
    ],
)

C = TrainingClass.Status
# running → completed is made by services.completion, with every enrolment of the class.
CLASS_FLOW = Workflow(
    TrainingClass,
    {
        C.DRAFT: {C.ANNOUNCED, C.CANCELLED},
        C.ANNOUNCED: {C.OPENING, C.RUNNING, C.CANCELLED},
        C.OPENING: {C.RUNNING, C.ANNOUNCED, C.CANCELLED},
        C.RUNNING: {C.COMPLETED},
    },
    name="training_class",
    actions=[
        Action("announce", C.ANNOUNCED, _("发布招生简章"), MANAGE, frozenset({C.DRAFT})),
        Action("request_opening", C.OPENING, _("提出开班申请"), MANAGE),
        Action("approve_opening", C.RUNNING, _("同意开班"), SUPERVISE, frozenset({C.OPENING})),
        Action("refuse_opening", C.ANNOUNCED, _("不同意开班"), SUPERVISE, frozenset({C.OPENING})),
        Action("start", C.RUNNING, _("开班"), MANAGE, frozenset({C.ANNOUNCED})),
        Action("complete", C.COMPLETED, _("结业"), MANAGE),
        Action("cancel", C.CANCELLED, _("取消"), MANAGE),
    ],
)

E = Enrolment.Status
# completed and failed are decided for the whole class at completion (transition_many).
ENROLMENT_FLOW = Workflow(
    Enrolment,
    {E.ENROLLED: {E.WITHDRAWN, E.COMPLETED, E.FAILED}},
    name="enrolment",
    actions=[Action("withdraw", E.WITHDRAWN, _("退训"), MANAGE)],
)

R = RosterImport.Status
# pending → running when a worker claims it; running ends done, refused (errors in the file) or failed
# (the run broke, or its worker died and the tick found it).
ROSTER_IMPORT_FLOW = Workflow(
    RosterImport,
    {
        R.PENDING: {R.RUNNING},
        R.RUNNING: {R.DONE, R.REFUSED, R.FAILED},
    },
    name="roster_import",
)

A = Anomaly.Status
# An official may explain an anomaly already explained by the institution, or confirm it; confirmed
# is final.
ANOMALY_FLOW = Workflow(
    Anomaly,
    {
        A.OPEN: {A.EXPLAINED, A.CONFIRMED},
        A.EXPLAINED: {A.EXPLAINED, A.CONFIRMED},
    },
    name="anomaly",
    actions=[
        Action("explain", A.EXPLAINED, _("说明")),
        Action("confirm", A.CONFIRMED, _("确认异常"), SUPERVISE),
    ],
)

INSPECTION_FLOW = Workflow(Inspection, {}, name="inspection", field="result")

RP = TrainingReport.Status
REPORT_FLOW = Workflow(
    TrainingReport,
    {RP.DRAFT: {RP.SUBMITTED}},
    name="training_report",
    actions=[Action("submit", RP.SUBMITTED, _("报送"), MANAGE)],
)

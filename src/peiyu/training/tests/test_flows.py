"""The state machines of training (training/flows.py): every allowed move of every table walked (through
the services where they make it, else `flow.transition` on a factory row) with its status, transition
log row and audit action; a sample of forbidden moves refused with nothing written; every table in
the registry; a roster import never left running (a failure in the run, a worker that died)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidTransition
from peiyu.core.models import TransitionLog
from peiyu.core.workflow import Workflow
from peiyu.training import flows
from peiyu.training.models import (
    Anomaly,
    Enrolment,
    Inspection,
    RosterImport,
    TrainingClass,
    TrainingPlan,
    TrainingReport,
)
from peiyu.training.services import anomalies as anomaly_svc
from peiyu.training.services import classes as class_svc
from peiyu.training.services import plans as plan_svc
from peiyu.training.services import reports as report_svc
from peiyu.training.services import roster_import as roster_svc
from peiyu.training.services import roster_stale as stale
from peiyu.training.services import trainees as trainee_svc

from . import completion_factories as f
from .classes_support import fz_class
from .trainee_helpers import make_class, person, roster_csv

pytestmark = pytest.mark.django_db

_n = itertools.count(1)

TABLES = {
    "training_plan": flows.PLAN_FLOW,
    "training_class": flows.CLASS_FLOW,
    "enrolment": flows.ENROLMENT_FLOW,
    "roster_import": flows.ROSTER_IMPORT_FLOW,
    "anomaly": flows.ANOMALY_FLOW,
    "inspection": flows.INSPECTION_FLOW,
    "training_report": flows.REPORT_FLOW,
}


def test_every_table_is_in_the_registry_under_its_name():
    for name, flow in TABLES.items():
        assert Workflow.registry[name] is flow and flow.name == name


# --- factory rows in a given status ---------------------------------------------------------------------


def _klass(world, status=TrainingClass.Status.RUNNING):
    return f.klass(f.plan(world), status=status)


def _row(world, flow: Workflow, status: str):
    """A row of the flow's model in `status`, made with the ORM."""
    model = flow.model
    if model is TrainingPlan:
        return f.plan(world, status=status)
    if model is TrainingClass:
        return _klass(world, status)
    k = _klass(world)
    if model is Enrolment:
        e = f.enrol(k, f.trainee())
        Enrolment.objects.filter(pk=e.pk).update(status=status)
        e.refresh_from_db()
        return e
    if model is RosterImport:
        return RosterImport.objects.create(
            klass=k, filename="r.csv", sha256="0" * 64, content=b"x", mode="valid", status=status
        )
    if model is Anomaly:
        return Anomaly.objects.create(klass=k, kind="overlap", key=f"k{next(_n)}", status=status)
    if model is TrainingReport:
        return TrainingReport.objects.create(klass=k, status=status)
    raise AssertionError(model)


def _moves():
    for name, flow in TABLES.items():
        for source, targets in flow.transitions.items():
            for target in sorted(targets):
                yield pytest.param(name, source, target, id=f"{name}:{source}->{target}")


def _logs(obj):
    return TransitionLog.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))


def _audits(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


@pytest.mark.parametrize(("name", "source", "target"), list(_moves()))
def test_every_allowed_move_writes_status_log_and_audit(training, name, source, target):
    flow = TABLES[name]
    obj = _row(training, flow, source)
    flow.transition(obj, target, actor=training.ln_official, reason="测试")
    obj.refresh_from_db()
    assert getattr(obj, flow.field) == target
    log = _logs(obj).get()
    assert (log.from_status, log.to_status, log.actor, log.reason) == (
        source,
        target,
        training.ln_official,
        "测试",
    )
    assert list(_audits(obj).values_list("action", flat=True)) == [f"{name}.{target}"]


FORBIDDEN = [
    ("training_plan", "withdrawn", "filed"),
    ("training_plan", "filed", "draft"),
    ("training_class", "draft", "running"),
    ("training_class", "completed", "cancelled"),
    ("training_class", "cancelled", "announced"),
    ("enrolment", "withdrawn", "enrolled"),
    ("enrolment", "completed", "withdrawn"),
    ("roster_import", "pending", "done"),
    ("roster_import", "failed", "running"),
    ("roster_import", "done", "failed"),
    ("anomaly", "confirmed", "explained"),
    ("inspection", "passed", "issues"),
    ("training_report", "submitted", "draft"),
]


@pytest.mark.parametrize(("name", "source", "target"), FORBIDDEN)
def test_a_forbidden_move_is_refused_and_writes_nothing(training, name, source, target):
    flow = TABLES[name]
    if flow.model is Inspection:
        k = _klass(training)
        obj = Inspection.objects.create(
            klass=k,
            kind="process",
            inspected_on=dt.date(2026, 3, 1),
            result=source,
            inspector=training.fz_official,
            org=training.fz_official.primary_org,
        )
    else:
        obj = _row(training, flow, source)
    with pytest.raises(InvalidTransition):
        flow.transition(obj, target, actor=training.ln_official)
    obj.refresh_from_db()
    assert getattr(obj, flow.field) == source
    assert not _logs(obj).exists() and not _audits(obj).exists()


def test_bulk_moves_are_checked_all_or_nothing(training):
    k = _klass(training)
    good, done = f.enrol(k, f.trainee()), f.enrol(k, f.trainee("李四"))
    Enrolment.objects.filter(pk=done.pk).update(status="completed")
    with pytest.raises(InvalidTransition):
        flows.ENROLMENT_FLOW.transition_many([good, done], "withdrawn", actor=training.ln_official)
    good.refresh_from_db()
    assert good.status == "enrolled" and not _logs(good).exists()


# --- through the services -----------------------------------------------------------------------------------


def _actions(obj):
    return list(_audits(obj).order_by("seq").values_list("action", flat=True))


def _moves_of(obj):
    return [(x.from_status, x.to_status) for x in _logs(obj).order_by("at", "id")]


def test_a_class_created_announced_and_cancelled_withdraws_its_enrolments_in_one_bulk_move(training):
    klass = fz_class(training, announce=True)
    t1, t2 = f.trainee("王一"), f.trainee("王二")
    e1 = trainee_svc.enrolment_add(actor=training.fz_inst_admin, klass=klass, trainee=t1)
    e2 = trainee_svc.enrolment_add(actor=training.fz_inst_admin, klass=klass, trainee=t2)
    class_svc.class_cancel(actor=training.fz_inst_admin, klass=klass, reason="报名人数不足")
    assert _moves_of(klass) == [("", "draft"), ("draft", "announced"), ("announced", "cancelled")]
    assert _actions(klass) == [
        "training_class.created",
        "training_class.announced",
        "training_class.cancelled",
    ]
    for e in (e1, e2):
        e.refresh_from_db()
        assert e.status == "withdrawn" and e.withdrawn_reason == "培训班取消：报名人数不足"
        assert _moves_of(e) == [("", "enrolled"), ("enrolled", "withdrawn")]
        assert _actions(e) == ["enrolment.created", "enrolment.withdrawn"]


def test_a_plan_created_and_withdrawn_and_an_enrolment_withdrawn(training):
    plan = f.plan(training, status=TrainingPlan.Status.DRAFT)
    plan_svc.plan_withdraw(actor=training.sy_inst_admin, plan=plan, reason="方案调整")
    assert _moves_of(plan) == [("draft", "withdrawn")]
    assert _actions(plan) == ["training_plan.withdrawn"]
    klass = make_class(training)
    e = trainee_svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=f.trainee("赵六"))
    trainee_svc.enrolment_withdraw(actor=training.sy_inst_admin, enrolment=e, reason="工作调动")
    assert _moves_of(e) == [("", "enrolled"), ("enrolled", "withdrawn")]
    assert _actions(e) == ["enrolment.created", "enrolment.withdrawn"]


def test_an_anomaly_explained_then_confirmed(training):
    k = _klass(training)
    a = Anomaly.objects.create(klass=k, kind="overlap", key="svc-1")
    anomaly_svc.anomaly_resolve(
        actor=training.sy_inst_admin, anomaly=a, status="explained", resolution="补课"
    )
    anomaly_svc.anomaly_resolve(actor=training.sy_official, anomaly=a, status="confirmed", resolution="属实")
    assert _moves_of(a) == [("open", "explained"), ("explained", "confirmed")]
    assert _actions(a) == ["anomaly.explained", "anomaly.confirmed"]


def test_a_report_submitted_through_the_service(training):
    report = _row(training, flows.REPORT_FLOW, "draft")
    report_svc.report_submit(actor=training.sy_inst_admin, report=report, narrative="按计划完成培训")
    assert _moves_of(report) == [("draft", "submitted")]
    assert _actions(report) == ["training_report.submitted"]


# --- roster imports never left running (issue 11, point 6) ------------------------------------------------------


def _start(world, klass):
    content = roster_csv([person(i, name="王" + "伟芳娜"[i] + "华") for i in range(3)])
    return roster_svc.roster_import_start(
        actor=world.sy_inst_admin,
        klass=klass,
        uploaded_file=SimpleUploadedFile("r.csv", content),
        mode="valid",
    )


def test_an_import_walks_pending_running_done(training):
    imp = _start(training, make_class(training))
    assert imp.status == "done"
    assert _moves_of(imp) == [("", "pending"), ("pending", "running"), ("running", "done")]


def test_a_failure_inside_the_run_ends_failed_with_the_reason(training, monkeypatch):
    def broken(*_a, **_k):
        raise MemoryError("cannot allocate")

    monkeypatch.setattr(roster_svc.rr, "parse_roster", broken)
    imp = _start(training, make_class(training))
    assert imp.status == "failed" and imp.finished_at
    assert imp.message == roster_svc.FAILED_MESSAGE and "失败" in imp.message
    assert _moves_of(imp)[-1] == ("running", "failed")
    event = _audits(imp).get(action="roster_import.failed")
    assert event.reason == roster_svc.FAILED_MESSAGE and event.after["error"] == "MemoryError"


def test_the_tick_fails_an_import_whose_worker_died(training, time_machine):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    klass = make_class(training)
    dead = RosterImport.objects.create(
        klass=klass,
        filename="r.csv",
        sha256="0" * 64,
        content=b"x",
        mode="valid",
        created_by=training.sy_inst_admin,
    )
    flows.ROSTER_IMPORT_FLOW.transition(dead, "running", actor=training.sy_inst_admin)
    minutes = stale.stale_minutes()
    # still within the threshold: left alone
    time_machine.move_to(start + dt.timedelta(minutes=minutes - 1), tick=False)
    assert stale.roster_imports_fail_stale(start + dt.timedelta(minutes=minutes - 1)) == 0
    live = RosterImport.objects.create(
        klass=klass,
        filename="s.csv",
        sha256="1" * 64,
        content=b"x",
        mode="valid",
        created_by=training.sy_inst_admin,
    )
    flows.ROSTER_IMPORT_FLOW.transition(live, "running", actor=training.sy_inst_admin)
    later = start + dt.timedelta(minutes=minutes + 1)
    time_machine.move_to(later, tick=False)
    assert stale.roster_imports_fail_stale(later) == 1
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at == later and "后台进程已中断" in dead.message
    assert live.status == "running"
    log = _logs(dead).order_by("id").last()
    assert (log.from_status, log.to_status, log.actor) == ("running", "failed", None)
    assert log.reason == dead.message
    assert _audits(dead).filter(action="roster_import.failed").count() == 1
    # safe to run twice
    assert stale.roster_imports_fail_stale(later) == 0


def test_the_tick_runs_the_stale_import_handler(training):
    from peiyu.core import tick

    assert "training.roster_imports_stale" in {h.name for h in tick.handlers()}


def test_an_import_that_waited_long_in_the_queue_is_not_failed_when_it_starts(
    training, time_machine, monkeypatch
):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    imp = RosterImport.objects.create(
        klass=make_class(training), filename="r.csv", sha256="0" * 64, content=b"x", mode="valid"
    )
    claimed = start + dt.timedelta(minutes=stale.stale_minutes() * 3)
    time_machine.move_to(claimed, tick=False)
    monkeypatch.setattr(roster_svc, "_run", lambda _imp: None)  # the worker stops right after claiming it
    assert roster_svc.roster_import_run(imp.pk).status == "running"
    assert stale.roster_imports_fail_stale(claimed + dt.timedelta(minutes=1)) == 0

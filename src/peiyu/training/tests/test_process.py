"""TRN-12 (002 三): the supervision steps by certificate type, computed from the record; the inspection
kinds each type has, recorded by the bureau of the class's region or the industry authority leading an
industry-led project."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from peiyu.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from peiyu.training.models import Enrolment, Inspection, Trainee, TraineeEvaluation
from peiyu.training.rules.process import ProcessFacts, inspection_kind_allowed, process_steps
from peiyu.training.selectors import classes as sel
from peiyu.training.services import classes as svc
from peiyu.training.services.inspections import inspection_record

from .classes_support import fz_class

# --- pure -------------------------------------------------------------------------------------------------


def _keys(steps):
    return [(s.key, s.done) for s in steps]


def test_qualification_steps_are_opening_inspection_exam_evaluation():
    steps = process_steps("qualification", ProcessFacts(plan_filed=True))
    assert [s.label for s in steps] == ["开班申请", "过程检查", "结业考核", "学员评价"]
    assert not any(s.done for s in steps) and all(s.rule == "TRN-12" for s in steps)
    done = process_steps(
        "qualification",
        ProcessFacts(
            opening_approved=True,
            process_inspections=2,
            process_issues=1,
            exam_scores=3,
            enrolled=5,
            evaluations=2,
        ),
    )
    assert all(s.done for s in done)
    assert "1 次发现问题" in done[1].detail and "3 名" in done[2].detail


def test_certificate_steps_are_plan_with_commitment_certificate_check_evaluation():
    steps = process_steps("certificate", ProcessFacts(plan_filed=True, commitment=True, certificate_checks=1))
    assert _keys(steps) == [("plan_filing", True), ("certificate_check", True), ("evaluation", False)]
    assert steps[0].label == "培训计划申报（含承诺）"
    no_promise = process_steps("certificate", ProcessFacts(plan_filed=True, commitment=False))
    assert not no_promise[0].done and "未作出承诺" in no_promise[0].detail


def test_industry_steps_are_plan_and_certificate_check_under_the_industry_authority():
    steps = process_steps(
        "industry", ProcessFacts(plan_filed=True, commitment=True, supervisor="福建省工信厅")
    )
    assert [s.key for s in steps] == ["plan_filing", "certificate_check"]
    assert "福建省工信厅" in steps[0].detail


def test_opening_step_says_pending_or_refused():
    pending = process_steps("qualification", ProcessFacts(opening_requested=True))[0]
    refused = process_steps("qualification", ProcessFacts(opening_refused=True, opening_note="场地不符"))[0]
    assert "待" in pending.detail and "场地不符" in refused.detail and not refused.done


@pytest.mark.parametrize(
    ("cert_type", "kind", "ok"),
    [
        ("qualification", "process", True),
        ("qualification", "certificate", False),
        ("certificate", "certificate", True),
        ("certificate", "process", False),
        ("industry", "certificate", True),
        ("industry", "process", False),
    ],
)
def test_inspection_kinds_by_certificate_type(cert_type, kind, ok):
    check = inspection_kind_allowed(cert_type, kind)
    assert check.ok is ok and check.rule == "TRN-12"


# --- with the database ---------------------------------------------------------------------------------------


def _running(world, cert_type):
    klass = fz_class(world, cert_type, announce=True)
    if cert_type == "qualification":
        svc.class_request_opening(actor=world.fz_inst_admin, klass=klass)
        return svc.class_decide_opening(actor=world.fz_official, klass=klass, approve=True)
    return svc.class_start(actor=world.fz_inst_admin, klass=klass)


def _enrol(klass, n: int, *, scored: int = 0, evaluated: int = 0):
    for i in range(n):
        t = Trainee.objects.create(
            name=f"学员{i}",
            id_number=f"x{i}",
            id_index=f"idx-{klass.pk}-{i}",
            sex="M",
            birth_date=dt.date(1990, 1, 1),
        )
        e = Enrolment.objects.create(
            klass=klass, trainee=t, source="institution", exam_score=Decimal("80") if i < scored else None
        )
        if i < evaluated:
            TraineeEvaluation.objects.create(enrolment=e, content=5, teaching=5, organisation=4, overall=5)


@pytest.mark.django_db
def test_the_qualification_panel_follows_the_record(training):
    klass = _running(training, "qualification")
    assert _keys(sel.class_process(klass)) == [
        ("opening", True),
        ("process_inspection", False),
        ("completion_exam", False),
        ("evaluation", False),
    ]
    inspection_record(actor=training.fz_official, klass=klass, kind="process", data={"result": "passed"})
    _enrol(klass, 3, scored=2, evaluated=1)
    steps = sel.class_process(klass)
    assert all(s.done for s in steps)
    assert "2 名" in steps[2].detail and "在册 3 名" in steps[2].detail


@pytest.mark.django_db
def test_the_certificate_panel_follows_the_record(training):
    klass = _running(training, "certificate")
    assert _keys(sel.class_process(klass)) == [
        ("plan_filing", True),
        ("certificate_check", False),
        ("evaluation", False),
    ]
    inspection_record(
        actor=training.fz_official,
        klass=klass,
        kind="certificate",
        data={"result": "issues", "findings": "2人证书信息不符"},
    )
    assert _keys(sel.class_process(klass))[1] == ("certificate_check", True)


@pytest.mark.django_db
def test_inspection_kind_must_match_the_certificate_type(training):
    q = _running(training, "qualification")
    c = _running(training, "certificate")
    with pytest.raises(RuleViolation) as exc:
        inspection_record(actor=training.fz_official, klass=q, kind="certificate", data={"result": "passed"})
    assert exc.value.rule == "TRN-12"
    with pytest.raises(RuleViolation) as exc:
        inspection_record(actor=training.fz_official, klass=c, kind="process", data={"result": "passed"})
    assert exc.value.rule == "TRN-12"
    assert not Inspection.objects.exists()


@pytest.mark.django_db
def test_the_industry_authority_records_the_certificate_check_of_its_project(training):
    klass = _running(training, "industry")
    ins = inspection_record(
        actor=training.fj_ia_official, klass=klass, kind="certificate", data={"result": "passed"}
    )
    assert ins.org == training.orgs["fj_ia"] and ins.inspector == training.fj_ia_official
    with pytest.raises(NotFound):
        inspection_record(
            actor=training.ia_official, klass=klass, kind="certificate", data={"result": "passed"}
        )


@pytest.mark.django_db
def test_an_inspection_needs_a_result_scope_and_a_running_class(training):
    klass = _running(training, "certificate")
    with pytest.raises(InvalidInput) as exc:
        inspection_record(
            actor=training.fz_official, klass=klass, kind="certificate", data={"result": "issues"}
        )
    assert "findings" in exc.value.fields
    with pytest.raises(NotFound):
        inspection_record(
            actor=training.dl_official, klass=klass, kind="certificate", data={"result": "passed"}
        )
    draft = fz_class(training, plan=klass.plan, announce=True)
    with pytest.raises(Conflict):
        inspection_record(
            actor=training.fz_official, klass=draft, kind="certificate", data={"result": "passed"}
        )

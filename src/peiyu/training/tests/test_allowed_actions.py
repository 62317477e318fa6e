"""`allowed_actions` (selectors/actions.py): the verbs of a record's workflow open now for this user,
in every API detail and on the pages. The institution sees its verbs, an official of another city
gets 404, a trainee sees none."""

from __future__ import annotations

import pytest

from peiyu.training.models import Anomaly, TrainingPlan
from peiyu.training.selectors import actions as sel

from . import completion_factories as f
from .classes_support import fz_class
from .test_flows import _row

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training"


def _get(login_as, user, url):
    return login_as(user).get(f"{BASE}{url}")


def test_a_plan_detail_lists_the_institutions_verbs_only(training, login_as):
    draft = f.plan(training, status=TrainingPlan.Status.DRAFT)
    filed = f.plan(training)
    assert _get(login_as, training.sy_inst_admin, f"/plans/{draft.pk}").json()["allowed_actions"] == [
        "file",
        "withdraw",
    ]
    assert _get(login_as, training.sy_inst_admin, f"/plans/{filed.pk}").json()["allowed_actions"] == [
        "withdraw"
    ]
    assert _get(login_as, training.sy_official, f"/plans/{filed.pk}").json()["allowed_actions"] == []
    assert _get(login_as, training.dl_official, f"/plans/{filed.pk}").status_code == 404
    page = login_as(training.sy_inst_admin).get(f"/training/plans/{filed.pk}/")
    assert page.context["allowed_actions"] == ["withdraw"] and not page.context["can_file"]


def test_a_class_detail_follows_the_table_the_certificate_type_and_the_deciding_bureau(training, login_as):
    running = f.klass(f.plan(training))
    assert _get(login_as, training.sy_inst_admin, f"/classes/{running.pk}").json()["allowed_actions"] == [
        "complete"
    ]
    assert _get(login_as, training.sy_official, f"/classes/{running.pk}").json()["allowed_actions"] == []
    assert _get(login_as, training.dl_official, f"/classes/{running.pk}").status_code == 404
    announced = fz_class(training, announce=True)  # a certificate-type class: started, no opening
    assert sel.class_allowed_actions(training.fz_inst_admin, announced) == ["start", "cancel"]
    qualification = fz_class(training, "qualification", announce=True)
    assert sel.class_allowed_actions(training.fz_inst_admin, qualification) == ["request_opening", "cancel"]
    qualification.status = "opening"
    assert sel.class_allowed_actions(training.fz_official, qualification) == [
        "approve_opening",
        "refuse_opening",
    ]
    assert sel.class_allowed_actions(training.fz_inst_admin, qualification) == ["cancel"]
    page = login_as(training.fz_inst_admin).get(f"/training/classes/{announced.pk}/")
    assert page.context["allowed_actions"] == ["start", "cancel"] and page.context["can"]["start"]


def test_reports(training, login_as):
    report = _row(training, sel.REPORT_FLOW, "draft")
    assert _get(login_as, training.sy_inst_admin, f"/reports/{report.pk}").json()["allowed_actions"] == [
        "submit"
    ]
    assert _get(login_as, training.sy_official, f"/reports/{report.pk}").json()["allowed_actions"] == []
    assert _get(login_as, training.dl_official, f"/reports/{report.pk}").status_code == 404


def test_anomalies_the_institution_explains_an_open_one_the_official_explains_or_confirms(training, login_as):
    a = Anomaly.objects.create(klass=f.klass(f.plan(training)), kind="overlap", key="aa-1")
    assert sel.anomaly_allowed_actions(training.sy_inst_admin, a) == ["explain"]
    assert sel.anomaly_allowed_actions(training.sy_official, a) == ["explain", "confirm"]
    assert sel.anomaly_allowed_actions(training.dl_official, a) == []
    a.status = Anomaly.Status.EXPLAINED
    assert sel.anomaly_allowed_actions(training.sy_inst_admin, a) == []
    assert sel.anomaly_allowed_actions(training.sy_official, a) == ["explain", "confirm"]
    a.status = Anomaly.Status.CONFIRMED
    assert sel.anomaly_allowed_actions(training.sy_official, a) == []


def test_a_trainee_sees_no_verbs_on_the_class_plan_or_report(training):
    student = f.trainee_user(training, "stu_aa")
    t = f.trainee("学员甲", user=student)
    klass = f.klass(f.plan(training))
    e = f.enrol(klass, t)
    assert sel.class_allowed_actions(student, klass) == []
    assert sel.plan_allowed_actions(student, klass.plan) == []
    assert sel.report_allowed_actions(student, _row(training, sel.REPORT_FLOW, "draft")) == []
    assert sel.enrolment_allowed_actions(student, e) == ["withdraw"]  # their own enrolment


def test_pages_offer_only_what_the_services_accept(training, login_as, client):
    from django.urls import reverse

    announced = fz_class(training, "qualification", announce=True)
    page = client.get(reverse("announcement_detail", args=[announced.number]))
    assert page.context["self_enrolment_open"]
    announced.status = "opening"
    announced.save(update_fields=["status"])
    page = client.get(reverse("announcement_detail", args=[announced.number]))
    assert not page.context["self_enrolment_open"]  # enrolment_self refuses an opening class
    draft = f.plan(training, status=TrainingPlan.Status.DRAFT)
    page = login_as(training.sy_inst_admin).get(f"/training/plans/{draft.pk}/")
    assert not page.context["can_open_class"] and page.context["can_file"]


def test_a_roster_import_detail_has_no_verbs_it_runs_by_itself(training, login_as):
    from peiyu.training.models import RosterImport

    from .trainee_helpers import make_class

    imp = RosterImport.objects.create(
        klass=make_class(training), filename="r.csv", sha256="0" * 64, content=b"x", mode="valid"
    )
    body = _get(login_as, training.sy_inst_admin, f"/roster-imports/{imp.pk}").json()
    assert body["status"] == "pending" and body["allowed_actions"] == []
    assert _get(login_as, training.dl_official, f"/roster-imports/{imp.pk}").status_code == 404

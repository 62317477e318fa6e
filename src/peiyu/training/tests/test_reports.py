"""Training reports (TRN-6): due `training_report_days` after completion where the profile sets it (Hubei
30), none where it does not (Fujian); an unsent report past its deadline is on the to-do lists of the
province and city officials of the class region; a late submission is accepted and marked late; the
export; scoped reads; trainees' evaluations aggregated for the supervising bureau (TRN-12)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.registry import todo_for
from peiyu.training.models import TrainingReport
from peiyu.training.selectors import completion as sel
from peiyu.training.services import completion as svc
from peiyu.training.services import evaluations as eval_svc
from peiyu.training.services import reports as report_svc

from . import completion_factories as f

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def hubei_report(world, *, trainee_user=None):
    f.hubei(world)
    k = f.klass(f.plan(world, listing_key="wh_ai"))
    f.enrol(k, f.trainee("刘一", user=trainee_user, region="420102"), offline=6000, score=Decimal("75"))
    f.enrol(k, f.trainee("刘二", region="420102"), offline=600, score=Decimal("75"))
    svc.class_complete(actor=world.wh_inst_admin, klass=k)
    return TrainingReport.objects.get(klass=k)


def overdue_titles(user) -> list[str]:
    return [t.title for t in todo_for(user) if t.kind == "training_report_overdue"]


def test_hubei_report_is_due_thirty_days_after_completion_and_then_overdue(training, time_machine):
    report = hubei_report(training)
    assert report.due_on == dt.date(2026, 4, 1)
    assert report.decision.policy_name == "hubei-dte"
    assert (
        report.summary["enrolled"] == 2 and report.summary["completed"] == 1 and report.summary["failed"] == 1
    )
    assert report.summary["pass_rate"] == "0.5000"
    assert "2026-04-01" in report.summary["deadline_note"]
    mine = [t for t in todo_for(training.wh_inst_admin) if t.kind == "training_report"]
    assert len(mine) == 1 and mine[0].deadline == dt.date(2026, 4, 1) and not mine[0].overdue
    time_machine.move_to(dt.datetime(2026, 4, 1, 18, 0, tzinfo=TZ), tick=False)  # day 30: still in time
    assert overdue_titles(training.hb_official) == []
    time_machine.move_to(dt.datetime(2026, 4, 2, 9, 0, tzinfo=TZ), tick=False)  # day 31
    assert len(overdue_titles(training.hb_official)) == 1
    assert len(overdue_titles(training.wh_official)) == 1
    assert overdue_titles(training.ln_official) == [] and overdue_titles(training.sy_official) == []
    mine = [t for t in todo_for(training.wh_inst_admin) if t.kind == "training_report"]
    assert mine[0].overdue


def test_fujian_class_has_no_report_deadline(training, time_machine):
    k = f.klass(f.fujian_plan(training))
    f.enrol(k, f.trainee(region="350102"), offline=6000, score=Decimal("80"))
    svc.class_complete(actor=training.fz_inst_admin, klass=k, pass_mark="60")
    report = TrainingReport.objects.get(klass=k)
    assert report.due_on is None and "政策配置未设定报送期限" in report.summary["deadline_note"]
    time_machine.move_to(dt.datetime(2027, 3, 2, 9, 0, tzinfo=TZ), tick=False)
    assert overdue_titles(training.fj_official) == [] and overdue_titles(training.fz_official) == []
    mine = [t for t in todo_for(training.fz_inst_admin) if t.kind == "training_report"]
    assert len(mine) == 1 and mine[0].deadline is None and not mine[0].overdue


def test_late_submission_is_accepted_and_marked_late(training, time_machine):
    report = hubei_report(training)
    with pytest.raises(InvalidInput) as exc:
        report_svc.report_submit(actor=training.wh_inst_admin, report=report, narrative="  ")
    assert "narrative" in exc.value.fields
    with pytest.raises(NotFound):
        report_svc.report_submit(actor=training.sy_inst_admin, report=report, narrative="x")
    time_machine.move_to(dt.datetime(2026, 4, 5, 9, 0, tzinfo=TZ), tick=False)
    done = report_svc.report_submit(actor=training.wh_inst_admin, report=report, narrative="培训情况良好。")
    assert done.status == "submitted" and done.submitted_at and report_svc.is_late(done)
    assert done.summary["submission"] == {"late": True, "days_late": 4, "submitted_on": "2026-04-05"}
    assert done.decision.kind == "report_submission" and done.decision.outcome == "late"
    assert overdue_titles(training.hb_official) == []  # submitted, even late, leaves the lists
    with pytest.raises(Conflict):
        report_svc.report_submit(actor=training.wh_inst_admin, report=report, narrative="again")


def test_report_in_time_is_on_time(training):
    report = hubei_report(training)
    done = report_svc.report_submit(actor=training.wh_inst_admin, report=report, narrative="按期报送")
    assert not report_svc.is_late(done) and done.decision.outcome == "on_time"


def test_reports_are_scoped(training, login_as):
    report = hubei_report(training)
    assert sel.report_get_for(training.hb_official, report.pk) == report
    for outsider in (training.dl_official, training.sy_official, training.sy_inst_admin):
        with pytest.raises(NotFound):
            sel.report_get_for(outsider, report.pk)
    assert login_as(training.hb_official).get(f"/training/reports/{report.pk}/").status_code == 200
    assert login_as(training.sy_official).get(f"/training/reports/{report.pk}/").status_code == 404
    assert login_as(training.sy_official).get(f"/api/v1/training/reports/{report.pk}").status_code == 404
    listed = login_as(training.wh_official).get("/api/v1/training/reports").json()
    assert [r["id"] for r in listed["items"]] == [report.pk] and listed["count"] == 1
    assert login_as(training.dl_official).get("/api/v1/training/reports").json() == {"items": [], "count": 0}


def test_report_pages_submit_and_export(training, login_as):
    report = hubei_report(training)
    c = login_as(training.wh_inst_admin)
    assert report.klass.title in c.get("/training/reports/").content.decode()
    r = c.post(f"/training/reports/{report.pk}/", {"narrative": ""})
    assert r.status_code == 400 and "请填写培训情况说明" in r.content.decode()
    r = c.post(f"/training/reports/{report.pk}/", {"narrative": "本期培训顺利完成。"})
    assert r.status_code == 302
    r = c.get(f"/training/reports/{report.pk}/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["培训情况", "学员名单"]
    names = [row[1] for row in wb["学员名单"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["刘一", "刘二"]
    body = login_as(training.hb_official).get(f"/api/v1/training/reports/{report.pk}").json()
    assert body["status"] == "submitted" and body["narrative"] == "本期培训顺利完成。"


def test_evaluations_are_aggregated_for_the_supervising_bureau(training, login_as):
    person = f.trainee_user(training, "trainee_liu")
    report = hubei_report(training, trainee_user=person)
    enrolment = report.klass.enrolments.get(trainee__user=person)
    data = {
        "content": 5,
        "teaching": 4,
        "organisation": 3,
        "overall": 4,
        "comment": "很好",
        "fees_as_published": True,
    }
    eval_svc.evaluation_submit(actor=person, enrolment=enrolment, data=data)
    summary = sel.evaluations_summary(training.hb_official, report.klass)
    assert summary["count"] == 1 and summary["evaluable"] == 2 and summary["content"] == "5.00"
    assert summary["comments"] == ["很好"]
    with pytest.raises(NotFound):
        sel.evaluations_summary(training.dl_official, report.klass)
    page = login_as(training.wh_official).get(f"/training/reports/{report.pk}/").content.decode()
    assert "学员评价" in page and "很好" in page
    r = login_as(training.hb_official).get(f"/api/v1/training/reports/{report.pk}/evaluations")
    assert r.status_code == 200 and r.json()["overall"] == "4.00"


def test_workbench_lists_the_report_and_the_menu_entries(training, login_as):
    report = hubei_report(training)
    page = login_as(training.wh_inst_admin).get("/home/").content.decode()
    assert "报送培训情况报告" in page and f"/training/reports/{report.pk}/" in page
    assert "培训情况报告" in login_as(training.hb_official).get("/home/").content.decode()
    person = f.trainee_user(training, "trainee_menu")
    assert "我的培训" in login_as(person).get("/home/").content.decode()

"""The pipeline's pages and API (CRT-3, SEC-2): the institution makes a batch from its session and
submits it, the province confirms returning one candidate, the office approves, the institution issues
and follows the progress; the API answers the same through the same services; another province's
official gets 404; the to-do lists carry the waiting and overdue steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peiyu.certificates.models import BatchEntry, Certificate, IssuanceBatch
from peiyu.certificates.services import batches as svc
from peiyu.certificates.services import batches_review as review
from peiyu.certificates.todos import batches as todos

from .support import BEIJING, chengdu_skill_session, hubei_dte_session

B = IssuanceBatch.Status
DAY = dt.datetime(2026, 4, 24, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def session(exams, time_machine):
    s = hubei_dte_session(exams, time_machine)
    time_machine.move_to(DAY, tick=False)
    return s


def test_the_dte_route_through_the_pages(session, exams, login_as):
    inst, province, office = (
        login_as(exams.users[u]) for u in ("hb_eval_admin", "hb_official", "cg_official")
    )
    listing = inst.get(reverse("certificates:batch_list"))
    assert listing.status_code == 200 and session.title in listing.content.decode()
    made = inst.post(reverse("certificates:batch_new"), {"session": session.pk})
    batch = IssuanceBatch.objects.get(session_id=session.pk)
    assert made.status_code == 302 and made["Location"] == reverse(
        "certificates:batch_detail", args=[batch.pk]
    )
    page = inst.get(made["Location"]).content.decode()
    assert "报送证书数据" in page and "2026-05-02" in page and "周一鸣" in page
    url = reverse("certificates:batch_action", args=[batch.pk])
    empty = inst.post(url, {"action": "submit", "exam_report": ""})
    assert empty.status_code == 400 and "请填写考核情况报告" in empty.content.decode()
    assert inst.post(url, {"action": "submit", "exam_report": "考核组织规范。"}).status_code == 302
    first = BatchEntry.objects.filter(batch=batch).order_by("pk").first()
    missing = province.post(url, {"action": "confirm", "returned": [first.pk]})
    assert missing.status_code == 400 and "请填写退回原因" in missing.content.decode()
    confirmed = province.post(
        url, {"action": "confirm", "returned": [first.pk], f"reason_{first.pk}": "照片不清晰"}
    )
    assert confirmed.status_code == 302
    assert province.post(url, {"action": "forward"}).status_code == 302
    assert office.post(url, {"action": "approve"}).status_code == 302
    page = inst.get(reverse("certificates:batch_detail", args=[batch.pk])).content.decode()
    assert "省级退回：照片不清晰" in page and "生成补报批次" in page
    assert inst.post(url, {"action": "issue"}).status_code == 302
    progress = inst.get(reverse("certificates:batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert "已颁发证书 2 / 2 本" in progress.content.decode() and "hx-get" not in progress.content.decode()
    assert progress["HX-Refresh"] == "true"  # the poll that sees the end reloads the page with the numbers
    assert Certificate.objects.filter(batch=batch).count() == 2


def test_issuing_shows_progress_that_polls_while_running(session, exams, login_as):
    batch = svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=B.ISSUING, total=3, done=1)
    html = (
        login_as(exams.hb_eval_admin)
        .get(reverse("certificates:batch_detail", args=[batch.pk]))
        .content.decode()
    )
    assert 'hx-trigger="every 2s"' in html and "已完成 1 / 3 本" in html
    polled = login_as(exams.hb_eval_admin).get(
        reverse("certificates:batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true"
    )
    assert "已完成 1 / 3 本" in polled.content.decode() and "HX-Refresh" not in polled


def test_another_provinces_official_gets_404_on_pages_and_api(session, exams, login_as):
    batch = svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)
    svc.batch_submit(actor=exams.hb_eval_admin, batch=batch, exam_report="报告")
    outsider = login_as(exams.users["ln_official"])
    assert outsider.get(reverse("certificates:batch_detail", args=[batch.pk])).status_code == 404
    assert (
        outsider.post(
            reverse("certificates:batch_action", args=[batch.pk]), {"action": "confirm"}
        ).status_code
        == 404
    )
    assert outsider.get(f"/api/v1/certificates/batches/{batch.pk}").status_code == 404
    assert outsider.get("/api/v1/certificates/batches").json() == {"items": [], "count": 0}
    assert login_as(exams.hb_official).get(f"/api/v1/certificates/batches/{batch.pk}").status_code == 200


def test_the_api_runs_the_same_steps_with_allowed_actions(session, exams, login_as):
    inst, province, office = (
        login_as(exams.users[u]) for u in ("hb_eval_admin", "hb_official", "cg_official")
    )
    made = inst.post("/api/v1/certificates/batches", {"session": session.pk}, content_type="application/json")
    assert made.status_code == 201
    body = made.json()
    assert (
        body["allowed_actions"] == ["submit"]
        and body["submit_due"] == "2026-05-02"
        and len(body["entries"]) == 3
    )
    url = f"/api/v1/certificates/batches/{body['id']}/actions"
    act = lambda c, data: c.post(url, data, content_type="application/json")  # noqa: E731
    assert act(inst, {"action": "submit", "exam_report": "报告"}).json()["status"] == "submitted"
    assert act(inst, {"action": "confirm"}).status_code == 403
    entry = body["entries"][0]["id"]
    confirmed = act(province, {"action": "confirm", "returns": {str(entry): "信息不符"}}).json()
    assert confirmed["status"] == "confirmed" and confirmed["allowed_actions"] == ["forward"]
    assert (
        confirmed["entries"][0]["status"] == "returned"
        and confirmed["entries"][0]["return_reason"] == "信息不符"
    )
    act(province, {"action": "forward"})
    approved = act(office, {"action": "approve"}).json()
    assert approved["issue_due"] == "2026-05-24"
    issued = act(inst, {"action": "issue"}).json()
    assert (issued["status"], issued["done"], issued["total"]) == ("issued", 2, 2)
    assert act(inst, {"action": "nonsense"}).status_code == 400
    listed = inst.get("/api/v1/certificates/batches").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "issued"


def test_a_returned_candidate_is_corrected_through_the_api(session, exams, login_as):
    batch = svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)
    svc.batch_submit(actor=exams.hb_eval_admin, batch=batch, exam_report="报告")
    first = BatchEntry.objects.filter(batch=batch).order_by("pk").first()
    review.batch_return(actor=exams.hb_official, batch=batch, reason="报告缺少考评员名单")
    BatchEntry.objects.filter(pk=first.pk).update(
        status="returned", return_reason="照片不清晰"
    )  # as a partial return
    inst = login_as(exams.hb_eval_admin)
    url = f"/api/v1/certificates/batches/{batch.pk}/entries/{first.pk}/actions"
    empty = inst.post(url, {"action": "correct", "note": ""}, content_type="application/json")
    assert empty.status_code == 400 and "note" in empty.json()["fields"]
    done = inst.post(url, {"action": "correct", "note": "已重新采集"}, content_type="application/json").json()
    assert done["status"] == "included" and done["correction"] == "已重新采集"


def test_to_do_lists_carry_each_step_with_its_deadline(exams, time_machine):
    session = hubei_dte_session(exams, time_machine)
    skill = chengdu_skill_session(exams, time_machine)
    time_machine.move_to(dt.datetime(2026, 5, 6, 9, 0, tzinfo=BEIJING), tick=False)
    ready = todos.institution_todos(exams.cd_exam_admin)
    assert [t.kind for t in ready] == ["certificate_batch_new"] and skill.title in ready[0].title
    assert ready[0].deadline is None  # the skill route sets no deadline for the data
    (new,) = todos.institution_todos(exams.hb_eval_admin)  # DTE: due cert_submit_days after the exam
    assert new.kind == "certificate_batch_new" and new.deadline == dt.date(2026, 5, 2) and new.overdue
    assert "CRT-3" in new.rule
    batch = svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)
    (item,) = todos.institution_todos(exams.hb_eval_admin)
    assert item.kind == "certificate_batch_submit" and item.deadline == dt.date(2026, 5, 2) and item.overdue
    svc.batch_submit(actor=exams.hb_eval_admin, batch=batch, exam_report="报告")
    assert todos.institution_todos(exams.hb_eval_admin) == []
    (item,) = todos.province_todos(exams.hb_official)
    assert item.kind == "certificate_batch_confirm" and not item.overdue
    assert (
        todos.province_todos(exams.users["ln_official"]) == []
        and todos.province_todos(exams.cg_official) == []
    )
    review.batch_confirm(actor=exams.hb_official, batch=batch)
    batch.refresh_from_db()
    (item,) = todos.province_todos(exams.hb_official)  # forwarding is within the confirmation's deadline
    assert item.kind == "certificate_batch_forward" and item.deadline == batch.confirm_due is not None
    review.batch_forward(actor=exams.hb_official, batch=batch)
    (item,) = todos.office_todos(exams.cg_official)
    assert item.kind == "certificate_batch_approve"

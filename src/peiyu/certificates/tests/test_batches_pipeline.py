"""The issuance pipeline (CRT-3, SEC-2): a Hubei DTE batch from submission to issue with its deadlines,
returns with reasons, partial approval and the supplementary batch; the Chengdu skill route (the filed
institution issues, then reports to the city); nothing issued from a batch that skipped a step."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import BatchEntry, Certificate, IssuanceBatch
from peiyu.certificates.selectors import batches as sel
from peiyu.certificates.services import batches as svc
from peiyu.certificates.services import batches_review as review
from peiyu.certificates.services.batches_issue import batch_issue
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.exams.models import ExamSite

from .support import BEIJING, chengdu_skill_session, hubei_dte_session

B = IssuanceBatch.Status
E = BatchEntry.Status
SUBMIT_DAY = dt.datetime(2026, 4, 24, 10, 0, tzinfo=BEIJING)  # a Friday; the Labour Day holiday follows


@pytest.fixture
def hubei(exams, time_machine):
    session = hubei_dte_session(exams, time_machine)
    time_machine.move_to(SUBMIT_DAY, tick=False)
    return svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)


def _entries(batch):
    return list(BatchEntry.objects.filter(batch=batch).order_by("pk"))


def _through_office(exams, batch, *, confirm_returns=None, approve_returns=None):
    svc.batch_submit(actor=exams.hb_eval_admin, batch=batch, exam_report="考核组织规范，无违纪情况。")
    review.batch_confirm(actor=exams.hb_official, batch=batch, returns=confirm_returns)
    review.batch_forward(actor=exams.hb_official, batch=batch)
    return review.batch_approve(actor=exams.cg_official, batch=batch, returns=approve_returns)


def test_a_batch_is_made_from_the_frozen_passing_list_with_its_submission_deadline(hubei, exams):
    assert hubei.status == B.DRAFT and hubei.route == "province_cg" and hubei.kind == "level"
    assert hubei.exam_on == dt.date(2026, 4, 2)
    assert hubei.submit_due == dt.date(2026, 5, 2)  # cert_submit_days (30) after the exam
    assert [e.holder_name for e in _entries(hubei)] == ["周一鸣", "吴思远", "孙晓彤"]
    assert hubei.decision.policy_name == "hubei-dte" and {"CRT-3", "SEC-2"} <= set(hubei.decision.rules)
    assert AuditEvent.objects.filter(action="certificate_batch.created").exists()
    assert AuditEvent.objects.filter(action="certificate_entry.created").count() == 1  # one for the batch
    with pytest.raises(Conflict):
        svc.batch_create(actor=exams.hb_eval_admin, session_id=hubei.session_id)


def test_the_dte_route_stores_each_deadline_when_its_step_starts_and_issues_after_approval(hubei, exams):
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="考核组织规范。")
    hubei.refresh_from_db()
    # 10 PRC working days from Friday 2026-04-24: the Labour Day holiday (05-01…05-05) skipped, the
    # make-up Saturday 05-09 counted
    assert hubei.status == B.SUBMITTED and hubei.confirm_due == dt.date(2026, 5, 12)
    review.batch_confirm(actor=exams.hb_official, batch=hubei)
    review.batch_forward(actor=exams.hb_official, batch=hubei)
    review.batch_approve(actor=exams.cg_official, batch=hubei)
    hubei.refresh_from_db()
    assert hubei.status == B.APPROVED and hubei.issue_due == dt.date(2026, 5, 24)  # cert_issue_days (30)
    done = batch_issue(actor=exams.hb_eval_admin, batch=hubei)
    assert done.status == B.ISSUED and (done.done, done.total) == (3, 3)
    certs = list(Certificate.objects.filter(batch=hubei).order_by("number"))
    assert [c.number for c in certs] == [f"D422026100000{i:03d}" for i in (1, 2, 3)]
    assert {c.kind for c in certs} == {"level"} and all(c.payload and c.key_id for c in certs)
    assert all(e.status == E.ISSUED and e.certificate_id for e in _entries(hubei))
    steps = TransitionLog.objects.filter(subject_type="certificates.issuancebatch", subject_id=str(hubei.pk))
    assert [s.to_status for s in steps.order_by("at", "id")] == [
        "draft", "submitted", "confirmed", "forwarded", "approved", "issuing", "issued"]  # fmt: skip


def test_late_submission_is_allowed_but_recorded_as_overdue(exams, time_machine):
    session = hubei_dte_session(exams, time_machine)
    time_machine.move_to(dt.datetime(2026, 5, 6, 9, 0, tzinfo=BEIJING), tick=False)
    batch = svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)
    assert sel.is_overdue(batch)
    svc.batch_submit(actor=exams.hb_eval_admin, batch=batch, exam_report="报告")
    batch.refresh_from_db()
    assert batch.status == B.SUBMITTED and sel.submitted_late(batch)
    late = Decision.objects.get(subject_id=str(batch.pk), kind="certificate_submit")
    assert late.outcome == "late" and late.rules == ["CRT-3"] and late.checks[0]["facts"]["days_late"] == 4
    event = AuditEvent.objects.filter(action="certificate_batch.submitted").latest("seq")
    assert event.after["overdue"] is True


def test_the_province_returns_some_candidates_and_confirms_the_rest(hubei, exams):
    first, *_rest = _entries(hubei)
    _through_office(exams, hubei, confirm_returns={first.pk: "身份证件信息与报名材料不一致"})
    first.refresh_from_db()
    assert first.status == E.RETURNED and first.returned_by_level == "province"
    assert first.return_reason == "身份证件信息与报名材料不一致"
    assert [e.status for e in _entries(hubei)[1:]] == [E.APPROVED, E.APPROVED]
    batch_issue(actor=exams.hb_eval_admin, batch=hubei)
    assert Certificate.objects.filter(batch=hubei).count() == 2
    assert not Certificate.objects.filter(source_id=first.registration_id).exists()


def test_partial_approval_then_the_returned_candidate_goes_in_a_supplementary_batch(hubei, exams):
    entries = _entries(hubei)
    _through_office(exams, hubei, approve_returns={entries[2].pk: "实操成绩记录缺少考评员签字"})
    hubei.refresh_from_db()
    assert sel.batch_allowed_actions(exams.hb_eval_admin, hubei) == ["issue", "supplement"]
    new = svc.batch_supplement(actor=exams.hb_eval_admin, batch=hubei)
    assert new.status == B.DRAFT and new.number.endswith("-2") and new.submit_due == hubei.submit_due
    (moved,) = _entries(new)
    assert moved.registration_id == entries[2].registration_id
    assert moved.row["previous_return"] == "实操成绩记录缺少考评员签字"
    entries[2].refresh_from_db()
    assert entries[2].status == E.WITHDRAWN
    _through_office(exams, new)
    batch_issue(actor=exams.hb_eval_admin, batch=hubei)
    batch_issue(actor=exams.hb_eval_admin, batch=new)
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"D422026100000{i:03d}" for i in (1, 2, 3)]


def test_returning_everyone_is_returning_the_batch(hubei, exams):
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="报告")
    with pytest.raises(RuleViolation) as exc:
        review.batch_confirm(
            actor=exams.hb_official, batch=hubei, returns={e.pk: "不符" for e in _entries(hubei)}
        )
    assert exc.value.rules == ["CRT-3"]
    with pytest.raises(InvalidInput) as missing:
        review.batch_confirm(actor=exams.hb_official, batch=hubei, returns={_entries(hubei)[0].pk: ""})
    assert list(missing.value.fields) == [f"reason_{_entries(hubei)[0].pk}"]


def test_a_returned_batch_goes_back_after_each_returned_candidate_is_corrected(hubei, exams):
    first = _entries(hubei)[0]
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="报告")
    review.batch_confirm(actor=exams.hb_official, batch=hubei, returns={first.pk: "照片不清晰"})
    review.batch_forward(actor=exams.hb_official, batch=hubei)
    review.batch_return(actor=exams.cg_official, batch=hubei, reason="考核情况报告未说明缺考人数")
    hubei.refresh_from_db()
    assert hubei.status == B.RETURNED and hubei.return_reason == "考核情况报告未说明缺考人数"
    with pytest.raises(RuleViolation) as exc:
        svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="补充：缺考1人。")
    assert exc.value.rules == ["CRT-3"] and "未更正或撤回" in exc.value.message
    svc.entry_correct(actor=exams.hb_eval_admin, entry=first, note="已重新采集照片")
    first.refresh_from_db()
    assert first.status == E.INCLUDED and first.row["correction"] == "已重新采集照片"
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="补充：缺考1人。")
    hubei.refresh_from_db()
    assert hubei.status == B.SUBMITTED and hubei.exam_report == "补充：缺考1人。" and not hubei.return_reason


def test_nothing_is_issued_from_a_batch_that_skipped_a_step(hubei, exams):
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="报告")
    # approved without the province's confirmation or the office (written around the services)
    IssuanceBatch.objects.filter(pk=hubei.pk).update(status=B.APPROVED)
    BatchEntry.objects.filter(batch=hubei).update(status=E.APPROVED)
    with pytest.raises(RuleViolation) as exc:
        batch_issue(actor=exams.hb_eval_admin, batch=hubei)
    assert exc.value.rules == ["CRT-3"] and "省级确认" in exc.value.message
    assert not Certificate.objects.exists()


def test_unapproved_candidates_of_an_approved_batch_are_not_issued(hubei, exams):
    _through_office(exams, hubei)
    BatchEntry.objects.filter(pk=_entries(hubei)[0].pk).update(status=E.INCLUDED)  # never approved
    batch_issue(actor=exams.hb_eval_admin, batch=hubei)
    assert Certificate.objects.filter(batch=hubei).count() == 2


def test_who_acts_at_each_step(hubei, exams):
    with pytest.raises(NotFound):
        svc.batch_submit(actor=exams.cd_exam_admin, batch=hubei, exam_report="报告")
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="报告")
    with pytest.raises(PermissionDenied):  # the office does not confirm for the province
        review.batch_confirm(actor=exams.cg_official, batch=hubei)
    with pytest.raises(NotFound):  # another province
        review.batch_confirm(actor=exams.users["ln_official"], batch=hubei)
    with pytest.raises(PermissionDenied):
        review.batch_approve(actor=exams.hb_official, batch=hubei)
    hubei.refresh_from_db()
    assert sel.batch_allowed_actions(exams.hb_official, hubei) == ["confirm", "return_province"]
    assert sel.batch_allowed_actions(exams.cg_official, hubei) == []
    assert sel.batch_allowed_actions(exams.hb_eval_admin, hubei) == []


def test_another_provinces_official_does_not_find_the_batch(hubei, exams):
    with pytest.raises(NotFound):
        sel.batch_get_for(exams.hb_official, hubei.pk)  # still the institution's draft
    svc.batch_submit(actor=exams.hb_eval_admin, batch=hubei, exam_report="报告")
    assert sel.batch_get_for(exams.hb_official, hubei.pk) == hubei
    assert sel.batch_get_for(exams.cg_official, hubei.pk) == hubei
    for outsider in ("ln_official", "cd_official", "cd_exam_admin"):
        with pytest.raises(NotFound):
            sel.batch_get_for(exams.users[outsider], hubei.pk)


def test_the_skill_route_issues_from_the_institution_then_reports_to_the_city(exams, time_machine):
    session = chengdu_skill_session(exams, time_machine, site_serial="000045")
    batch = svc.batch_create(actor=exams.cd_exam_admin, session_id=session.pk)
    assert batch.route == "institution_city" and batch.kind == "skill" and batch.submit_due is None
    assert sel.batch_allowed_actions(exams.cd_exam_admin, batch) == ["issue"]
    with pytest.raises(Conflict):
        svc.batch_submit(actor=exams.cd_exam_admin, batch=batch, exam_report="报告")
    batch_issue(actor=exams.cd_exam_admin, batch=batch)
    numbers = sorted(Certificate.objects.filter(batch=batch).values_list("number", flat=True))
    # S + 0000 (filed locally) + 51 + the site's serial + 26 + level 4 + serial
    assert numbers == [f"S000051000045264{i:06d}" for i in (1, 2, 3)] and all(len(n) == 22 for n in numbers)
    assert sel.batch_get_for(exams.cd_official, batch.pk) == batch
    svc.batch_report(actor=exams.cd_exam_admin, batch=batch)
    batch.refresh_from_db()
    assert batch.status == B.REPORTED and batch.reported_at


def test_skill_numbers_take_the_site_serial_from_the_filing_when_the_site_has_none(exams, time_machine):
    session = chengdu_skill_session(exams, time_machine)
    ExamSite.objects.filter(pk=session.site_id).update(serial="")
    batch = svc.batch_create(actor=exams.cd_exam_admin, session_id=session.pk)
    batch_issue(actor=exams.cd_exam_admin, batch=batch)
    first = Certificate.objects.filter(batch=batch).order_by("number").first()
    assert first.number == "S000051000123264000001"

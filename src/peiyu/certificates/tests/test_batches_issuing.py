"""Issuing a batch in the background (issue 14 point 10; CRT-4): chunks with progress, a failure sent
back to be retried with the error in Chinese, the request not waiting for the work when a worker runs
it, and numbers that never repeat when two batches are issued at once (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import BatchEntry, Certificate, IssuanceBatch
from peiyu.certificates.services import batches as svc
from peiyu.certificates.services import batches_issue
from peiyu.certificates.services import batches_review as review
from peiyu.certificates.services.batches_issue import batch_issue, batch_issue_run

from .support import BEIJING, hubei_dte_session

B = IssuanceBatch.Status
APPROVE_DAY = dt.datetime(2026, 4, 24, 10, 0, tzinfo=BEIJING)


def approved_batch(exams, time_machine, group: int = 1) -> IssuanceBatch:
    session = hubei_dte_session(exams, time_machine, group=group)
    time_machine.move_to(APPROVE_DAY, tick=False)
    batch = svc.batch_create(actor=exams.hb_eval_admin, session_id=session.pk)
    svc.batch_submit(actor=exams.hb_eval_admin, batch=batch, exam_report="考核组织规范。")
    review.batch_confirm(actor=exams.hb_official, batch=batch)
    review.batch_forward(actor=exams.hb_official, batch=batch)
    return review.batch_approve(actor=exams.cg_official, batch=batch)


def test_issuing_goes_chunk_by_chunk_with_progress(exams, time_machine, settings):
    settings.PEIYU_CERTIFICATE_CHUNK = 1
    batch = approved_batch(exams, time_machine)
    done = batch_issue(actor=exams.hb_eval_admin, batch=batch)
    assert done.status == B.ISSUED and (done.done, done.total) == (3, 3) and not done.job_error
    # one audit event per chunk for the certificates and for the entries, not one per certificate
    assert AuditEvent.objects.filter(action="certificate.created").count() == 3
    assert AuditEvent.objects.filter(action="certificate_entry.issued").count() == 3
    first = Certificate.objects.order_by("number").first()
    assert first.decision.rules == ["CRT-1", "CRT-2", "CRT-4"] and first.decision.policy_name == "hubei-dte"
    assert first.details["exam_on"] == "2026-04-02" and first.source_kind == "registration"


def test_a_failed_run_goes_back_with_the_error_and_a_retry_issues_the_rest(
    exams, time_machine, settings, monkeypatch
):
    settings.PEIYU_CERTIFICATE_CHUNK = 1
    batch = approved_batch(exams, time_machine)
    real = batches_issue.certificates_create
    calls = {"n": 0}

    def failing_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(batches_issue, "certificates_create", failing_second)
    failed = batch_issue(actor=exams.hb_eval_admin, batch=batch)
    assert failed.status == B.APPROVED and (failed.done, failed.total) == (1, 3)
    assert (
        failed.job_error.startswith("发证未完成：处理过程中出现程序错误")
        and "disk full" not in failed.job_error
    )
    assert Certificate.objects.count() == 1
    event = AuditEvent.objects.filter(action="certificate_batch.approved").latest("seq")
    assert event.after["error"] == "RuntimeError"
    monkeypatch.setattr(batches_issue, "certificates_create", real)
    done = batch_issue(actor=exams.hb_eval_admin, batch=batch)
    assert done.status == B.ISSUED and (done.done, done.total) == (3, 3) and not done.job_error
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [
        f"D422026100000{i:03d}" for i in (1, 2, 3)
    ]


def test_with_a_worker_the_request_only_queues_the_work(exams, time_machine, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[tuple] = []

    class Task:
        def delay(self, *args):
            queued.append(args)

    monkeypatch.setattr(batches_issue, "task_named", lambda name: Task())
    monkeypatch.setattr(batches_issue.transaction, "on_commit", lambda fn: fn())
    batch = approved_batch(exams, time_machine)
    started = batch_issue(actor=exams.hb_eval_admin, batch=batch)
    assert started.status == B.ISSUING and (started.done, started.total) == (0, 3)
    assert queued == [(batch.pk, exams.hb_eval_admin.pk)] and not Certificate.objects.exists()
    batch_issue_run(*queued[0])
    assert batch_issue_run(*queued[0]).status == B.ISSUED  # a second delivery finds nothing to do
    assert Certificate.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_issued_at_once_never_share_a_number(exams, time_machine, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    settings.PEIYU_CERTIFICATE_CHUNK = 1  # interleave the two runs chunk by chunk
    batches = [approved_batch(exams, time_machine, group=g) for g in (1, 2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def issue(batch: IssuanceBatch) -> None:
        from django.db import connections

        try:
            barrier.wait()
            batch_issue(actor=exams.hb_eval_admin, batch=IssuanceBatch.objects.get(pk=batch.pk))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(b,)) for b in batches]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert [IssuanceBatch.objects.get(pk=b.pk).status for b in batches] == [B.ISSUED, B.ISSUED]
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"D422026100000{i:03d}" for i in range(1, 7)]
    assert BatchEntry.objects.filter(certificate__isnull=False).count() == 6


def test_an_issuer_whose_name_needs_a_decision_is_refused_before_the_run_starts(exams, time_machine):
    from peiyu.accounts.models import Org
    from peiyu.core.errors import RuleViolation

    batch = approved_batch(exams, time_machine)
    Org.objects.filter(pk=batch.institution_id).update(name="中华数字技术评价中心")  # renamed after approval
    batch.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        batch_issue(actor=exams.hb_eval_admin, batch=batch)
    assert refused.value.rules == ["CRT-2"] and "中华" in refused.value.message
    batch.refresh_from_db()
    assert batch.status == B.APPROVED and batch.done == 0 and not Certificate.objects.exists()

"""`peiyu demo --no-serve` builds every journey's data through the services, and a second run changes
nothing. Training (journeys 7 and 8): classes in every state with attendance, the 300-row roster with
its three bad ID numbers, QR scans, pushed online records, anomalies, a completed class with
certificates, its report and an evaluation, and a Hubei report overdue on the officials' to-do lists."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def _counts():
    from peiyu.audit.models import AuditEvent
    from peiyu.training.models import Enrolment, TrainingClass

    # every run of `load_reference` records that it ran; the demo data itself adds nothing the second time
    events = AuditEvent.objects.exclude(action="catalogs.reference_loaded").count()
    return events, TrainingClass.objects.count(), Enrolment.objects.count()


def test_demo_builds_every_training_state_and_is_idempotent(tmp_path, settings):
    from peiyu.accounts.models import User
    from peiyu.core.registry import todo_for
    from peiyu.training.models import (
        Anomaly,
        Attendance,
        Enrolment,
        OnlineRecord,
        RosterImport,
        TrainingClass,
        TrainingReport,
    )
    from peiyu.training.selectors.completion import enrolment_certificates

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    printed = out.getvalue()
    # each long step says what it does and how long it took; the accounts come grouped by journey
    assert "· 数据库迁移" in printed and "– 培训：计划、开班、名册、考勤、结业 … 完成（" in printed
    journey7 = printed.split("旅程 7 · 开班培训（福建）")[1].split("旅程 8")[0]
    assert "inst_fz_admin" in journey7 and "trainee_zhang" in journey7 and "sysadmin" not in journey7
    statuses = Counter(TrainingClass.objects.values_list("status", flat=True))
    assert set(statuses) == set(TrainingClass.Status.values)
    running = TrainingClass.objects.filter(status="running")
    assert Attendance.objects.filter(session__klass__in=running).count() > 100
    assert OnlineRecord.objects.exists()
    imp = RosterImport.objects.get()
    assert (imp.status, imp.total_rows, imp.rejected_rows, imp.enrolled) == ("done", 300, 3, 297)
    assert set(Anomaly.objects.values_list("kind", flat=True)) == set(Anomaly.Kind.values)
    zhang = Enrolment.objects.filter(trainee__user__username="trainee_zhang").values_list("pk", flat=True)
    assert enrolment_certificates(zhang)  # issued by the certificates service (ADR 0007 §4)
    overdue = TrainingReport.objects.get(status="draft", due_on__isnull=False)
    for username in ("hb_official", "wh_official", "inst_wh_admin"):
        items = todo_for(User.objects.get(username=username))
        assert any(i.rule == "TRN-6" and i.overdue for i in items), username
    assert any(i.rule == "TRN-12" for i in todo_for(User.objects.get(username="fz_official")))
    assert overdue.klass.plan.programme == "dte"

    before = _counts()
    call_command("demo", no_serve=True, stdout=io.StringIO())
    assert _counts() == before

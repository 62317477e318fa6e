"""The move of training certificates into the certificates table (ADR 0007 §4, migration 0002): every
certificate keeps its number and verification token, its holder, what it attests and its decision; a
revoked one becomes invalidated with the date and reason of its revocation; nothing is signed yet.

The test goes back to the schema before the move (certificates 0001: the training table exists), writes
training certificates the way training issued them, and migrates forward to today's schema."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peiyu.certificates.models import Certificate
from peiyu.core.models import Decision, TransitionLog
from peiyu.training.tests import completion_factories as f
from peiyu.training.tests.conftest import training  # noqa: F401 - the training world

BEFORE = [("certificates", "0001_initial")]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_training_certificates_move_with_their_numbers_tokens_and_revocations(training):  # noqa: F811
    executor = _migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Old = old_apps.get_model("training", "TrainingCertificate")
    k = f.klass(f.plan(training), status="completed")
    a = f.enrol(k, f.trainee("张三丰"), offline=6000, score=Decimal("80"))
    b = f.enrol(k, f.trainee("李四", region="210103"), offline=6000, score=Decimal("80"))
    decision = Decision.objects.create(
        subject_type="training.trainingclass",
        subject_id=str(k.pk),
        kind="certificate_issue",
        outcome="issued",
    )
    common = {
        "institution_id": k.plan.institution_id,
        "occupation_code": "2-02-38-01",
        "occupation_name": "人工智能工程技术人员",
        "level": "初级",
        "hours": 100,
        "ce_hours": 100,
        "ce_year": 2026,
        "issued_on": dt.date(2026, 3, 2),
        "decision_id": decision.pk,
    }
    kept = Old.objects.create(
        number="PX2026210102000001", verify_token="t" * 43, enrolment_id=a.pk, trainee_id=a.trainee_id,
        holder_name="张三丰", **common,
    )  # fmt: skip
    revoked = Old.objects.create(
        number="PX2026210102000002", verify_token="u" * 43, enrolment_id=b.pk, trainee_id=b.trainee_id,
        holder_name="李四", status="revoked", revoked_reason="学员身份信息核查有误", **common,
    )  # fmt: skip
    at = dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC)  # 6 March 07:30 in Shanghai
    TransitionLog.objects.create(
        subject_type="training.trainingcertificate", subject_id=str(revoked.pk), from_status="valid",
        to_status="revoked", reason="学员身份信息核查有误", at=at,
    )  # fmt: skip

    _migrate(executor.loader.graph.leaf_nodes())

    moved = {c.number: c for c in Certificate.objects.filter(kind="training")}
    assert set(moved) == {"PX2026210102000001", "PX2026210102000002"}
    one, two = moved["PX2026210102000001"], moved["PX2026210102000002"]
    assert (one.verify_token, two.verify_token) == ("t" * 43, "u" * 43)
    assert one.status == "valid" and one.invalidated_on is None
    assert one.holder_id == a.trainee_id and one.holder_name == "张三丰"
    assert one.holder_id_masked.startswith("210102") and "*" in one.holder_id_masked
    assert one.holder_id_index == a.trainee.id_index
    assert one.institution_id == k.plan.institution_id and one.issuer_name == k.plan.institution.name
    assert (one.region_code, one.programme) == (k.region_id, k.plan.programme)
    assert (one.occupation_name, one.level, one.issued_on) == (
        "人工智能工程技术人员",
        "初级",
        dt.date(2026, 3, 2),
    )
    assert (one.source_kind, one.source_id, one.decision_id) == ("enrolment", a.pk, decision.pk)
    assert one.details == {
        "hours": 100, "ce_hours": 100, "ce_year": 2026, "class": k.number, "class_id": k.pk,
        "enrolment": a.pk, "legacy_id": kept.pk,
    }  # fmt: skip
    assert one.key_id is None and one.payload == ""  # signed after migrate, not by the migration
    assert two.status == "invalidated" and two.invalidated_on == at.astimezone(SHANGHAI).date()
    assert two.details["revoked_reason"] == "学员身份信息核查有误"
    assert two.details["legacy_id"] == revoked.pk

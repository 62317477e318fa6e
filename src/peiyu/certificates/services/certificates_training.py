"""Issuing training certificates (培训合格证书, TRN-6, TRN-7) on the one certificates service (ADR 0007 §4):
the training institution issues them to the completed trainees of a completed class, as it always did —
now numbered, signed and kept here. Training's completion page and API call it through the extension
point `class.certificates_issue` (training.selectors.completion.CERTIFICATE_ISSUE_POINT).

Every check of training's issuing is kept: the institution (training.manage), the class completed, only
completed trainees without a certificate, the catalog entry allowing it on the day (SUP-7, DIR-1; a
refusal is stored as the class's decision with the profile version, audited, then raised), TRN-6 and
TRN-7 recorded in the decision (hours = the plan's total, counted for the issue year's continuing
education). Numbers keep training's rule — "PX", the issue year, the class region, 6 digits
(rules.numbering.TRAINING_TEMPLATE) — and continue after the numbers moved from training.

Certificates moved by migration 0002 are unsigned: `training_moved_sign` (a `peiyu tick` handler) signs
them in chunks after migrate, and `training_certificate_signed` signs one on the spot before its PDF is
made. Both are idempotent: a signed certificate is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.errors import Conflict
from peiyu.core.identifiers import mask_id_number
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for
from peiyu.training.selectors import completion as training_sel
from peiyu.training.services.certificates import certificates_entry_check
from peiyu.training.services.locking import class_locked

from ..models import Certificate
from ..rules.numbering import TRAINING_TEMPLATE, plan_for
from ..selectors.certificates_training import certificate_info
from .issuance import IssueRow, certificates_create, issue_checks
from .numbering import numbers_take
from .signing import certificates_sign

KIND = Certificate.Kind.TRAINING
SOURCE = "enrolment"
SIGN_CHUNK = 500


def training_certificates_issue(*, actor: Any, klass: Any) -> list[Certificate]:
    """Issue the certificates of a completed class to its completed trainees that have none yet (module
    docstring). Returns them by number; [] when every completed trainee has one already."""
    require(actor, "training.manage", org_id=klass.plan.institution_id)
    today = timezone.localdate()
    with transaction.atomic():
        locked = class_locked(klass)
        if locked.status != "completed":
            raise Conflict("班级结业后才能发放培训合格证书", code="class_not_completed", rule="TRN-6")
        enrolments = training_sel.enrolments_completed_uncertified(locked)
        if not enrolments:
            return []
        policy = policy_for(locked.plan.programme, locked.region_id, on=today)
        entry = certificates_entry_check(locked, today)
        if entry.ok:
            return _issue(actor, locked, enrolments, entry, policy, today)
        refusal = Decision.record(
            "training.trainingclass",
            locked.pk,
            kind="certificate_issue",
            outcome="refused",
            checks=[entry],
            policy=policy,
        )
        audit_record(
            actor,
            "training_class.certificates_refused",
            locked,
            after={"decision": refusal.pk, "rules": refusal.rules, "count": len(enrolments)},
        )
    refuse_failed([entry], code="certificates_refused", details={"decision": refusal.pk})
    return []  # refuse_failed raised: the entry's check failed


def _issue(
    actor: Any, locked: Any, enrolments: list[Any], entry: Check, policy: Policy, today: dt.date
) -> list[Certificate]:
    plan = locked.plan
    number_plan = plan_for(TRAINING_TEMPLATE, {"yyyy": f"{today.year:04d}", "region": locked.region_id})
    numbers = numbers_take(number_plan, len(enrolments))
    hours = plan.total_hours
    decision = Decision.record(
        "training.trainingclass",
        locked.pk,
        kind="certificate_issue",
        outcome="issued",
        checks=[
            Check(
                "TRN-6",
                True,
                f"结业考核合格的 {len(enrolments)} 名学员颁发统一式样的培训合格证书",
                {"class": locked.number, "count": len(enrolments), "completion_decision": locked.decision_id},
                "003 四（三）",
            ),
            Check(
                "TRN-7",
                True,
                f"计入{today.year}年度继续教育学时{hours}学时（全国有效）",
                {"ce_year": today.year, "ce_hours": hours},
                "003 五（一）",
            ),
            entry,
            *issue_checks(kind=KIND, institution=plan.institution, numbers=numbers, plan=number_plan),
        ],
        policy=policy,
    )
    rows = [
        IssueRow(
            holder_id=e.trainee_id,
            holder_name=e.trainee.name,
            id_masked=mask_id_number(e.trainee.id_number),
            id_index=e.trainee.id_index,
            occupation_code=plan.occupation_code,
            occupation_name=plan.occupation_name,
            direction=plan.direction,
            level=plan.level,
            details={
                "hours": hours,
                "ce_hours": hours,
                "ce_year": today.year,
                "class": locked.number,
                "class_id": locked.pk,
                "enrolment": e.pk,
            },
            source_kind=SOURCE,
            source_id=e.pk,
        )
        for e in enrolments
    ]
    created = certificates_create(
        actor=actor,
        kind=KIND,
        institution=plan.institution,
        programme=plan.programme,
        region_code=locked.region_id,
        plan=None,
        rows=rows,
        issued_on=today,
        decision=decision,
        numbers=numbers,
    )
    return sorted(created, key=lambda c: c.number)


def training_certificates_issued(*, actor: Any, klass: Any) -> list[dict[str, Any]]:
    """The contribution to training's `class.certificates_issue`: the certificates issued, as training
    shows them (selectors.certificates_training.certificate_info)."""
    return [certificate_info(c) for c in training_certificates_issue(actor=actor, klass=klass)]


# --- signing the certificates moved from training -------------------------------------------------------


def training_certificate_signed(cert: Certificate) -> Certificate:
    """The certificate signed: a certificate moved from training without a signature is signed now."""
    if cert.key_id is not None:
        return cert
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",)).select_related("institution").get(pk=cert.pk)
        )
        if locked.key_id is None:
            certificates_sign([locked])
    cert.refresh_from_db(fields=["key", "payload", "status_index"])
    return cert


def training_moved_sign(now: dt.datetime | None = None) -> int:
    """`peiyu tick`: sign up to SIGN_CHUNK unsigned training certificates (moved by migration 0002);
    returns how many. Safe to run twice: only unsigned ones are taken, under their row locks."""
    with transaction.atomic():
        certs = list(
            Certificate.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(kind=KIND, key__isnull=True)
            .select_related("institution")
            .order_by("pk")[:SIGN_CHUNK]
        )
        certificates_sign(certs)
    return len(certs)

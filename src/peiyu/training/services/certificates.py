"""Training certificates (培训合格证书, TRN-6) of the unified format, counting as the issue year's
continuing-education hours nationwide (TRN-7).

Numbers: "PX" + issue year + the class region's 6-digit code + a 6-digit sequence per year and region,
e.g. PX2026350102000001. Issuing locks the region's row (SELECT … FOR UPDATE on accounts.Region; on
SQLite the IMMEDIATE write transaction serialises writers the same way) before reading the highest
number of the prefix, so two institutions of one region issuing at once get consecutive numbers and
never the same; the unique index on the number is the last guard. Each certificate has a random
`verify_token` (secrets.token_urlsafe(32)) for the public QR verification page."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Region
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import Conflict
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for

from ..flows import CERTIFICATE_FLOW
from ..models import Enrolment, TrainingCertificate, TrainingClass
from ..rules import completion as cr
from ..selectors.completion import certificate_can_revoke
from .locking import class_locked
from .plans import listing_facts

PREFIX = "PX"
SEQ_DIGITS = 6
REASON_MAX = 500


def number_prefix(year: int, region_code: str) -> str:
    return f"{PREFIX}{year:04d}{region_code}"


def _next_sequence(prefix: str) -> int:
    last = (
        TrainingCertificate.objects.filter(
            number__startswith=prefix, number__regex=rf"^{prefix}\d{{{SEQ_DIGITS}}}$"
        )
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last[len(prefix) :]) + 1 if last else 1


def certificates_entry_check(klass: TrainingClass, today: dt.date | None = None) -> Check:
    """Whether the class's catalog entry allows issuing today (SUP-7, DIR-1): what issuing decides, and
    what the completion page says before the institution tries."""
    return cr.listing_allows_certificates(
        listing_facts(klass.plan.listing), today=today or timezone.localdate()
    )


def certificates_issue(*, actor, klass: TrainingClass) -> list[TrainingCertificate]:
    """Issue the certificates of a completed class to its completed trainees that have none yet
    (TRN-6); hours = the plan's total, counted for the issue year's continuing education (TRN-7). The
    catalog entry must allow it on the day (rules.completion.listing_allows_certificates: suspended or
    removed SUP-7, out of its validity period DIR-1): a refusal is stored as the class's decision with
    the profile version in force, audited, then raised."""
    require(actor, "training.manage", org_id=klass.plan.institution_id)
    today = timezone.localdate()
    with transaction.atomic():
        locked = class_locked(klass)
        if locked.status != TrainingClass.Status.COMPLETED:
            raise Conflict("班级结业后才能发放培训合格证书", code="class_not_completed")
        enrolments = list(
            Enrolment.objects.filter(
                klass=locked, status=Enrolment.Status.COMPLETED, certificate__isnull=True
            )
            .select_related("trainee")
            .order_by("trainee__name", "pk")
        )
        if not enrolments:
            return []
        plan = locked.plan
        policy = policy_for(plan.programme, locked.region_id, on=today)
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
    actor, locked: TrainingClass, enrolments: list[Enrolment], entry: Check, policy: Policy, today: dt.date
) -> list[TrainingCertificate]:
    """The certificates themselves, numbered under the per-region lock (the caller's transaction)."""
    Region.objects.select_for_update().filter(code=locked.region_id).first()  # the per-region lock
    plan = locked.plan
    prefix = number_prefix(today.year, locked.region_id)
    seq = _next_sequence(prefix)
    if seq + len(enrolments) - 1 >= 10**SEQ_DIGITS:
        raise Conflict("本年度本地区证书编号已用尽", code="certificate_numbers_exhausted")
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
                {
                    "class": locked.number,
                    "count": len(enrolments),
                    "completion_decision": locked.decision_id,
                },
                "003 四（三）",
            ),
            Check(
                "TRN-7",
                True,
                f"计入{today.year}年度继续教育学时{plan.total_hours}学时（全国有效）",
                {"ce_year": today.year, "ce_hours": plan.total_hours},
                "003 五（一）",
            ),
            entry,
        ],
        policy=policy,
    )
    certs = [
        TrainingCertificate(
            number=f"{prefix}{seq + i:0{SEQ_DIGITS}d}",
            verify_token=secrets.token_urlsafe(32),
            enrolment=e,
            trainee=e.trainee,
            institution=plan.institution,
            holder_name=e.trainee.name,
            occupation_code=plan.occupation_code,
            occupation_name=plan.occupation_name,
            direction=plan.direction,
            level=plan.level,
            hours=plan.total_hours,
            ce_hours=plan.total_hours,
            ce_year=today.year,
            issued_on=today,
            decision=decision,
        )
        for i, e in enumerate(enrolments)
    ]
    TrainingCertificate.objects.bulk_create(certs)
    issued = list(
        TrainingCertificate.objects.filter(number__in=[c.number for c in certs])
        .select_related("enrolment__klass")
        .order_by("number")
    )
    for cert in issued:
        CERTIFICATE_FLOW.created(
            cert,
            actor=actor,
            after={"number": cert.number, "enrolment": cert.enrolment_id, "decision": decision.pk},
        )
    return issued


def certificate_revoke(*, actor, certificate: TrainingCertificate, reason: str) -> TrainingCertificate:
    """Revoke a certificate (its institution, or an official supervising the class region); the public
    verification then shows 已撤销."""
    klass = certificate.enrolment.klass
    if not certificate_can_revoke(actor, certificate):
        require(actor, "training.supervise", region_code=klass.region_id)  # refused, with the reason
    reason = clean_reason(reason, label="撤销原因", max_length=REASON_MAX)
    with transaction.atomic():
        locked = TrainingCertificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
        if locked.status == TrainingCertificate.Status.REVOKED:
            raise Conflict("该证书已撤销", code="certificate_revoked")
        CERTIFICATE_FLOW.transition(
            locked,
            TrainingCertificate.Status.REVOKED,
            actor=actor,
            reason=reason,
            changes={"revoked_reason": reason},
            locked=True,
            audit_extra={"number": locked.number},
        )
    certificate.refresh_from_db(fields=["status", "revoked_reason", "updated_at"])  # the caller's copy
    return locked

"""Creating certificates of every kind (CRT-1, CRT-4): THE one function every issuer calls — the
evaluation institution's level and skill certificates from a batch (services/batches_issue.py), the
training institution's training certificates (moved onto this service, ADR 0007 §4).

`certificates_create` numbers the rows (a block of serials under the plan's prefix, taken under its
row lock: services/numbering.numbers_take; or the numbers given, for certificates moved with the
number they already had), gives each a verification token, inserts them in bulk, signs them
(services/signing.certificates_sign: key, QR payload, status-list index) and records them: one
TransitionLog row per certificate and ONE audit event for the whole call (`certificate.created` on
the batch, or on the first certificate), and the Decision — the issuer and numbering checks with the
profile version in force — unless the caller brings its own. The wording (CRT-2) is the issuer's as it
stands at issue, kept in each certificate's details: a template activated later does not change the
text of a certificate already issued. An issuer whose own name needs an official's decision on its
wording issues nothing until it has one. Call it inside the issuing transaction
(it opens one itself when called outside): numbers are spent only if it commits."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from peiyu.accounts.models import Org
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..flows import CERTIFICATE_FLOW
from ..models import Certificate, IssuanceBatch
from ..rules.numbering import NumberPlan, check_skill_number
from .numbering import numbers_take
from .templates import WORDING, issuing_wording

SUBJECT = "certificates.certificate"
CHUNK = 2000


@dataclass(frozen=True)
class IssueRow:
    """One certificate to issue: who holds it (a person of training's register, with the name, masked ID
    number and ID blind index copied at issue), what it attests and where it comes from."""

    holder_id: int
    holder_name: str
    id_masked: str
    id_index: str
    occupation_code: str
    occupation_name: str
    direction: str
    level: str
    details: dict[str, Any] = field(default_factory=dict)
    source_kind: str = ""
    source_id: int = 0


def issue_checks(
    *,
    kind: str,
    institution: Org,
    numbers: Sequence[str],
    plan: NumberPlan | None,
    wording: Check | None = None,
) -> list[Check]:
    """What the decision records: who issues (CRT-1), with which wording (CRT-2: `wording`, else the
    issuer's as `templates.issuing_wording` finds it) and how the numbers were made (CRT-4; a skill
    certificate's number also against the 22-character coding rule). A failed one refuses the issue."""
    issuer = Check(
        "CRT-1",
        True,
        f"{institution.name}颁发{Certificate.Kind(kind).label}{len(numbers)}本",
        {"institution": institution.pk, "kind": kind, "count": len(numbers)},
        "000 第十三条；001 第六条",
    )
    numbering = Check(
        "CRT-4",
        True,
        (
            f"证书编号按前缀 {plan.prefix} 顺序取号（{numbers[0]}–{numbers[-1]}）"
            if plan is not None
            else f"沿用原证书编号（{numbers[0]}–{numbers[-1]}）"
        )
        if numbers
        else "无证书",
        {"prefix": plan.prefix if plan else None, "first": numbers[0] if numbers else None},
        "001 第十七条（五）",
    )
    if wording is None:
        wording = issuing_wording(institution, kind)[1]
    checks = [issuer, wording, numbering]
    if kind == Certificate.Kind.SKILL and numbers and plan is not None:  # serials of one prefix: the ends
        bad = next((n for n in (numbers[0], numbers[-1]) if not check_skill_number(n).ok), None)
        checks.append(check_skill_number(bad or numbers[0]))
    return checks


def certificates_create(
    *,
    actor: Any,
    kind: str,
    institution: Org,
    programme: str,
    region_code: str,
    plan: NumberPlan | None,
    rows: Sequence[IssueRow],
    issued_on: dt.date,
    decision: Decision | None,
    batch: IssuanceBatch | None = None,
    numbers: Sequence[str] | None = None,
    replaces: Certificate | None = None,
    reissue_reason: str = "",
) -> list[Certificate]:
    """Create, number, sign and record one certificate per row (module docstring). `plan` numbers them;
    `numbers` (one per row, in order) keeps numbers they already have. `decision` None: one is recorded
    with the CRT-1/CRT-4 checks and the profile of `programme` in `region_code` on `issued_on`.
    `replaces` (one row only): the certificate this one reissues (lost, corrected), with the reason."""
    from .signing import certificates_sign  # H-A's module; imported here so numbering stands alone

    if not rows:
        return []
    if numbers is not None and len(numbers) != len(rows):
        raise ValueError("certificates_create: one number per row")
    if replaces is not None and len(rows) != 1:
        raise ValueError("certificates_create: a reissue replaces one certificate with one")
    wording, wording_check = issuing_wording(institution, kind)
    refuse_failed([wording_check], code="certificate_wording_held")
    with transaction.atomic():
        if numbers is not None:
            taken = list(numbers)
        elif plan is not None:
            taken = numbers_take(plan, len(rows))
        else:
            raise ValueError("certificates_create: a number plan or the numbers")
        checks = issue_checks(
            kind=kind, institution=institution, numbers=taken, plan=plan, wording=wording_check
        )
        refuse_failed(checks, code="certificate_number_invalid")
        if decision is None:
            decision = Decision.record(
                SUBJECT if batch is None else "certificates.issuancebatch",
                batch.pk if batch is not None else institution.pk,
                kind="certificate_issue",
                outcome="issued",
                checks=checks,
                policy=policy_for(programme, region_code, on=issued_on),
            )
        texts = {"title": wording.title, "body": wording.body, "seal_text": wording.seal_text}
        user = actor if getattr(actor, "pk", None) is not None else None
        certs = [
            Certificate(
                kind=kind,
                number=number,
                verify_token=secrets.token_urlsafe(32),
                holder_id=row.holder_id,
                holder_name=row.holder_name,
                holder_id_masked=row.id_masked,
                holder_id_index=row.id_index,
                institution=institution,
                issuer_name=institution.name,
                region_code=region_code,
                programme=programme,
                occupation_code=row.occupation_code,
                occupation_name=row.occupation_name,
                direction=row.direction,
                level=row.level,
                issued_on=issued_on,
                details={**row.details, WORDING: texts},
                source_kind=row.source_kind,
                source_id=row.source_id,
                batch=batch,
                decision=decision,
                created_by=user,
                replaces=replaces,
                reissue_reason=reissue_reason,
            )
            for row, number in zip(rows, taken, strict=True)
        ]
        created = Certificate.objects.bulk_create(certs, batch_size=CHUNK)
        if any(c.pk is None for c in created):  # a database that returns no keys from a bulk insert
            by_number = Certificate.objects.in_bulk(taken, field_name="number")
            created = [by_number[n] for n in taken]
        certificates_sign(created)
        CERTIFICATE_FLOW.created_many(
            created,
            actor=actor,
            reason=f"颁发{Certificate.Kind(kind).label}{len(created)}本",
            subject=batch,
            after={
                "kind": kind,
                "institution": institution.pk,
                "numbers": {"first": taken[0], "last": taken[-1]},
                "batch": batch.number if batch is not None else None,
                "decision": decision.pk,
            },
        )
    return created

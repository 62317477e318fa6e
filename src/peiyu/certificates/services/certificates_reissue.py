"""Reissue (换发) of a valid certificate by its issuer: lost (遗失补发) or corrected (更正换发).

A new certificate is issued through the one issuing function (services.issuance.certificates_create) with
`replaces` naming the old one, numbered under the old number's prefix with a new serial (CRT-4), signed
like any other; the old one becomes superseded in the same transaction, so verification shows 已换发 with
the new number at once. A correction records which fields changed (name, direction) and why; the
reason is required for both."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_reason, clean_text, collect, person_name, raise_collected
from peiyu.core.errors import Conflict
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..flows import CERTIFICATE_FLOW, ISSUE
from ..models import Certificate
from ..rules.certificates import CORRECTABLE, REISSUE_KINDS, reissue_plan, serial_width
from ..rules.numbering import TRAINING_TEMPLATE
from .invalidations import status_list_changed
from .issuance import IssueRow, certificates_create
from .templates import issuing_wording

C = Certificate.Status
SUBJECT = "certificates.certificate"


def _width(cert: Certificate) -> int:
    if cert.kind == Certificate.Kind.TRAINING:
        return serial_width(TRAINING_TEMPLATE)
    policy = policy_for(cert.programme, cert.region_code, on=cert.issued_on)
    return serial_width(str(policy["cert_number_template"]))


def _corrections(cert: Certificate, given: dict[str, str], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in CORRECTABLE:
        if name not in given:
            continue
        if name == "holder_name":
            value = collect(errors, name, person_name, given[name])
        else:
            value = collect(errors, name, clean_text, given[name], max_length=100, label="职业方向")
        if value is not None and value != getattr(cert, name):
            out[name] = value
    return out


def certificate_reissue(
    *, actor: Any, certificate: Certificate, kind: str, reason: str, corrections: dict[str, str] | None = None
) -> Certificate:
    """Reissue `certificate` (kind "lost" or "corrected", with the reason; for a correction the changed
    fields); returns the new certificate."""
    require(actor, ISSUE, org_id=certificate.institution_id)
    errors: dict[str, list[str]] = {}
    if kind not in REISSUE_KINDS:
        errors["kind"] = ["请选择补发或更正换发"]
    text = collect(errors, "reason", clean_reason, reason, label="换发原因") or ""
    changed = _corrections(certificate, corrections or {}, errors) if kind == "corrected" else {}
    if kind == "corrected" and not changed and not errors:
        errors["holder_name"] = ["更正换发须至少更正一项内容（姓名或职业方向）"]
    raise_collected(errors, "请检查填写的内容")
    today = timezone.localdate()
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != C.VALID:
            raise Conflict("只有有效的证书可以换发", code="certificate_not_valid", rule="CRT-7")
        label = REISSUE_KINDS[kind]
        check = Check(
            "CRT-4",
            True,
            f"{label}：{old.number}（{text}）",
            {"replaces": old.number, "kind": kind, "corrected": sorted(changed)},
            "001 第十七条（五）",
        )
        wording = issuing_wording(old.institution, old.kind)[
            1
        ]  # today's; certificates_create refuses a held one
        decision = Decision.record(
            SUBJECT, old.pk, kind="certificate_reissue", outcome=kind, checks=[wording, check],
            policy=policy_for(old.programme, old.region_code, on=today), rules=["CRT-1", "CRT-2", "CRT-4"],
        )  # fmt: skip
        details = dict(old.details or {})
        details["reissue"] = {
            "of": old.number,
            "kind": kind,
            "reason": text,
            "corrected": {k: [getattr(old, k), v] for k, v in changed.items()},
        }
        row = IssueRow(
            holder_id=old.holder_id,
            holder_name=changed.get("holder_name", old.holder_name),
            id_masked=old.holder_id_masked,
            id_index=old.holder_id_index,
            occupation_code=old.occupation_code,
            occupation_name=old.occupation_name,
            direction=changed.get("direction", old.direction),
            level=old.level,
            details=details,
            source_kind=old.source_kind,
            source_id=old.source_id,
        )
        [new] = certificates_create(
            actor=actor,
            kind=old.kind,
            institution=old.institution,
            programme=old.programme,
            region_code=old.region_code,
            plan=reissue_plan(old.number, _width(old)),
            rows=[row],
            issued_on=today,
            decision=decision,
            replaces=old,
            reissue_reason=f"{label}：{text}",
        )
        CERTIFICATE_FLOW.transition(
            old,
            C.SUPERSEDED,
            actor=actor,
            reason=f"{label}：{text}",
            expected_from={C.VALID},
            locked=True,
            audit_extra={"replaced_by": new.number, "kind": kind, "corrected": sorted(changed)},
        )
        transaction.on_commit(status_list_changed)
    return new

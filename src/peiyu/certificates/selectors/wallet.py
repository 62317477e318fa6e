"""The holder's wallet: every certificate of the person's own — training, level and skill — as cards
(status, issuer, occupation, level, date, what replaced it or why it is invalid) with the title
statement of a Hubei DTE level certificate (CRT-6, rules.wallet, from the profile in force when it was
issued). Only the person's own certificates: someone else's is 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peiyu.core.errors import PolicyMissing
from peiyu.core.policy import policy_for

from ..models import Certificate, Invalidation
from ..rules.wallet import TitleStatement, title_statement
from .certificates import certificates_of_holder, holder_certificate_get

V = Invalidation.Status


@dataclass(frozen=True)
class WalletCard:
    cert: Certificate
    title: TitleStatement | None
    successor: str  # the number that replaced it (superseded), else ""
    invalid_cause: str  # the class of reason (invalidated), else ""
    invalid_scope: str


def title_of(cert: Certificate) -> TitleStatement | None:
    try:
        policy = policy_for(cert.programme, cert.region_code, on=cert.issued_on)
    except PolicyMissing:
        return None
    return title_statement(
        kind=cert.kind,
        level=cert.level,
        status=cert.status,
        equivalence_levels=policy.get("title_equivalence_levels"),
        reference_levels=policy.get("title_reference_levels"),
    )


def _card(cert: Certificate, successors: dict[int, str], causes: dict[int, Invalidation]) -> WalletCard:
    inv = causes.get(cert.pk)
    return WalletCard(
        cert=cert,
        title=title_of(cert),
        successor=successors.get(cert.pk, ""),
        invalid_cause=str(inv.get_cause_display()) if inv else "",
        invalid_scope=str(inv.get_scope_display()) if inv else "",
    )


def wallet_cards(user: Any) -> list[WalletCard]:
    """The person's certificates, valid ones first, newest first within."""
    certs = sorted(
        certificates_of_holder(user),
        key=lambda c: (c.status != Certificate.Status.VALID, -c.issued_on.toordinal()),
    )
    ids = [c.pk for c in certs]
    successors = dict(Certificate.objects.filter(replaces_id__in=ids).values_list("replaces_id", "number"))
    causes = {
        inv.certificate_id: inv
        for inv in Invalidation.objects.filter(certificate_id__in=ids, status=V.DECIDED)
    }
    return [_card(c, successors, causes) for c in certs]


def wallet_card(user: Any, pk: Any) -> WalletCard:
    cert = holder_certificate_get(user, pk)
    successors = dict(Certificate.objects.filter(replaces_id=cert.pk).values_list("replaces_id", "number"))
    causes = {
        i.certificate_id: i for i in Invalidation.objects.filter(certificate_id=cert.pk, status=V.DECIDED)
    }
    return _card(cert, successors, causes)

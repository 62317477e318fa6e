"""Reads of certificates, scoped (CRT-8, DESIGN §5), deny by default: the issuing institution sees its own
(certificate.issue); officials holding certificate.view see those of their jurisdiction by the region
code's prefix; the coordination group office (a national certificate.view scope) sees every DTE
certificate. Missing and out of scope are both 404. A person reads their own certificates through
`certificates_of_holder` (the wallet), never through the officials' list.

Personal data (DESIGN §7): the holder's ID number is shown masked to everyone except a holder of
personal_data.view_full whose scope reaches the certificate — and each such full view is audited
(accounts.masking). The full number is read from the person's record (training's register) only then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.masking import MASKED, Disclosure, personal_views
from peiyu.accounts.scoping import Scope, scope_for
from peiyu.audit.selectors import actor_names, audit_events_of, shown_actor
from peiyu.core.lookups import one_or_404

from ..flows import CERTIFICATE_FLOW
from ..models import Certificate, Invalidation

ISSUE, VIEW, EXPORT, INVALIDATE = (
    "certificate.issue",
    "certificate.view",
    "certificate.export",
    "certificate.invalidate",
)
SUBJECT = "certificates.certificate"
DTE = "dte"
C = Certificate.Status
V = Invalidation.Status
OPEN_INVALIDATION = (V.OPENED, V.STATED)


def _none() -> Q:
    return Q(pk__in=[])


def official_q(actor: Any, capability: str, prefix: str = "") -> Q:
    """Certificates an official holding `capability` reaches: the jurisdiction's region prefixes; a
    national scope (the coordination group office) reaches the DTE programme only."""
    scope = scope_for(actor, capability)
    if not scope.region_prefixes:
        return _none()
    regional = Scope(scope.user_id, capability, frozenset(p for p in scope.region_prefixes if p))
    q = regional.q(region=f"{prefix}region_code") if regional.region_prefixes else _none()
    if scope.national:
        q |= Q(**{f"{prefix}programme": DTE})
    return q


def certificate_q(actor: Any, prefix: str = "") -> Q:
    """The certificates the actor may read, as a filter on a model reaching them through `prefix`."""
    own = scope_for(actor, ISSUE)
    q = own.q(org=f"{prefix}institution_id") if own.org_ids else _none()
    return q | official_q(actor, VIEW, prefix)


def certificates_visible_to(actor: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(certificate_q(actor)).select_related("institution")


def certificate_get_for(actor: Any, pk: Any) -> Certificate:
    return one_or_404(certificates_visible_to(actor).select_related("batch", "decision", "key"), pk=pk)


def certificates_of_holder(user: Any) -> QuerySet[Certificate]:
    """The person's own certificates of every kind (the wallet): those whose holder is linked to the
    user's account. Nothing for an anonymous visitor or an account without a person record."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(holder__user_id=user.pk).select_related("institution", "replaces")


def holder_certificate_get(user: Any, pk: Any) -> Certificate:
    return one_or_404(certificates_of_holder(user), pk=pk)


def has_certificates(user: Any) -> bool:
    return certificates_of_holder(user).exists()


# --- the list's filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFilters:
    """What the list and the export are narrowed by (each optional)."""

    kind: str = ""
    status: str = ""
    occupation: str = ""
    level: str = ""
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    q: str = ""

    def as_dict(self) -> dict[str, str]:
        """The filter as stored in the export's audit event (only what was set)."""
        out = {
            "kind": self.kind,
            "status": self.status,
            "occupation": self.occupation,
            "level": self.level,
            "issued_from": self.issued_from.isoformat() if self.issued_from else "",
            "issued_to": self.issued_to.isoformat() if self.issued_to else "",
            "q": self.q,
        }
        return {k: v for k, v in out.items() if v}


def certificates_filtered(actor: Any, f: CertificateFilters) -> QuerySet[Certificate]:
    qs = certificates_visible_to(actor)
    if f.kind in Certificate.Kind.values:
        qs = qs.filter(kind=f.kind)
    if f.status in Certificate.Status.values:
        qs = qs.filter(status=f.status)
    if f.occupation:
        qs = qs.filter(Q(occupation_code=f.occupation) | Q(occupation_name__contains=f.occupation))
    if f.level:
        qs = qs.filter(level=f.level)
    if f.issued_from:
        qs = qs.filter(issued_on__gte=f.issued_from)
    if f.issued_to:
        qs = qs.filter(issued_on__lte=f.issued_to)
    if f.q:
        qs = qs.filter(Q(number__startswith=f.q.upper()) | Q(number=f.q) | Q(holder_name=f.q))
    return qs.order_by("-issued_on", "number")


def levels_in_use(actor: Any) -> list[str]:
    return sorted(set(certificates_visible_to(actor).values_list("level", flat=True).distinct()))


# --- personal data: the holder as the actor may see them --------------------------------------------------


@dataclass(frozen=True)
class HolderShown:
    name: str
    id_number: str
    full: bool


def holders_shown(actor: Any, certs: list[Certificate], *, what: str) -> list[HolderShown]:
    """The holders of `certs` as the actor may see them: in full (name and the ID number read from the
    person's record) where the actor holds personal_data.view_full in the certificate's region or
    institution — one audit event for the list — masked everywhere else (the name masked, the ID
    number as stored masked at issue)."""
    shown = personal_views(actor, [(c.region_code, c.institution_id) for c in certs], what=what)
    return [_holder(c, d) for c, d in zip(certs, shown, strict=True)]


def _holder(cert: Certificate, d: Disclosure) -> HolderShown:
    if not d.full:
        return HolderShown(MASKED.name(cert.holder_name), cert.holder_id_masked, False)
    return HolderShown(cert.holder_name, str(cert.holder.id_number or ""), True)


# --- what the detail page shows ---------------------------------------------------------------------------


HISTORY_LABELS = {
    "certificate.created": "颁发",
    "certificate.invalidated": "宣布无效",
    "certificate.superseded": "已换发",
    "certificate.signed": "签名",
}
QUIET = ("personal_data.viewed",)  # views of the holder's data are on the audit trail, not the history


def certificate_history(cert: Certificate) -> list[dict[str, Any]]:
    """What happened to the certificate, oldest first: its issue (the flow's first log row: issuing
    audits one event for the whole call) and its audit events (the caller found it in scope)."""
    rows: list[dict[str, Any]] = [
        {"at": log.at, "label": HISTORY_LABELS["certificate.created"], "actor": str(log.actor or ""),
         "reason": log.reason}
        for log in CERTIFICATE_FLOW.history(cert).filter(from_status="").select_related("actor")
    ]  # fmt: skip
    events = list(audit_events_of(SUBJECT, cert.pk).exclude(action__in=QUIET))
    names = actor_names(events)
    for e in events:
        if e.action == "certificate.created" and rows:
            continue
        rows.append(
            {
                "at": e.at,
                "label": HISTORY_LABELS.get(e.action, e.action),
                "actor": shown_actor(e, names),
                "reason": e.reason,
            }
        )
    return sorted(rows, key=lambda r: r["at"])


def reissue_chain(cert: Certificate) -> list[Certificate]:
    """Every certificate of the chain it belongs to, oldest first: the ones it replaced and the ones
    that replaced it (a lost or corrected certificate reissued, perhaps more than once)."""
    first = cert
    seen = {cert.pk}
    while first.replaces_id is not None and first.replaces_id not in seen:
        first = Certificate.objects.get(pk=first.replaces_id)
        seen.add(first.pk)
    chain = [first]
    while True:
        nxt = Certificate.objects.filter(replaces_id=chain[-1].pk).first()
        if nxt is None or nxt.pk in {c.pk for c in chain}:
            return chain
        chain.append(nxt)


def successor(cert: Certificate) -> Certificate | None:
    return Certificate.objects.filter(replaces_id=cert.pk).first()


def invalidations_of(cert: Certificate) -> QuerySet[Invalidation]:
    return Invalidation.objects.filter(certificate=cert).select_related("opened_by", "decided_by", "decision")


def open_invalidation(cert: Certificate) -> Invalidation | None:
    return Invalidation.objects.filter(certificate=cert, status__in=OPEN_INVALIDATION).first()


def issues(actor: Any, cert: Certificate) -> bool:
    return cert.institution_id in scope_for(actor, ISSUE).org_ids


def may_invalidate(actor: Any, cert: Certificate) -> bool:
    return Certificate.objects.filter(official_q(actor, INVALIDATE), pk=cert.pk).exists()


def may_export(actor: Any) -> bool:
    return scope_for(actor, EXPORT).granted


def certificate_allowed_actions(actor: Any, cert: Certificate) -> list[str]:
    """What the actor may do with the certificate now: download its PDF (everyone who may read it),
    reissue it (the issuing institution, while valid), open an invalidation finding (an official with
    certificate.invalidate in its jurisdiction, while valid and no finding is open)."""
    actions = ["download_pdf"]
    if issues(actor, cert) and CERTIFICATE_FLOW.action("reissue").open_from(cert.status, CERTIFICATE_FLOW):
        actions.append("reissue")
    if cert.status == C.VALID and open_invalidation(cert) is None and may_invalidate(actor, cert):
        actions.append("invalidate")
    return actions

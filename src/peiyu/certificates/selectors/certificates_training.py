"""Reads of training certificates (培训合格证书, TRN-6, TRN-7) as training and the public knew them before
they moved here (ADR 0007 §4): the certificate of an enrolment (what training's pages show through the
extension point `enrolment.certificate`), the public verification by QR token or by number
(`/verify/training/…`, printed on certificates already issued), the certificate behind an old
`/training/certificates/<id>/` link, and the scoped list and reads of the institutions, officials
and the holder.

Who sees a training certificate: whoever may see its class (training's class scope: the institution,
the officials of the class region, the industry authority of an industry-led plan), and the holder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime

from peiyu.core.errors import NotFound
from peiyu.core.identifiers import mask_name
from peiyu.core.lookups import one_or_404
from peiyu.training.selectors import completion as training_sel

from ..flows import CERTIFICATE_FLOW
from ..models import Certificate

KIND = Certificate.Kind.TRAINING
SOURCE = "enrolment"
C = Certificate.Status


def training_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.filter(kind=KIND, source_kind=SOURCE).select_related("institution")


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def certificate_page_url(cert: Certificate) -> str:
    """The certificate's page: the certificates app's page of it (its PDF, status, invalidation)."""
    return _url("certificates:certificate_detail", cert.pk) or _url(
        "certificates:training_certificate_page", cert.pk
    )


def certificate_info(cert: Certificate) -> dict[str, Any]:
    """A training certificate as training's pages show it (selectors.completion.CERTIFICATE_POINT)."""
    d = cert.details or {}
    return {
        "id": cert.pk,
        "number": cert.number,
        "status": cert.status,
        "valid": cert.status == C.VALID,
        "status_label": cert.get_status_display(),
        "issued_on": cert.issued_on,
        "hours": d.get("hours"),
        "ce_hours": d.get("ce_hours"),
        "ce_year": d.get("ce_year"),
        "holder_name": cert.holder_name,
        "occupation_code": cert.occupation_code,
        "occupation_name": cert.occupation_name,
        "direction": cert.direction,
        "level": cert.level,
        "institution": cert.issuer_name,
        "institution_id": cert.institution_id,
        "region_code": cert.region_code,
        "enrolment_id": cert.source_id,
        "url": certificate_page_url(cert),
        "pdf_url": reverse("certificates:training_certificate_pdf", args=[cert.pk]),
        "verify_url": reverse("training_certificate_verify", args=[cert.verify_token]),
    }


def enrolment_certificates(enrolment_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The extension point's contribution: per enrolment its training certificate (the latest, when a
    reissue replaced one)."""
    found: dict[int, dict[str, Any]] = {}
    for cert in training_certificates().filter(source_id__in=enrolment_ids).order_by("pk"):
        found[cert.source_id] = certificate_info(cert)
    return found


# --- scoped reads -------------------------------------------------------------------------------------


def training_certificates_visible_to(actor: Any) -> QuerySet[Certificate]:
    q = Q(source_id__in=training_sel.enrolment_ids_visible_to(actor))
    trainee = training_sel.trainee_of(actor)
    if trainee is not None:
        q |= Q(holder_id=trainee.pk)
    return training_certificates().filter(q)


def training_certificate_get_for(actor: Any, pk: Any) -> Certificate:
    return one_or_404(training_certificates_visible_to(actor), pk=pk)


def training_certificates_filtered(actor: Any, *, q: str = "", status: str = "") -> QuerySet[Certificate]:
    """The training certificates the actor may see, by number, holder or class number (`q`) and status."""
    qs = training_certificates_visible_to(actor)
    q = (q or "").strip()[:40]
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(holder_name__icontains=q) | Q(details__class__icontains=q))
    if status in C.values:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_on", "-pk")


def training_certificate_moved(legacy_id: Any) -> Certificate:
    """The certificate that was `training.TrainingCertificate` number `legacy_id` (an old link)."""
    try:
        key = int(legacy_id)
    except (TypeError, ValueError):
        raise NotFound("未找到该证书") from None
    found = training_certificates().filter(details__legacy_id=key).first()
    if found is None:
        raise NotFound("未找到该证书")
    return found


# --- public verification (/verify/training/…) ------------------------------------------------------------


def training_certificate_public(*, token: str | None = None, number: str | None = None) -> Certificate:
    """Public verification by QR token or by number; anything else is NotFound (no hint which)."""
    qs = training_certificates()
    token, number = (token or "").strip(), (number or "").strip().upper()
    if token and len(token) <= 64:
        found = qs.filter(verify_token=token).first()
    elif number and len(number) <= 40:
        found = qs.filter(number=number).first()
    else:
        found = None
    if found is None:
        raise NotFound("未找到该证书")
    return found


def _invalidated(cert: Certificate) -> tuple[dt.datetime | None, str]:
    """When and why a certificate stopped being valid: a revocation moved from training keeps both in
    `details`; a later invalidation has its workflow log entry and its decided Invalidation's finding."""
    d = cert.details or {}
    if d.get("revoked_at"):
        return parse_datetime(d["revoked_at"]), d.get("revoked_reason", "")
    entry = CERTIFICATE_FLOW.history(cert).filter(to_status=cert.status).last()
    finding = (
        cert.invalidations.filter(status="decided")
        .order_by("-decided_at")
        .values_list("finding", flat=True)
        .first()
        if cert.status == C.INVALIDATED
        else ""
    )
    return (entry.at if entry else None), (finding or (entry.reason if entry else ""))


def training_certificate_public_view(cert: Certificate) -> dict[str, Any]:
    """What anyone may see of a training certificate: the holder's name partly masked, never the ID."""
    d = cert.details or {}
    valid = cert.status == C.VALID
    at, reason = (None, "") if valid else _invalidated(cert)
    return {
        "number": cert.number,
        "status": cert.status,
        "status_label": cert.get_status_display(),
        "valid": valid,
        "holder": mask_name(cert.holder_name),
        "occupation": cert.occupation_name,
        "direction": cert.direction,
        "level": cert.level,
        "hours": d.get("hours"),
        "ce_hours": d.get("ce_hours"),
        "ce_year": d.get("ce_year"),
        "institution": cert.issuer_name,
        "issued_on": cert.issued_on,
        # a certificate no longer valid says when and why, so a verifier need not ask the institution
        "revoked_reason": reason,
        "revoked_at": at,
    }


# --- exams' reference (a registration holds the enrolment and the number) --------------------------------


def training_certificate_valid(enrolment_id: int, number: str) -> bool:
    """Whether the training certificate `number` of this enrolment is valid today."""
    return training_certificates().filter(source_id=enrolment_id, number=number, status=C.VALID).exists()

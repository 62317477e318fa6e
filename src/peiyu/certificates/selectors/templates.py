"""Reading certificate templates (CRT-2): an institution's own (staff with certificate.issue), and for
the officials of the issuer's province (certificate.confirm or certificate.view) the ones held for their
decision. Out of scope is 404, like a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from peiyu.core.permissions import has_capability, scope_for

from ..models import CertificateTemplate

ISSUE = "certificate.issue"
DECIDE = ("certificate.confirm", "certificate.view")


def _province_q(actor: Any) -> Q:
    """Templates whose issuer lies in a province (or narrower region) the official covers."""
    q = Q(pk__in=[])
    for cap in DECIDE:
        scope = scope_for(actor, cap)
        if scope.region_prefixes:
            q |= scope.q(region="institution__region_id")
    return q


def templates_visible_to(actor: Any) -> QuerySet[CertificateTemplate]:
    q = scope_for(actor, ISSUE).q(org="institution_id") | _province_q(actor)
    return CertificateTemplate.objects.filter(q).select_related("institution", "decision", "decided_by")


def template_get_for(actor: Any, pk: int) -> CertificateTemplate:
    found = templates_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise Http404("证书样式不存在")
    return found


def can_edit(actor: Any, template: CertificateTemplate) -> bool:
    return template.institution_id in scope_for(actor, ISSUE).org_ids


def can_decide(actor: Any, template: CertificateTemplate) -> bool:
    return (
        template.status == CertificateTemplate.Status.HELD
        and CertificateTemplate.objects.filter(pk=template.pk).filter(_province_q(actor)).exists()
    )


def may_decide(actor: Any) -> bool:
    """Whether `actor` is an official who may decide held templates somewhere."""
    return any(has_capability(actor, cap) and scope_for(actor, cap).region_prefixes for cap in DECIDE)


def templates_held_for(actor: Any) -> QuerySet[CertificateTemplate]:
    """Held templates an official of the issuer's province may decide."""
    if not may_decide(actor):
        return CertificateTemplate.objects.none()
    return (
        CertificateTemplate.objects.filter(status=CertificateTemplate.Status.HELD)
        .filter(_province_q(actor))
        .select_related("institution")
        .order_by("updated_at")
    )


def managed_institutions(actor: Any) -> list[Any]:
    """The organisations whose templates `actor` may write (certificate.issue, own organisation)."""
    from peiyu.accounts.models import Org

    ids = scope_for(actor, ISSUE).org_ids
    return list(Org.objects.filter(pk__in=sorted(ids)).order_by("name")) if ids else []

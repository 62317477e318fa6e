"""Organisations as the actor may see them (org.view, scoped). Out of scope and missing: NotFound."""

from __future__ import annotations

from django.db.models import QuerySet

from peiyu.core.lookups import one_or_404

from ..models import Org
from ..scoping import scope_for


def orgs_visible_to(actor) -> QuerySet[Org]:
    scope = scope_for(actor, "org.view")
    return Org.objects.filter(
        scope.q(region="region_id", org="id", recommender="recommended_by_id")
    ).select_related("region")


def org_get_for(actor, org_id) -> Org:
    return one_or_404(orgs_visible_to(actor), pk=org_id)


def orgs_managed_by(actor, capability: str = "user.manage") -> QuerySet[Org]:
    """The confirmed organisations whose people the actor administers (a region scope: the
    jurisdiction and below; a national one: every organisation)."""
    scope = scope_for(actor, capability)
    return (
        Org.objects.filter(scope.q(region="region_id", org="id"))
        .filter(status=Org.Status.CONFIRMED, is_active=True)
        .select_related("region")
        .order_by("region_id", "kind", "name")
    )


def org_managed_get_for(actor, org_id, capability: str = "user.manage") -> Org:
    return one_or_404(orgs_managed_by(actor, capability), pk=org_id)

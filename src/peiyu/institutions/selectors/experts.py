"""Who acts on the expert pool (SEL-8, 000 Art. 7(3)): the officials of the pool owner (the body whose
route holds the expert-review step) and the experts themselves (capability `expert.review`). Read by
the services (services.experts, services.panels) and by the allowed actions (selectors.actions)."""

from __future__ import annotations

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import PermissionDenied

from ..models import Expert
from ..rules import panels as rules


def pool_org(actor) -> Org:
    """The actor's organisation, if the actor is an official of a body that keeps an expert pool."""
    org = getattr(actor, "primary_org", None)
    if org is not None:
        for cap in rules.POOL_CAPABILITIES:
            scope = scope_for(actor, cap)
            if scope.granted and (scope.national or (org.region_id and scope.covers_region(org.region_id))):
                return org
    raise PermissionDenied("只有专家库管理单位的工作人员可以管理专家库和专家组", code="not_pool_manager")


def is_pool_official(actor, org_id: int | None) -> bool:
    try:
        return pool_org(actor).pk == org_id
    except PermissionDenied:
        return False


def is_expert(actor, expert: Expert) -> bool:
    return (
        expert.user_id is not None
        and getattr(actor, "pk", None) == expert.user_id
        and scope_for(actor, "expert.review").granted
    )

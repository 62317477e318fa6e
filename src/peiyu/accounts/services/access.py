"""The one permission check of every write (DESIGN conventions §1): capability first, then scope."""

from __future__ import annotations

from peiyu.core.errors import NotFound, PermissionDenied

from ..scoping import Scope, scope_for


def require(actor, capability: str, region_code: str | None = None, org_id: int | None = None) -> Scope:
    """Deny by default: the actor must hold the capability, and where a region or org is given,
    the capability's scope must reach it. Out-of-scope targets look missing (404)."""
    scope = scope_for(actor, capability)
    if not scope.granted:
        raise PermissionDenied("您没有执行此操作的权限", code="permission_denied")
    if region_code is not None or org_id is not None:
        in_region = region_code is not None and scope.covers_region(region_code)
        in_org = org_id is not None and (org_id in scope.org_ids or org_id in scope.recommender_org_ids)
        if not (in_region or in_org):
            raise NotFound()
    return scope

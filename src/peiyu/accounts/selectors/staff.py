"""An institution's staff as its administrator sees them (org.staff_manage: their own institution)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from peiyu.core.lookups import one_or_404

from ..models import Org, Role, RoleAssignment, User
from ..scoping import scope_for


def staff_org_of(actor) -> Org | None:
    """The institution whose staff the actor administers (their primary organisation, if they hold
    org.staff_manage there)."""
    org = getattr(actor, "primary_org", None)
    if org is None or org.pk not in scope_for(actor, "org.staff_manage").org_ids:
        return None
    return org


def staff_of(actor) -> QuerySet[User]:
    scope = scope_for(actor, "org.staff_manage")
    current = RoleAssignment.objects.current().select_related("role").order_by("pk")
    return (
        User.objects.filter(scope.q(org="primary_org_id"))
        .select_related("primary_org")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
        .order_by("-is_active", "username")
    )


def staff_get_for(actor, user_id) -> User:
    return one_or_404(staff_of(actor), pk=user_id)


def delegable_roles(org: Org | None) -> list[Role]:
    """The roles an institution's administrator may give (roles.yaml `delegable`, fitting its kind)."""
    if org is None:
        return []
    roles = Role.objects.filter(delegable=True, disabled_on__isnull=True).order_by("pk")
    return [r for r in roles if not r.org_kinds or org.kind in r.org_kinds]


def staff_assignment_get_for(actor, assignment_id) -> RoleAssignment:
    scope = scope_for(actor, "org.staff_manage")
    qs = RoleAssignment.objects.current().filter(scope.q(org="org_id")).select_related("role", "user", "org")
    return one_or_404(qs, pk=assignment_id)

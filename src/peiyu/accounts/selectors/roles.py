"""Roles and role assignments: a user's current roles, roles in force, the roles a security
administrator can give, one assignment within the actor's reach."""

from __future__ import annotations

from django.db.models import QuerySet

from peiyu.core.lookups import one_or_404

from ..models import Role, RoleAssignment, User
from ..scoping import scope_for


def assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.current().filter(user=user).select_related("role", "org", "region")


def role_in_force(code: str) -> Role | None:
    """The role with this code, unless it has been disabled (roles are reference data, not scoped)."""
    return Role.objects.filter(code=code, disabled_on__isnull=True).first()


def roles_in_force() -> QuerySet[Role]:
    return Role.objects.filter(disabled_on__isnull=True).order_by("pk")


def managed_assignment_get_for(actor, assignment_id) -> RoleAssignment:
    """A current assignment the security administrator may revoke (its region or organisation in
    their jurisdiction)."""
    scope = scope_for(actor, "user.manage")
    qs = RoleAssignment.objects.current().filter(
        scope.q(region="user__primary_org__region_id", org="user__primary_org_id")
    )
    return one_or_404(qs.select_related("role", "user", "org"), pk=assignment_id)

"""Who in an organisation holds a capability now (through a current role assignment there): the exam
staff an evaluation institution may name as a sitting's proctor, for instance."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Role, RoleAssignment, User


def users_holding(capability: str, org_id: int) -> QuerySet[User]:
    """Active users with a current assignment at `org_id` of a role (in force) that grants
    `capability`."""
    roles = [
        r.pk
        for r in Role.objects.filter(disabled_on__isnull=True).only("pk", "capabilities")
        if capability in (r.capabilities or [])
    ]
    users = RoleAssignment.objects.current().filter(org_id=org_id, role_id__in=roles).values("user_id")
    return User.objects.filter(pk__in=users, is_active=True).order_by("username")

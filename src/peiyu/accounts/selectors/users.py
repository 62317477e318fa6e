"""Users as the actor may see them (user.view) and administer them (user.manage), scoped."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from peiyu.core.lookups import filter_given, one_or_404

from ..models import RoleAssignment, User
from ..scoping import scope_for


def users_visible_to(actor) -> QuerySet[User]:
    scope = scope_for(actor, "user.view")
    return User.objects.filter(
        scope.q(region="primary_org__region_id", org="primary_org_id", owner="id")
    ).select_related("primary_org", "primary_org__region")


def user_get_for(actor, user_id) -> User:
    return one_or_404(users_visible_to(actor), pk=user_id)


def _with_roles(qs: QuerySet[User]) -> QuerySet[User]:
    current = RoleAssignment.objects.current().select_related("role", "org", "region").order_by("pk")
    return qs.prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))


def users_managed_by(
    actor, *, q: str = "", org_id: int | None = None, active: bool | None = None
) -> QuerySet[User]:
    """The accounts the security administrator administers (their jurisdiction and below), with their
    current roles (`current_assignments`); `q` finds a username or name."""
    scope = scope_for(actor, "user.manage")
    qs = User.objects.filter(scope.q(region="primary_org__region_id", org="primary_org_id"))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    qs = filter_given(qs, primary_org_id=org_id, is_active=active)
    return _with_roles(qs.select_related("primary_org", "primary_org__region")).order_by(
        "-date_joined", "-pk"
    )


def user_managed_get_for(actor, user_id) -> User:
    return one_or_404(users_managed_by(actor), pk=user_id)

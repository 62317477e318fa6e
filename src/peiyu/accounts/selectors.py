"""Reads, already scoped (DESIGN §5). Out of scope and missing both raise NotFound."""

from __future__ import annotations

from django.db.models import QuerySet

from peiyu.core.lookups import one_or_404

from .models import ApiToken, Org, Region, Role, RoleAssignment, User
from .scoping import scope_for


def orgs_visible_to(actor) -> QuerySet[Org]:
    scope = scope_for(actor, "org.view")
    return Org.objects.filter(
        scope.q(region="region_id", org="id", recommender="recommended_by_id")
    ).select_related("region")


def org_get_for(actor, org_id) -> Org:
    return one_or_404(orgs_visible_to(actor), pk=org_id)


def users_visible_to(actor) -> QuerySet[User]:
    scope = scope_for(actor, "user.view")
    return User.objects.filter(
        scope.q(region="primary_org__region_id", org="primary_org_id", owner="id")
    ).select_related("primary_org", "primary_org__region")


def user_get_for(actor, user_id) -> User:
    return one_or_404(users_visible_to(actor), pk=user_id)


def assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.current().filter(user=user).select_related("role", "org", "region")


def role_in_force(code: str) -> Role | None:
    """The role with this code, unless it has been disabled (roles are reference data, not scoped)."""
    return Role.objects.filter(code=code, disabled_on__isnull=True).first()


def regions_children(parent_code: str | None) -> QuerySet[Region]:
    """Public reference data (CAT-4): the tree is open to everyone."""
    qs = Region.objects.active()
    return qs.filter(parent_id=parent_code) if parent_code else qs.filter(level=Region.Level.PROVINCE)


def region_get(code: str) -> Region:
    return one_or_404(Region.objects.all(), "行政区划代码不存在", pk=code)


def api_tokens_of(actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")

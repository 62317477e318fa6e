"""Jurisdiction scoping (ACT-8, DESIGN §5), deny by default.

`scope_for(user, capability)` gathers, from the user's current role assignments that grant the
capability, where it may be used: region subtrees (government), institutions recommended by an
authority, the user's own organisations, or the user's own records. `Scope.q(...)` turns that into
a filter for any model, given which of its fields hold the region, the organisation, the recommender
and the owner. A scope that grants nothing matches nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from peiyu.core.policy import region_prefix

NATIONAL = ""


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    capability: str
    region_prefixes: frozenset[str] = field(default_factory=frozenset)  # "" = national
    org_ids: frozenset[int] = field(default_factory=frozenset)
    recommender_org_ids: frozenset[int] = field(default_factory=frozenset)
    self_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def granted(self) -> bool:
        return bool(self.region_prefixes or self.org_ids or self.recommender_org_ids or self.self_ids)

    @property
    def national(self) -> bool:
        return NATIONAL in self.region_prefixes

    def covers_region(self, code: str | None) -> bool:
        code = code or ""
        return any(code.startswith(p) for p in self.region_prefixes) if code else self.national

    def q(
        self,
        *,
        region: str | None = None,
        org: str | None = None,
        recommender: str | None = None,
        owner: str | None = None,
    ) -> Q:
        """A filter for records whose region code lies in `region`, organisation id in `org`,
        recommending authority in `recommender` and owning user in `owner` (field paths)."""
        parts: list[Q] = []
        if region and self.region_prefixes:
            if self.national:
                # matches every row, and unlike Q() survives being OR-ed with another filter
                parts.append(Q(pk__isnull=False))
            else:
                for prefix in sorted(self.region_prefixes):
                    # a range on the 6-digit code uses a plain B-tree index under any collation
                    parts.append(
                        Q(**{f"{region}__gte": prefix.ljust(6, "0"), f"{region}__lte": prefix.ljust(6, "9")})
                    )
        if org and self.org_ids:
            parts.append(Q(**{f"{org}__in": sorted(self.org_ids)}))
        if recommender and self.recommender_org_ids:
            parts.append(Q(**{f"{recommender}__in": sorted(self.recommender_org_ids)}))
        if owner and self.self_ids:
            parts.append(Q(**{f"{owner}__in": sorted(self.self_ids)}))
        if not parts:
            return Q(pk__in=[])
        result = parts[0]
        for part in parts[1:]:
            result |= part
        return result


def _assignments(user):
    cache = getattr(user, "_peiyu_assignments", None)
    if cache is None:
        from .models import RoleAssignment

        cache = list(RoleAssignment.objects.current().filter(user=user).select_related("role", "org"))
        user._peiyu_assignments = cache
    return cache


def capabilities_of(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    caps: set[str] = set()
    for a in _assignments(user):
        if a.role.disabled_on is None:
            caps.update(a.role.capabilities)
    return frozenset(caps)


def scope_for(user, capability: str) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(None, capability)
    regions: set[str] = set()
    orgs: set[int] = set()
    recommenders: set[int] = set()
    selves: set[int] = set()
    for a in _assignments(user):
        role = a.role
        if role.disabled_on is not None or capability not in role.capabilities:
            continue
        if role.scope == "region":
            regions.add(region_prefix(a.region_id or ""))
        elif role.scope == "recommended":
            recommenders.add(a.org_id)
            orgs.add(a.org_id)
        elif role.scope == "org":
            orgs.add(a.org_id)
        elif role.scope == "self":
            selves.add(user.pk)
    return Scope(
        user.pk, capability, frozenset(regions), frozenset(orgs), frozenset(recommenders), frozenset(selves)
    )


def forget(user) -> None:
    """Drop the per-request cache after the user's assignments changed."""
    if hasattr(user, "_peiyu_assignments"):
        del user._peiyu_assignments


def is_official(user) -> bool:
    return (
        any(a.role.is_official for a in _assignments(user))
        if getattr(user, "is_authenticated", False)
        else False
    )


def holds_role(user, code: str) -> bool:
    """Whether the user holds the role `code` now (from the assignments already read for the request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(a.role.code == code and a.role.disabled_on is None for a in _assignments(user))

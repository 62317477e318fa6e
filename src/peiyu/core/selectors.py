"""Reads of core data. Policy profiles are visible to holders of policy.view (they are the rules
officials apply); the parameters in force are also public through the portal's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import NotFound, PermissionDenied
from .models import PolicyProfile
from .permissions import has_capability
from .policy import Policy, policy_for


def _require_policy_view(actor: Any) -> None:
    if not has_capability(actor, "policy.view"):
        raise PermissionDenied("您没有查看政策配置的权限")


def policy_profiles_for(actor: Any) -> list[dict[str, Any]]:
    _require_policy_view(actor)
    return [
        _profile_dict(p) for p in PolicyProfile.objects.select_related("parent").prefetch_related("versions")
    ]


def policy_profile_get_for(actor: Any, name: str) -> dict[str, Any]:
    _require_policy_view(actor)
    profile = (
        PolicyProfile.objects.select_related("parent").prefetch_related("versions").filter(name=name).first()
    )
    if profile is None:
        raise NotFound("政策配置不存在")
    return _profile_dict(profile)


def policy_in_force_for(actor: Any, programme: str, region: str | None, on: dt.date | None) -> Policy:
    _require_policy_view(actor)
    return policy_for(programme, region, on)


def _profile_dict(p: PolicyProfile) -> dict[str, Any]:
    versions = sorted(p.versions.all(), key=lambda v: v.version, reverse=True)
    return {
        "name": p.name,
        "title": p.title,
        "programme": p.programme,
        "region_code": p.region_code,
        "parent": p.parent.name if p.parent is not None else None,
        "latest_version": versions[0].version if versions else None,
        "versions": [
            {
                "version": v.version,
                "effective_from": v.effective_from.isoformat(),
                "note": v.note,
                "parameters": v.parameters,
            }
            for v in versions
        ],
    }


def policies_public(on: dt.date | None = None) -> list[dict[str, Any]]:
    """The profiles in force today with their parameters and rule ids: the rules officials apply are
    public (CAT-4 spirit), so anyone can see why a decision came out as it did."""
    from django.utils import timezone

    from .policy import policy_named

    on = on or timezone.localdate()
    out = []
    for profile in PolicyProfile.objects.select_related("parent").order_by(
        "programme", "region_code", "name"
    ):
        try:
            p = policy_named(profile.name, on)
        except Exception:  # noqa: S112 - a profile without versions is simply not shown
            continue
        out.append(
            {
                "name": profile.name,
                "title": profile.title,
                "programme": profile.programme,
                "region_code": profile.region_code,
                "source": profile.source,
                "label": p.label,
                "parameters": [
                    {
                        "name": n,
                        "value": x.value,
                        "rule": x.rule,
                        "note": x.note,
                        "inherited": x.profile != profile.name,
                    }
                    for n, x in sorted(p.params.items())
                    if x.value is not None or x.note
                ],
            }
        )
    return out

"""Reads of declared affiliates and the EVL-9 training conflict: an institution sees its own, the bureaus
of its region see the institutions in their jurisdiction whose last check found a conflict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound
from peiyu.core.models import Decision

from ..flows import MANAGE, SUPERVISE
from ..models import Affiliate

ORG_SUBJECT = "accounts.org"
CONFLICT_KIND = "evl9_training_conflict"
LIMIT = 500


def latest_conflict(institution_id: int) -> Decision | None:
    """The institution's last EVL-9 check."""
    return Decision.objects.filter(
        subject_type=ORG_SUBJECT, subject_id=str(institution_id), kind=CONFLICT_KIND
    ).first()


def affiliates_visible_to(actor: Any) -> QuerySet[Affiliate]:
    q = scope_for(actor, MANAGE).q(org="institution_id") | scope_for(actor, SUPERVISE).q(
        region="institution__region_id"
    )
    return Affiliate.objects.filter(q).select_related("institution", "org", "flag_decision")


def affiliates_of(actor: Any, institution_id: int) -> list[Affiliate]:
    return list(
        affiliates_visible_to(actor).filter(institution_id=institution_id).order_by("ended_on", "name")
    )


def affiliate_get_for(actor: Any, affiliate_id: int) -> Affiliate:
    found = affiliates_visible_to(actor).filter(pk=affiliate_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class FlaggedInstitution:
    institution: Org
    decision: Decision

    @property
    def hits(self) -> list[dict[str, Any]]:
        return [c for c in self.decision.checks or [] if not c.get("ok")]


def flagged_institutions(actor: Any) -> list[FlaggedInstitution]:
    """Institutions in the official's jurisdiction whose last EVL-9 check found a conflict."""
    scope = scope_for(actor, SUPERVISE)
    if not scope.region_prefixes:
        return []
    latest: dict[str, Decision] = {}
    for d in Decision.objects.filter(subject_type=ORG_SUBJECT, kind=CONFLICT_KIND).order_by(
        "-created_at", "-id"
    ):
        latest.setdefault(d.subject_id, d)
    conflict = {int(k): d for k, d in latest.items() if d.outcome == "conflict"}
    orgs = Org.objects.filter(scope.q(region="region_id"), pk__in=list(conflict)).order_by("name")[:LIMIT]
    return [FlaggedInstitution(o, conflict[o.pk]) for o in orgs]

"""Reads of the training app, scoped (DESIGN conventions §5): an institution sees its own records, the
province and the city of a plan's training region see it (TRN-2: filed with both, who can query it),
an industry authority sees the industry-led plans it supervises (TRN-12). Out of scope is 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound

from ..models import Teacher, TrainingPlan


def _training_scope(actor, *, org: str, region: str) -> tuple[Q, Q]:
    """(what the institution manages, what officials supervise) for records whose institution id is
    at `org` and whose region code is at `region`."""
    manage, supervise = scope_for(actor, "training.manage"), scope_for(actor, "training.supervise")
    return (
        manage.q(org=org) if manage.granted else Q(pk__in=[]),
        supervise.q(region=region) if supervise.granted else Q(pk__in=[]),
    )


def plans_visible_to(actor) -> QuerySet[TrainingPlan]:
    own, supervised = _training_scope(actor, org="institution_id", region="region_id")
    org_id = getattr(actor, "primary_org_id", None)
    if org_id and scope_for(actor, "training.supervise").granted:
        supervised |= Q(supervising_authority_id=org_id)
    # a draft is the institution's own until it is filed
    q = own | (supervised & ~Q(status=TrainingPlan.Status.DRAFT))
    return TrainingPlan.objects.filter(q).select_related("institution", "listing", "region", "decision")


def plan_get_for(actor, plan_id) -> TrainingPlan:
    try:
        return plans_visible_to(actor).get(pk=int(plan_id))
    except (TrainingPlan.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound() from exc


def teachers_visible_to(actor) -> QuerySet[Teacher]:
    own, supervised = _training_scope(actor, org="institution_id", region="institution__region_id")
    return Teacher.objects.filter(own | supervised).select_related("institution")

"""Reads of the training app, scoped (DESIGN conventions §5): an institution sees its own records, the
province and the city of a plan's training region see it (TRN-2: filed with both, who can query it),
an industry authority sees the industry-led plans it supervises (TRN-12). Out of scope is 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound

from .models import Teacher, TrainingPlan


def plans_visible_to(actor) -> QuerySet[TrainingPlan]:
    q = Q(pk__in=[])
    manage = scope_for(actor, "training.manage")
    if manage.granted:
        q |= manage.q(org="institution_id")
    supervise = scope_for(actor, "training.supervise")
    if supervise.granted:
        # a draft is the institution's own until it is filed
        q |= supervise.q(region="region_id") & ~Q(status=TrainingPlan.Status.DRAFT)
        org_id = getattr(actor, "primary_org_id", None)
        if org_id:
            q |= Q(supervising_authority_id=org_id) & ~Q(status=TrainingPlan.Status.DRAFT)
    return TrainingPlan.objects.filter(q).select_related("institution", "listing", "region", "decision")


def plan_get_for(actor, plan_id) -> TrainingPlan:
    try:
        return plans_visible_to(actor).get(pk=int(plan_id))
    except (TrainingPlan.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound() from exc


def teachers_visible_to(actor) -> QuerySet[Teacher]:
    q = Q(pk__in=[])
    manage = scope_for(actor, "training.manage")
    if manage.granted:
        q |= manage.q(org="institution_id")
    supervise = scope_for(actor, "training.supervise")
    if supervise.granted:
        q |= supervise.q(region="institution__region_id")
    return Teacher.objects.filter(q).select_related("institution")

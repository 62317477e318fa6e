"""Reads of annual evaluation plans (EVL-4), scoped like sessions: the institution sees its own, the
bureaus of its region see published and withdrawn plans; everyone (the coordination group too) sees
published plans on the portal (/exam/plans/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from peiyu.accounts.models import Region
from peiyu.accounts.scoping import scope_for
from peiyu.core.lookups import one_or_404
from peiyu.core.models import Decision

from ..models import EvaluationPlan, PlanEntry
from .sessions import evaluation_entries, listed_levels

P = EvaluationPlan.Status
SUBJECT = "exams.evaluationplan"


def _none() -> Q:
    return Q(pk__in=[])


def plan_q(actor: Any) -> Q:
    own: Q = _none()
    manage = scope_for(actor, "exam.manage")
    if manage.org_ids:
        own = manage.q(org="institution_id")
    supervised: Q = _none()
    supervise = scope_for(actor, "exam.supervise")
    if supervise.region_prefixes:
        supervised |= supervise.q(region="region_code")
    return own | (supervised & ~Q(status=P.DRAFT))


def plans_visible_to(actor: Any) -> QuerySet[EvaluationPlan]:
    return EvaluationPlan.objects.filter(plan_q(actor)).select_related("institution")


def plan_get_for(actor: Any, plan_id: Any) -> EvaluationPlan:
    return one_or_404(plans_visible_to(actor).select_related("decision"), pk=plan_id)


def plan_entries(plan: EvaluationPlan) -> list[PlanEntry]:
    return sorted(plan.entries.all(), key=lambda e: (e.position, e.pk))  # prefetched in lists


def plan_decisions(plan: EvaluationPlan) -> list[Decision]:
    return list(Decision.objects.filter(subject_type=SUBJECT, subject_id=str(plan.pk)).order_by("-pk")[:10])


def occupation_choices(institution_id: int, *, on: dt.date) -> list[tuple[str, str]]:
    """("code|level", "name level") for each occupation and level of the institution's active
    evaluation entries valid on `on` — the only lines a plan may have (DIR-1)."""
    names = {e.occupation_code: e.occupation_name for e in evaluation_entries(institution_id)}
    return [
        (f"{code}|{level}", f"{names.get(code, code)} {level}")
        for code, levels in sorted(listed_levels(institution_id, on=on).items())
        for level in dict.fromkeys(levels)
    ]


def occupation_names(institution_id: int) -> dict[str, str]:
    return {e.occupation_code: e.occupation_name for e in evaluation_entries(institution_id)}


# --- public -------------------------------------------------------------------------------------------------


def plans_public() -> QuerySet[EvaluationPlan]:
    return EvaluationPlan.objects.filter(status=P.PUBLISHED).select_related("institution")


def plans_public_filtered(
    *, year: str = "", region: str = "", occupation: str = ""
) -> QuerySet[EvaluationPlan]:
    """Published plans, filtered by year, region (a code prefix) and occupation (name or code words)."""
    qs = plans_public()
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if region.isdigit() and len(region) <= 6:
        qs = qs.filter(region_code__startswith=region.rstrip("0") or region)
    if occupation:
        qs = qs.filter(
            Exists(
                PlanEntry.objects.filter(plan=OuterRef("pk")).filter(
                    Q(occupation_name__icontains=occupation) | Q(occupation_code__startswith=occupation)
                )
            )
        )
    return qs.order_by("-year", "institution__name", "pk")


def plan_get_public(plan_id: Any) -> EvaluationPlan:
    return one_or_404(plans_public(), pk=plan_id)


def public_years() -> list[int]:
    return sorted(set(plans_public().values_list("year", flat=True)), reverse=True)


def public_regions() -> list[tuple[str, str]]:
    """(code, name) of the regions that have published plans, for the public filter."""
    codes = set(plans_public().values_list("region_code", flat=True))
    return list(Region.objects.filter(code__in=codes).order_by("code").values_list("code", "name"))

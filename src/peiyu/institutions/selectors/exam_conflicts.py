"""What evaluation reads from the directory for the training conflict of EVL-9: which organisations hold
an evaluation entry, and the active training entries of a set of organisations for a set of occupations.
Not scoped by actor (the caller has resolved the institution and its affiliates)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from ..models import Kind, Listing


def evaluating_institution_ids() -> list[int]:
    """The organisations with at least one active evaluation entry."""
    return sorted(
        set(
            Listing.objects.filter(kind=Kind.EVALUATION, status=Listing.Status.ACTIVE).values_list(
                "institution_id", flat=True
            )
        )
    )


def active_training_listings(org_ids: Iterable[int], occupation_codes: Iterable[str]) -> QuerySet[Listing]:
    """The active training entries of the organisations for the occupations."""
    return Listing.objects.filter(
        kind=Kind.TRAINING,
        status=Listing.Status.ACTIVE,
        institution_id__in=list(org_ids),
        occupation_code__in=list(occupation_codes),
    ).order_by("institution_id", "occupation_code", "number")

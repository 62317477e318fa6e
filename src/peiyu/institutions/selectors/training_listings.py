"""What training reads from the directory: an institution's training entries (listings of kind
`training`). Training reads the directory's tables only through these (ADR 0007). Not scoped by actor:
the caller passes the institution it has already resolved from its own scoped read."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Kind, Listing


def training_listings_of(institution_id: int) -> QuerySet[Listing]:
    """The institution's training entries that still count (not removed, not terminated), by programme
    and occupation."""
    return (
        Listing.objects.filter(institution_id=institution_id, kind=Kind.TRAINING)
        .exclude(status__in=["removed", "terminated"])
        .order_by("programme", "occupation_code")
    )


def training_listing_for(institution_id: int, programme: str, occupation_code: str) -> Listing | None:
    """The institution's latest training entry for the occupation (any status; the rules judge it), if
    any."""
    return (
        Listing.objects.filter(
            institution_id=institution_id,
            kind=Kind.TRAINING,
            programme=programme,
            occupation_code=occupation_code,
        )
        .order_by("-valid_until", "-pk")
        .first()
    )

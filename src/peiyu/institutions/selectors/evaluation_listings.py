"""What evaluation reads from the directory: an institution's evaluation entries (listings of kind
`evaluation`). Evaluation reads the directory's tables only through these (ADR 0007). Not scoped by
actor: the caller passes the institution it has already resolved from its own scoped read."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Kind, Listing


def evaluation_listings_of(institution_id: int) -> QuerySet[Listing]:
    """The institution's evaluation entries that still count (not removed, not terminated)."""
    return (
        Listing.objects.filter(institution_id=institution_id, kind=Kind.EVALUATION)
        .exclude(status__in=["removed", "terminated"])
        .order_by("programme", "occupation_code")
    )


def evaluation_listing_for(institution_id: int, occupation_code: str, level: str = "") -> Listing | None:
    """The institution's latest evaluation entry that still counts for the occupation (and, when given,
    covering the level), if any."""
    for listing in (
        evaluation_listings_of(institution_id)
        .filter(occupation_code=occupation_code)
        .order_by("-valid_until", "-pk")
    ):
        if not level or level in (listing.levels or []):
            return listing
    return None


def evaluation_listing_of(institution_id: int, listing_id: int) -> Listing | None:
    """One evaluation entry of the institution (any status), or None when it is not the institution's
    own evaluation entry."""
    return Listing.objects.filter(pk=listing_id, institution_id=institution_id, kind=Kind.EVALUATION).first()

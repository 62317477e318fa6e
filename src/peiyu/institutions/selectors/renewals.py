"""Reads of renewals (延续, DIR-2, DIR-4): which body consents to a listing's renewal and which bodies
decide it. The writes are in services.renewals."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.models import Org

from ..models import Attachment, Listing, Renewal


def consenting_org_kind(listing: Listing) -> str:
    """Who consents to a renewal: DTE — the industry authority that recommended the institution
    (DIR-2, 000 Art. 9); Chengdu — the district bureau, before the city assesses (DIR-4, 001 Art. 14)."""
    return Org.Kind.INDUSTRY_AUTHORITY if listing.programme == "dte" else Org.Kind.HRSS_DISTRICT


def renewal_decider_kinds(listing: Listing) -> tuple[str, ...]:
    """DIR-2: the province approves training institutions, the coordination group evaluation ones;
    DIR-4 (Chengdu): the city bureau (with its capacity centre) assesses."""
    if listing.programme == "dte":
        return (Org.Kind.COORDINATION_GROUP,) if listing.kind == "evaluation" else (Org.Kind.HRSS_PROVINCE,)
    return (Org.Kind.HRSS_CITY, Org.Kind.CAPACITY_CENTRE)


def consent_state(
    renewal: Renewal, *, listing: Listing | None = None, attachments: list[Attachment] | None = None
) -> dict[str, Any]:
    """Whether the renewal has the consent it needs, and how: given on the platform by the consenting
    body (`by`, `at`), or — for DTE (DIR-2) — a consent letter uploaded by the institution (`letter`).
    The submission's DIR-2 check and the renewal page both read it, so they never disagree. A page that
    already holds the listing and the renewal's open attachments passes them (no further queries)."""
    listing = listing or renewal.listing
    letter = None
    if listing.programme == "dte":
        if attachments is None:
            attachments = list(renewal.attachments.filter(removed_at__isnull=True).order_by("pk"))
        letters = [a for a in attachments if a.purpose == Attachment.Purpose.INDUSTRY_CONSENT]
        letter = letters[-1] if letters else None
    on_platform = renewal.consented_at is not None
    return {
        "given": on_platform or letter is not None,
        "on_platform": on_platform,
        "by": renewal.consenting_authority.name if on_platform and renewal.consenting_authority else "",
        "at": renewal.consented_at,
        "letter": letter,
    }

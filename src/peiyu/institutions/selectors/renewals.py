"""Reads of renewals (延续, DIR-2, DIR-4): which body consents to a listing's renewal and which bodies
decide it. The writes are in services.renewals."""

from __future__ import annotations

from peiyu.accounts.models import Org

from ..models import Listing


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

"""Catalog entries (DIR-1…6): created when an application completes its route, with their periods,
the volume per year and the results report pre-filled from platform data; suspended, reinstated or
removed by the competent body (SUP-5, SUP-7 use these). Renewals are in services.renewals, expiry and
forfeiture in services.expiry, changes in services.changes, termination in services.terminations;
the reads (policy, periods, volumes, renewal window, volume test, results report) and what an entry's
page shows are selectors.listings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import InvalidInput
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import Policy, policy_named

from ..flows import CHANGE_REQUEST_FLOW, LISTING_FLOW, RENEWAL_FLOW
from ..models import Application, ChangeRequest, Listing, ListingPeriod, ListingVolume, Renewal
from ..rules import listings as lr

L = Listing.Status
R = Renewal.Status

# Statuses in which the institution may still act on its entry (renew, change, declare).
LIVE = (L.ACTIVE, L.SUSPENDED, L.EXPIRED)

# The extension points the later apps contribute to (what they did under a listing, what is pending
# under it) are selectors.listings.VOLUME_POINT and selectors.terminations.PENDING_POINT.


def search_text(listing: Listing) -> str:
    """The listing's `search_text` in the format the public catalog filters on (rules.listings)."""
    return lr.search_text(listing)


def _filing_code(app: Application, policy: Policy) -> str | None:
    template = policy.get("filing_code_template")
    if not template:
        return None
    city = app.region_id[:4] + "00"
    prefix_type = "Y" if app.institution_type == "employer" else "S"
    existing = Listing.objects.filter(filing_code__startswith=f"{prefix_type}{city}").count()
    serial = existing + 1
    while True:
        code = template.format(type=prefix_type, city=city, serial=serial)
        if not Listing.objects.filter(filing_code=code).exists():
            return code
        serial += 1


def listing_create_from(app: Application, *, actor) -> Listing:
    """DIR-1: the entry is valid for the profile's `validity_years` from the day it is listed.
    Called by the review service inside its transaction, after the application's last step."""
    policy = policy_named(app.call.policy_name, on=app.call.opens_on)
    today = timezone.localdate()
    until = lr.validity_end(today, policy["validity_years"])
    catalog_region = None
    if app.call.programme == "skill" or app.kind == "training":
        catalog_region = app.call.region_id
    form = app.form or {}
    recommender: Org | None
    if app.recommender and app.recommender.kind == Org.Kind.INDUSTRY_AUTHORITY:
        recommender = app.recommender
    else:
        recommender = app.institution.recommended_by
    listing = Listing(
        number=reference_number("ML", Listing),
        filing_code=_filing_code(app, policy),
        programme=app.call.programme,
        institution=app.institution,
        institution_name=app.institution.name,
        kind=app.kind,
        institution_type=app.institution_type,
        occupation_code=app.occupation_code,
        occupation_name=app.occupation_name,
        levels=app.levels,
        region_id=app.region_id,
        catalog_region_id=catalog_region,
        recommender=recommender,
        valid_from=today,
        valid_until=until,
        application=app,
        address=str(form.get("address") or "")[:200],
        contact_name=str(form.get("contact_name") or "")[:64],
        contact_phone=str(form.get("contact_phone") or "")[:32],
        **{k: v for k, v in policy.stamp().items() if k != "policy_chain"},
    )
    listing.search_text = search_text(listing)
    listing.save()
    ListingPeriod.objects.create(listing=listing, number=1, valid_from=today, valid_until=until)
    if listing.filing_code:
        Application.objects.filter(pk=app.pk).update(filing_code=listing.filing_code)
        app.filing_code = listing.filing_code
    Decision.record(
        "institutions.listing",
        listing.pk,
        kind="listing_created",
        outcome="active",
        checks=[
            Check(
                "DIR-1",
                True,
                f"有效期 {today:%Y-%m-%d} 至 {until:%Y-%m-%d}",
                {"validity_years": policy["validity_years"]},
                "000 第五条；001 第十四条",
            )
        ],
        policy=policy,
    )
    LISTING_FLOW.created(
        listing,
        actor=actor,
        after={
            "application": app.number,
            "valid_until": until.isoformat(),
            "filing_code": listing.filing_code,
        },
    )
    return listing


# --- declared volumes, closing what is open -------------------------------------------------------------


def _int(value: Any, field: str, label: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{label}须为整数", fields={field: [f"{label}须为整数"]}) from exc


@transaction.atomic
def listing_volume_declare(*, actor, listing: Listing, year: int, persons: int) -> ListingVolume:
    """The institution declares a year's person-times (RPT-1) where the platform holds no records:
    a year of its validity that has begun, never a future one."""
    require(actor, "application.submit", org_id=listing.institution_id)
    year = _int(year, "year", "年度")
    persons = _int(persons, "persons", "人次")
    last = min(listing.valid_until.year, timezone.localdate().year)
    if not (listing.valid_from.year <= year <= last):
        msg = f"年度须在 {listing.valid_from.year}–{last} 之间（有效期内且已开始的年度）"
        raise InvalidInput(msg, fields={"year": [msg]})
    if persons < 0:
        raise InvalidInput("人次不能为负数", fields={"persons": ["人次不能为负数"]})
    previous = ListingVolume.objects.filter(listing=listing, year=year).first()
    vol, _created = ListingVolume.objects.update_or_create(
        listing=listing,
        year=year,
        defaults={"persons": persons, "source": ListingVolume.Source.DECLARED, "recorded_at": timezone.now()},
    )
    audit_record(
        actor,
        "listing.volume_declared",
        listing,
        before={"year": year, "persons": previous.persons} if previous else None,
        after={"year": year, "persons": persons},
    )
    return vol


def close_open_items(listing: Listing, comment: str, actor=None) -> None:
    """An entry that leaves the catalog closes what was still open on it, so no to-do waits forever."""
    now = timezone.now()
    RENEWAL_FLOW.transition_many(
        Renewal.objects.filter(listing=listing, status__in=[R.DRAFT, R.SUBMITTED]),
        R.REJECTED,
        actor=actor,
        reason=comment,
        changes={"decided_at": now, "decision_comment": comment, "updated_at": now},
    )
    CHANGE_REQUEST_FLOW.transition_many(
        ChangeRequest.objects.filter(
            listing=listing, status__in=[ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.REVIEWED]
        ),
        ChangeRequest.Status.REJECTED,
        actor=actor,
        reason=comment,
        changes={"comment": comment, "updated_at": now},
    )


# --- suspension, removal (the competent body) -------------------------------------------------------


def _manage(actor, listing: Listing, reason: str) -> str:
    require(actor, "listing.manage", region_code=listing.region_id)
    return clean_reason(reason, label="理由")


def listing_suspend(*, actor, listing: Listing, reason: str) -> Listing:
    reason = _manage(actor, listing, reason)
    LISTING_FLOW.transition(
        listing,
        L.SUSPENDED,
        actor=actor,
        reason=reason,
        changes={"status_reason": reason},
        expected_from=[L.ACTIVE],
    )
    return listing


def listing_reinstate(*, actor, listing: Listing, reason: str) -> Listing:
    reason = _manage(actor, listing, reason)
    LISTING_FLOW.transition(
        listing,
        L.ACTIVE,
        actor=actor,
        reason=reason,
        changes={"status_reason": ""},
        expected_from=[L.SUSPENDED],
    )
    return listing


def listing_remove(*, actor, listing: Listing, reason: str) -> Listing:
    reason = _manage(actor, listing, reason)
    with transaction.atomic():
        LISTING_FLOW.transition(
            listing, L.REMOVED, actor=actor, reason=reason, changes={"status_reason": reason}
        )
        close_open_items(listing, f"目录条目已退出目录：{reason}", actor)
    return listing


# One table of the officials' status verbs, shared by the page and the API.
LISTING_STATUS_ACTIONS: dict[str, Callable[..., Listing]] = {
    "suspend": listing_suspend,
    "reinstate": listing_reinstate,
    "remove": listing_remove,
}


def listing_status_change(*, actor, listing: Listing, action: str, reason: str) -> Listing:
    """Suspend, reinstate or remove (LISTING_STATUS_ACTIONS); an unknown verb is refused."""
    return dispatch(LISTING_STATUS_ACTIONS, action, actor=actor, listing=listing, reason=reason)

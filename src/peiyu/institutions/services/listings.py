"""Catalog entries (DIR-1…6): created when an application completes its route, with their periods,
the volume per year and the results report pre-filled from platform data; suspended, reinstated or
removed by the competent body (SUP-5, SUP-7 use these). Renewals are in services.renewals, expiry and
forfeiture in services.expiry, changes in services.changes, termination in services.terminations;
what an entry's page shows is selectors.listings.

Periods. `Listing.valid_from` is the first day of the first period and `valid_until` the last day of
the latest one; `period` is the number of the latest. Each period is a ListingPeriod row; the volume
test of DIR-3 and the results report look at the latest period only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import InvalidInput
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import Policy, policy_for, policy_named
from peiyu.core.registry import extensions

from ..flows import CHANGE_REQUEST_FLOW, LISTING_FLOW, RENEWAL_FLOW
from ..models import Application, ChangeRequest, Listing, ListingPeriod, ListingVolume, Renewal
from ..rules import listings as lr

L = Listing.Status
R = Renewal.Status

# Statuses in which the institution may still act on its entry (renew, change, declare).
LIVE = (L.ACTIVE, L.SUSPENDED, L.EXPIRED)

# Extension points the later apps (training, exams, certificates) contribute to from their hooks
# (core.registry.register_extension): what they did under a listing, and what is pending under it.
# VOLUME_POINT: fn(listing, year) → person-times trained or evaluated that year, counted from platform
# records. PENDING_POINT: fn(listing) → [{"label": "在训学员", "count": 12, "url": "..."}] — work a
# termination must not drop.
VOLUME_POINT = "listing.volume"
PENDING_POINT = "listing.pending"


def listing_policy(listing: Listing) -> Policy:
    if listing.policy_name:
        return policy_named(listing.policy_name, on=timezone.localdate())
    return policy_for(listing.programme, listing.region_id)


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


# --- periods, volumes, renewal window -------------------------------------------------------------------


def current_period(listing: Listing) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the listing's latest validity period."""
    period = next((p for p in listing.periods.all() if p.number == listing.period), None)
    if period is None:
        return listing.valid_from, listing.valid_until
    return period.valid_from, period.valid_until


def volumes_for(listing: Listing, years: list[int]) -> dict[int, tuple[int, str]]:
    """Per year: platform-counted figure where a source has one, else what the institution declared."""
    declared = {v.year: (v.persons, v.source) for v in listing.volumes.filter(year__in=years)}
    sources = extensions(VOLUME_POINT)
    out: dict[int, tuple[int, str]] = {}
    for year in years:
        counted = sum(fn(listing, year) for fn in sources)
        if counted:
            out[year] = (counted, ListingVolume.Source.PLATFORM)
        elif year in declared:
            out[year] = declared[year]
        else:
            out[year] = (
                0,
                ListingVolume.Source.PLATFORM if sources else ListingVolume.Source.DECLARED,
            )
    return out


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


def renewal_window_for(listing: Listing) -> lr.RenewalWindow:
    policy = listing_policy(listing)
    return lr.renewal_window(
        valid_until=listing.valid_until,
        lead_months=policy.get("renewal_lead_months"),
        window_months=policy.get("renewal_window_months"),
        grace_months=policy.get("renewal_grace_months") or 0,
    )


def volume_check(listing: Listing) -> Check:
    """DIR-3 over the latest validity period (not over every year since the first listing day)."""
    policy = listing_policy(listing)
    start, end = current_period(listing)
    years = lr.years_of_period(start, end)
    vols = {y: n for y, (n, _src) in volumes_for(listing, years).items()}
    return lr.check_volume(
        period=listing.period,
        volumes=vols,
        years=policy.get("validity_years") or len(years),
        min_annual_volume=policy.get("min_annual_volume"),
    )


def results_report(listing: Listing) -> dict[str, Any]:
    """The results report of the current period (DIR-2 近3年工作成效), pre-filled from platform data
    (and declared figures where the platform holds none)."""
    today = timezone.localdate()
    start, end = current_period(listing)
    years = lr.report_years(start, end, today)
    rows: list[dict[str, Any]] = [
        {"year": y, "persons": n, "source": str(src)}
        for y, (n, src) in sorted(volumes_for(listing, years).items())
    ]
    total = sum(r["persons"] for r in rows)
    return {
        "period": listing.period,
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat(),
        "rows": rows,
        "total": total,
        "prepared_on": today.isoformat(),
    }


def renewed_until(listing: Listing, today: dt.date) -> dt.date | None:
    """The end of a period that has not begun yet: the entry was already renewed for the next period."""
    future = [p for p in listing.periods.all() if p.valid_from > today]
    return max(p.valid_until for p in future) if future else None


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
    fn = LISTING_STATUS_ACTIONS.get(action)
    if fn is None:
        raise InvalidInput("操作无效", fields={"action": ["请选择暂停、恢复或退出目录"]})
    return fn(actor=actor, listing=listing, reason=reason)

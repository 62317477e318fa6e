"""Reads of catalog entries (DIR-1…6): the listing's policy, its validity periods, the volume per year
with its source, the renewal window, the volume test and the pre-filled results report (the services
of renewals, expiry and changes use these); and what one entry's page and the API detail show, read
once: renewals and changes with their stored decisions, the termination with its pending work, the
status history and the entry's decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.core.checks import Check
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for, policy_named
from peiyu.core.registry import extensions

from ..models import ChangeRequest, Listing, ListingVolume, Renewal, Termination
from ..rules import listings as lr
from .changes import BASIC_FIELDS, change_next_org_kind
from .renewals import consent_state, consenting_org_kind, renewal_decider_kinds
from .terminations import pending_work

L = Listing.Status
R = Renewal.Status

WINDOW_STATE_LABELS = {"not_yet": "尚未开始受理", "open": "受理中", "closed": "已截止"}
DECISION_KIND_LABELS = {
    "listing_created": "纳入目录",
    "forfeiture": "视为放弃",
    "termination": "注销",
    "renewal_submission": "延续申请提交检查",
    "renewal_decision": "延续审核决定",
    "change_review": "变更审核",
}
DECISION_OUTCOME_LABELS = {
    "active": "有效",
    "forfeited": "视为放弃",
    "terminated": "已注销",
    "submitted": "已提交",
    "refused": "不予受理",
    "approved": "同意延续",
    "rejected": "不同意",
    "reviewed": "初审同意",
    "applied": "已变更",
}


# Extension point the later apps (training, exams, certificates) contribute to from their hooks
# (core.registry.register_extension): fn(listing, year) → person-times trained or evaluated that year,
# counted from platform records. The pending work under a listing is selectors.terminations.PENDING_POINT.
VOLUME_POINT = "listing.volume"


def listing_policy(listing: Listing) -> Policy:
    if listing.policy_name:
        return policy_named(listing.policy_name, on=timezone.localdate())
    return policy_for(listing.programme, listing.region_id)


# --- periods, volumes, renewal window -------------------------------------------------------------------
#
# `Listing.valid_from` is the first day of the first period and `valid_until` the last day of the latest
# one; `period` is the number of the latest. Each period is a ListingPeriod row; the volume test of DIR-3
# and the results report look at the latest period only.


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


# --- one entry's page -------------------------------------------------------------------------------------

FIELD_LABELS = {**BASIC_FIELDS, "levels": "等级"}


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def _labelled(decisions: list[Any]) -> list[Any]:
    for d in decisions:
        d.kind_label = DECISION_KIND_LABELS.get(d.kind, d.kind)
        d.outcome_label = DECISION_OUTCOME_LABELS.get(d.outcome, d.outcome)
    return decisions


def listing_overview(listing: Listing) -> dict[str, Any]:
    """Everything one listing's page shows, read once: periods, volume per year with its source, the
    renewal window and its rule, the pre-filled results report, renewals and changes with their stored
    decisions, the termination with the pending work (as recorded and as it stands now), the status
    history and the decisions taken on the entry itself."""
    from peiyu.core.models import TransitionLog

    today = timezone.localdate()
    periods = list(listing.periods.order_by("number"))
    last_year = min(listing.valid_until.year, today.year)
    years = list(range(listing.valid_from.year, last_year + 1))
    volumes = [
        {"year": y, "persons": n, "source": str(src), "source_label": str(ListingVolume.Source(src).label)}
        for y, (n, src) in sorted(volumes_for(listing, years).items())
    ]
    window = renewal_window_for(listing)
    renewals: list[Any] = list(
        listing.renewals.select_related("consenting_authority", "created_by").prefetch_related("attachments")
    )
    changes: list[Any] = list(listing.changes.select_related("created_by"))
    by_subject: dict[tuple[str, str], list[Decision]] = {}
    wanted = Decision.objects.filter(
        subject_type="institutions.renewal", subject_id__in=[str(r.pk) for r in renewals]
    ) | Decision.objects.filter(
        subject_type="institutions.change", subject_id__in=[str(c.pk) for c in changes]
    )
    for d in _labelled(list(wanted.order_by("created_at", "id"))):
        by_subject.setdefault((d.subject_type, d.subject_id), []).append(d)
    for r in renewals:
        r.decisions = by_subject.get(("institutions.renewal", str(r.pk)), [])
        r.open_attachments = [a for a in r.attachments.all() if a.removed_at is None]
        # what the page says is what the DIR-2 / DIR-4 check reads
        r.consent = consent_state(r, listing=listing, attachments=r.open_attachments)
    for c in changes:
        c.decisions = by_subject.get(("institutions.change", str(c.pk)), [])
        c.next_org_kind = change_next_org_kind(c) if c.status in ("submitted", "reviewed") else ""
        c.next_org_label = str(Org.Kind(c.next_org_kind).label) if c.next_org_kind else ""
        c.rows = [
            (FIELD_LABELS.get(k, k), _shown(c.before.get(k)), _shown(v)) for k, v in (c.after or {}).items()
        ]
    open_renewal = next((r for r in renewals if r.status in (R.DRAFT, R.SUBMITTED)), None)
    termination = Termination.objects.filter(listing=listing).select_related("created_by").first()
    start, end = current_period(listing)
    statuses = dict(L.choices)
    history: list[Any] = list(
        TransitionLog.objects.filter(subject_type="institutions.listing", subject_id=str(listing.pk))
        .select_related("actor")
        .order_by("at", "id")
    )
    for h in history:
        h.from_label = str(statuses.get(h.from_status, h.from_status))
        h.to_label = str(statuses.get(h.to_status, h.to_status))
    return {
        "today": today,
        "is_valid": listing.is_valid_on(today),
        "periods": periods,
        "current_period": {"number": listing.period, "valid_from": start, "valid_until": end},
        "volumes": volumes,
        "volume_check": volume_check(listing),
        "window": window,
        "window_state": window.state(today),
        "window_state_label": WINDOW_STATE_LABELS[window.state(today)],
        "renewed_until": renewed_until(listing, today),
        "report": open_renewal.report if open_renewal else results_report(listing),
        "open_renewal": open_renewal,
        "renewals": renewals,
        "changes": changes,
        "termination": termination,
        "pending_now": pending_work(listing),
        "history": history,
        "decisions": _labelled(
            list(
                Decision.objects.filter(
                    subject_type="institutions.listing", subject_id=str(listing.pk)
                ).order_by("created_at", "id")
            )
        ),
        "consenting_org_kind": consenting_org_kind(listing),
        "decider_kinds": renewal_decider_kinds(listing),
    }


def renewal_decisions(renewal: Renewal) -> list[Decision]:
    return _labelled(
        list(
            Decision.objects.filter(subject_type="institutions.renewal", subject_id=str(renewal.pk)).order_by(
                "created_at", "id"
            )
        )
    )


def change_decisions(change: ChangeRequest) -> list[Decision]:
    return _labelled(
        list(
            Decision.objects.filter(subject_type="institutions.change", subject_id=str(change.pk)).order_by(
                "created_at", "id"
            )
        )
    )

"""What one catalog entry's page and the API detail show, read once (DIR-1…6): periods, volumes with
their source, the renewal window, the results report, renewals and changes with their stored
decisions, the termination with its pending work, the status history and the entry's decisions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.core.models import Decision

from ..models import ChangeRequest, Listing, ListingVolume, Renewal, Termination
from ..services.changes import BASIC_FIELDS, change_next_org_kind
from ..services.listings import (
    current_period,
    renewal_window_for,
    renewed_until,
    results_report,
    volume_check,
    volumes_for,
)
from ..services.renewals import consenting_org_kind, renewal_decider_kinds
from ..services.terminations import pending_work

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

"""Expiry and forfeiture of catalog entries on time (`peiyu tick`, DIR-2…4): at the end of a period an
entry expires or, without an on-time renewal or with too little volume (DTE), is forfeited with the
reapply ban; an expired entry with no renewal within the grace months is deemed abandoned."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef

from peiyu.core.checks import Check
from peiyu.core.models import Decision
from peiyu.core.policy import Policy

from ..flows import LISTING_FLOW
from ..models import Listing, Renewal
from ..rules import listings as lr
from ..selectors.listings import current_period, listing_policy, renewal_window_for, volume_check
from .listings import close_open_items

L = Listing.Status
R = Renewal.Status


def _forfeit(listing: Listing, reason: str, checks: list[Check], policy: Policy) -> None:
    ban_until = lr.reapply_ban_end(listing.valid_until, policy.get("reapply_ban_years"))
    Decision.record(
        "institutions.listing",
        listing.pk,
        kind="forfeiture",
        outcome="forfeited",
        rules=("DIR-3",) if listing.programme == "dte" else (),
        checks=[
            *checks,
            *(
                [
                    Check(
                        "DIR-3",
                        False,
                        f"到期后 {policy.get('reapply_ban_years')} 年内（至 {ban_until:%Y-%m-%d}）不得再次申报该职业",
                        {
                            "valid_until": listing.valid_until.isoformat(),
                            "banned_until": ban_until.isoformat(),
                        },
                        "000 第九条",
                    )
                ]
                if ban_until
                else []
            ),
        ],
        policy=policy,
    )
    text = reason + (f"；{ban_until:%Y-%m-%d} 前不得再次申报该职业" if ban_until else "")
    close_open_items(listing, text)
    LISTING_FLOW.transition(
        listing,
        L.FORFEITED,
        actor=None,
        reason=text,
        changes={"reapply_banned_until": ban_until, "status_reason": text},
        locked=True,
    )


def _rejected_in_period(listing: Listing) -> bool:
    """The institution applied in time during this period but was refused: it did not give up."""
    start, _end = current_period(listing)
    return listing.renewals.filter(
        status=R.REJECTED, submitted_at__isnull=False, submitted_at__date__gte=start
    ).exists()


def listings_expire_due(today: dt.date) -> int:
    """At expiry: DTE entries with too little volume, or with no on-time renewal application, are
    forfeited with the reapply ban (DIR-3); others expire (a renewal under review, or refused).
    Chengdu entries expire; with no renewal application within the grace months after expiry they
    are deemed abandoned (DIR-4). Safe to run twice."""
    changed = 0
    due = Listing.objects.filter(status__in=[L.ACTIVE, L.SUSPENDED], valid_until__lt=today).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=pk)
            if listing.status not in (L.ACTIVE, L.SUSPENDED) or listing.valid_until >= today:
                continue
            policy = listing_policy(listing)
            pending = listing.renewals.filter(status=R.SUBMITTED).exists()
            if listing.programme == "dte":
                window = renewal_window_for(listing)
                volume = volume_check(listing)
                if not volume.ok:
                    _forfeit(listing, volume.message, [volume], policy)
                elif pending:
                    _expire(listing, "有效期届满，延续申请审核中")
                elif _rejected_in_period(listing):
                    _expire(listing, "有效期届满，延续申请未通过")
                else:
                    check = Check(
                        "DIR-3",
                        False,
                        f"未在 {window.closes:%Y-%m-%d} 前提出延续申请，视为主动放弃",
                        {"closes": window.closes.isoformat()},
                        "000 第九条",
                    )
                    _forfeit(listing, check.message, [check, volume], policy)
            else:
                _expire(listing, "有效期届满，延续申请审核中" if pending else "有效期届满")
            changed += 1
    # expired entries with no renewal under review: each is read once, its window computed in Python
    waiting = Renewal.objects.filter(listing=OuterRef("pk"), status=R.SUBMITTED)
    expired = Listing.objects.filter(status=L.EXPIRED, valid_until__lt=today).exclude(Exists(waiting))
    for listing in expired.order_by("pk"):
        window = renewal_window_for(listing)
        if today <= window.closes:
            continue
        if _rejected_in_period(listing):
            continue
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=listing.pk)
            if listing.status != L.EXPIRED or listing.renewals.filter(status=R.SUBMITTED).exists():
                continue
            deemed = "视为自动放弃" if window.rule == "DIR-4" else "视为主动放弃"
            check = Check(
                window.rule,
                False,
                f"期满后至 {window.closes:%Y-%m-%d} 未提出延续申请，{deemed}",
                {"closes": window.closes.isoformat()},
                window.source,
            )
            _forfeit(listing, check.message, [check], listing_policy(listing))
            changed += 1
    return changed


def _expire(listing: Listing, reason: str) -> None:
    LISTING_FLOW.transition(
        listing, L.EXPIRED, actor=None, reason=reason, changes={"status_reason": reason}, locked=True
    )

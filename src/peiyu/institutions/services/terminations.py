"""Termination (注销, DIR-6): the institution cancels its entry; the work still pending under it
(reported by the later apps through the extension point `listing.pending`, read by
selectors.terminations.pending_work) is recorded and stays visible."""

from __future__ import annotations

from django.db import transaction

from peiyu.accounts.services.access import require
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_reason, clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput
from peiyu.core.models import Decision

from ..flows import LISTING_FLOW
from ..models import Listing, Termination
from ..selectors.listings import listing_policy
from ..selectors.terminations import pending_work
from .listings import close_open_items

L = Listing.Status


def listing_terminate(*, actor, listing: Listing, reason: str, handling_plan: str) -> Termination:
    """DIR-6: the institution cancels its entry; what is pending is recorded and stays visible."""
    require(actor, "application.submit", org_id=listing.institution_id)
    errors: dict[str, list[str]] = {}
    reason = collect(errors, "reason", clean_reason, reason, label="注销原因") or ""
    handling_plan = (
        collect(errors, "handling_plan", clean_text, handling_plan, max_length=20000, multiline=True) or ""
    )
    pending = pending_work(listing)
    open_count = sum(int(p.get("count") or 0) for p in pending)
    if open_count and not handling_plan:
        errors["handling_plan"] = ["尚有未办结事项，请填写后续工作处理方案"]
    if errors:
        raise InvalidInput("注销申请有误", fields=errors, rule="DIR-6")
    with transaction.atomic():
        listing = Listing.objects.select_for_update().get(pk=listing.pk)
        if Termination.objects.filter(listing=listing).exists():
            raise Conflict("该目录条目已注销", code="already_terminated")
        if not LISTING_FLOW.can(listing, L.TERMINATED):
            raise Conflict(
                f"目录条目状态为“{listing.get_status_display()}”，不能注销", code="listing_not_terminable"
            )
        termination = Termination.objects.create(
            listing=listing, reason=reason, pending=pending, handling_plan=handling_plan, created_by=actor
        )
        Decision.record(
            "institutions.listing",
            listing.pk,
            kind="termination",
            outcome="terminated",
            checks=[
                Check(
                    "DIR-6",
                    True,
                    f"机构申请注销；待处理事项 {open_count} 项"
                    + ("，已提交处理方案" if handling_plan else ""),
                    {"pending": pending, "handling_plan": bool(handling_plan)},
                    "001 第十五条；000 第二十条",
                )
            ],
            policy=listing_policy(listing),
        )
        close_open_items(listing, "目录条目已注销", actor)
        LISTING_FLOW.transition(
            listing,
            L.TERMINATED,
            actor=actor,
            reason=reason,
            changes={"status_reason": f"机构申请注销：{reason}"},
            locked=True,
        )
    return termination

"""Renewals (延续, DIR-2, DIR-4): the institution drafts one with the results report pre-filled from
platform data, the recommending industry authority (DTE) or the district bureau (Chengdu) consents, the
competent body approves (a new validity period) or rejects."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import REASON_MAX, clean_text
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.models import Decision

from ..flows import LISTING_FLOW, RENEWAL_FLOW
from ..models import Attachment, Listing, ListingPeriod, Renewal
from ..rules import listings as lr
from ..selectors.listings import (
    listing_policy,
    renewal_window_for,
    renewed_until,
    results_report,
    volume_check,
)
from ..selectors.renewals import consent_state, renewal_decider_kinds
from .applications import attachment_store
from .listings import LIVE

L = Listing.Status
R = Renewal.Status

RENEWAL_PURPOSES = (
    Attachment.Purpose.INDUSTRY_CONSENT,
    Attachment.Purpose.RESULTS_REPORT,
    Attachment.Purpose.OTHER,
)


def _refuse_if_renewed(listing: Listing, today: dt.date) -> None:
    until = renewed_until(listing, today)
    if until:
        raise Conflict(f"该目录条目已延续至 {until:%Y-%m-%d}，本有效期无需再次申请", code="already_renewed")


@transaction.atomic
def renewal_start(*, actor, listing: Listing) -> Renewal:
    """A draft renewal with the results report pre-filled; an open one is returned rather than doubled."""
    require(actor, "application.submit", org_id=listing.institution_id)
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status not in (L.ACTIVE, L.EXPIRED):
        raise Conflict(
            f"目录条目状态为“{listing.get_status_display()}”，不能申请延续", code="listing_not_renewable"
        )
    open_one = listing.renewals.filter(status__in=[R.DRAFT, R.SUBMITTED]).first()
    if open_one:
        return open_one
    _refuse_if_renewed(listing, timezone.localdate())
    renewal = Renewal.objects.create(listing=listing, report=results_report(listing), created_by=actor)
    RENEWAL_FLOW.created(renewal, actor=actor, after={"listing": listing.number})
    return renewal


@transaction.atomic
def renewal_attach(*, actor, renewal: Renewal, purpose: str, uploaded) -> Attachment:
    require(actor, "application.submit", org_id=renewal.listing.institution_id)
    renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
    if renewal.status != R.DRAFT:
        raise Conflict("延续申请已提交，不能再添加材料", code="renewal_submitted")
    if purpose not in RENEWAL_PURPOSES:
        allowed = "、".join(str(Attachment.Purpose(p).label) for p in RENEWAL_PURPOSES)
        raise InvalidInput("材料类型无效", fields={"purpose": [f"延续申请材料为：{allowed}"]})
    if uploaded is None:
        raise InvalidInput("请选择文件", fields={"file": ["请选择文件"]})
    att = attachment_store(
        actor=actor, purpose=purpose, uploaded=uploaded, name=f"renewal-{renewal.pk}", renewal=renewal
    )
    audit_record(actor, "renewal.attachment_added", renewal, after={"purpose": purpose, "sha256": att.sha256})
    return att


def renewal_consent(*, actor, renewal: Renewal) -> Renewal:
    """DIR-2: the recommending industry authority consents on the platform (a consent letter may be
    uploaded instead); DIR-4: the district bureau of the entry consents before the city decides."""
    with transaction.atomic():
        renewal = Renewal.objects.select_for_update().select_related("listing").get(pk=renewal.pk)
        listing = renewal.listing
        org = getattr(actor, "primary_org", None)
        if listing.programme == "dte":
            # industry officials are scoped to the institutions they recommended (ACT-5, ACT-8)
            scope = require(actor, "listing.view")
            if (
                org is None
                or org.kind != Org.Kind.INDUSTRY_AUTHORITY
                or listing.recommender_id is None
                or listing.recommender_id != org.pk
                or listing.recommender_id not in scope.recommender_org_ids
            ):
                raise RuleViolation(
                    "只有推荐该机构的行业主管部门可以出具同意意见", code="not_recommender", rule="DIR-2"
                )
        else:
            require(actor, "listing.view", region_code=listing.region_id)
            if org is None or org.kind != Org.Kind.HRSS_DISTRICT:
                raise RuleViolation(
                    "延续申请须经所在区（市）县人社部门同意", code="not_district", rule="DIR-4"
                )
        if renewal.status not in (R.DRAFT, R.SUBMITTED):
            raise Conflict("该延续申请已办结", code="renewal_closed")
        if renewal.consented_at:
            raise Conflict("已出具同意意见", code="already_consented")
        renewal.consenting_authority = org
        renewal.consented_at = timezone.now()
        renewal.save(update_fields=["consenting_authority", "consented_at", "updated_at"])
        audit_record(actor, "renewal.consented", renewal, after={"org": org.pk})
    return renewal


def renewal_submit(*, actor, renewal: Renewal, summary: str) -> Renewal:
    """DIR-2 / DIR-4: on time, with the results report (refreshed now) and, for DTE, the industry
    authority's consent. A refusal is stored as a decision with its checks, then raised."""
    require(actor, "application.submit", org_id=renewal.listing.institution_id)
    today = timezone.localdate()
    summary = clean_text(summary, max_length=20000, multiline=True, label="延续申请说明", field="summary")
    with transaction.atomic():
        renewal = Renewal.objects.select_for_update().select_related("listing").get(pk=renewal.pk)
        listing = renewal.listing
        if renewal.status != R.DRAFT:
            raise Conflict("延续申请已提交", code="renewal_submitted")
        if listing.status not in (L.ACTIVE, L.EXPIRED):
            raise Conflict(
                f"目录条目状态为“{listing.get_status_display()}”，不能申请延续", code="listing_not_renewable"
            )
        _refuse_if_renewed(listing, today)
        if not summary:
            raise InvalidInput("请填写近3年工作成效简述", fields={"summary": ["请填写近3年工作成效简述"]})
        window = renewal_window_for(listing)
        checks = [lr.check_renewal_on_time(window=window, today=today)]
        if listing.programme == "dte":
            has_consent = consent_state(renewal, listing=listing)["given"]  # as the renewal page shows it
            checks.append(
                Check(
                    "DIR-2",
                    has_consent,
                    "已有行业主管部门同意意见" if has_consent else "缺少行业主管部门同意意见",
                    {"consented_on_platform": bool(renewal.consented_at)},
                    "000 第九条",
                    blocking=True,
                )
            )
        blocking = [c for c in checks if not c.ok]
        decision = Decision.record(
            "institutions.renewal",
            renewal.pk,
            kind="renewal_submission",
            outcome="refused" if blocking else "submitted",
            checks=checks,
            policy=listing_policy(listing),
        )
        if not blocking:
            RENEWAL_FLOW.transition(
                renewal,
                R.SUBMITTED,
                actor=actor,
                changes={
                    "summary": summary,
                    "submitted_at": timezone.now(),
                    "report": results_report(listing),
                    "decision": decision,
                    "updated_at": timezone.now(),
                },
                audit_extra={"listing": listing.number},
                locked=True,
            )
    if blocking:
        refuse_failed(blocking, code="renewal_refused", details={"decision": decision.pk})
    return renewal


def _renewal_decider(actor, listing: Listing) -> None:
    require(actor, "listing.manage", region_code=listing.region_id)
    org = getattr(actor, "primary_org", None)
    if org is None or org.kind not in renewal_decider_kinds(listing):
        if listing.programme == "dte":
            body = "工程指导协调小组" if listing.kind == "evaluation" else "省级人社部门"
            raise RuleViolation(f"延续申请由{body}审核", code="not_your_decision", rule="DIR-2")
        raise RuleViolation("延续申请由市人社部门评估", code="not_your_decision", rule="DIR-4")


def renewal_decide(*, actor, renewal: Renewal, approve: bool, comment: str = "") -> Renewal:
    """Approve (extended `validity_years` from the day after expiry, a new period) or reject with a
    reason. DTE approval needs the volume test of DIR-3; Chengdu needs the district's consent (DIR-4)."""
    comment = clean_text(comment, max_length=REASON_MAX, multiline=True, label="审核意见", field="comment")
    with transaction.atomic():
        renewal = Renewal.objects.select_for_update().select_related("listing").get(pk=renewal.pk)
        listing = Listing.objects.select_for_update().get(pk=renewal.listing_id)
        _renewal_decider(actor, listing)
        if renewal.status != R.SUBMITTED:
            raise Conflict("该延续申请不在待审核状态", code="renewal_not_submitted")
        if listing.status not in LIVE:
            raise Conflict(
                f"目录条目状态为“{listing.get_status_display()}”，不能延续", code="listing_not_renewable"
            )
        if not approve and not comment:
            raise InvalidInput("请填写不予延续的理由", fields={"comment": ["请填写理由"]})
        policy = listing_policy(listing)
        checks: list[Check] = []
        if policy.get("min_annual_volume") is not None:
            checks.append(volume_check(listing))
        if listing.programme != "dte":
            consented = bool(renewal.consented_at)
            checks.append(
                Check(
                    "DIR-4",
                    consented,
                    "区（市）县人社部门已同意" if consented else "尚待区（市）县人社部门同意",
                    {"consenting_authority": renewal.consenting_authority_id},
                    "001 第十四条",
                    blocking=True,
                )
            )
        if approve:
            refuse_failed(checks, code="renewal_not_approvable")
        decision = Decision.record(
            "institutions.renewal",
            renewal.pk,
            kind="renewal_decision",
            outcome="approved" if approve else "rejected",
            checks=checks,
            policy=policy,
            rules=("DIR-1", "DIR-2" if listing.programme == "dte" else "DIR-4"),
        )
        RENEWAL_FLOW.transition(
            renewal,
            R.APPROVED if approve else R.REJECTED,
            actor=actor,
            reason=comment,
            changes={
                "decided_at": timezone.now(),
                "decision_comment": comment,
                "decision": decision,
                "updated_at": timezone.now(),
            },
            locked=True,
        )
        if approve:
            start = listing.valid_until + dt.timedelta(days=1)
            until = lr.validity_end(start, policy["validity_years"])
            number = (listing.periods.aggregate(n=Max("number"))["n"] or listing.period) + 1
            ListingPeriod.objects.create(listing=listing, number=number, valid_from=start, valid_until=until)
            changes = {"valid_until": until, "period": number, "status_reason": f"延续至 {until:%Y-%m-%d}"}
            if listing.status == L.EXPIRED:
                LISTING_FLOW.transition(
                    listing, L.ACTIVE, actor=actor, reason="延续申请通过", changes=changes, locked=True
                )
            else:
                for k, v in changes.items():
                    setattr(listing, k, v)
                listing.save(update_fields=[*changes, "updated_at"])
                audit_record(
                    actor,
                    "listing.renewed",
                    listing,
                    after={"valid_until": until.isoformat(), "period": number},
                )
    return renewal

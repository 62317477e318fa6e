"""Catalog entries (DIR-1…6): created when an application completes its route; expire and are forfeited
on time (`peiyu tick`); renewed (DIR-2, DIR-4) with a results report pre-filled from platform data;
changed (DIR-5); terminated voluntarily with pending work kept visible (DIR-6); suspended, reinstated
or removed by the competent body (SUP-5, SUP-7 use these).

Periods. `Listing.valid_from` is the first day of the first period and `valid_until` the last day of
the latest one; `period` is the number of the latest. Each period is a ListingPeriod row; the volume
test of DIR-3 and the results report look at the latest period only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import Policy, policy_for, policy_named

from ..flows import CHANGE_REQUEST_FLOW, LISTING_FLOW, RENEWAL_FLOW
from ..models import (
    Application,
    Attachment,
    ChangeRequest,
    Listing,
    ListingPeriod,
    ListingVolume,
    Renewal,
    Termination,
)
from ..rules import listings as lr
from .applications import attachment_store

L = Listing.Status
R = Renewal.Status

# Statuses in which the institution may still act on its entry (renew, change, declare).
LIVE = (L.ACTIVE, L.SUSPENDED, L.EXPIRED)
RENEWAL_PURPOSES = (
    Attachment.Purpose.INDUSTRY_CONSENT,
    Attachment.Purpose.RESULTS_REPORT,
    Attachment.Purpose.OTHER,
)

# Later apps (training, exams, certificates) report what they did under a listing and what is pending.
_volume_sources: list[Callable[[Listing, int], int]] = []
_pending_sources: list[Callable[[Listing], list[dict[str, Any]]]] = []


def register_volume_source(fn: Callable[[Listing, int], int]) -> None:
    """fn(listing, year) → person-times trained or evaluated that year, counted from platform records."""
    if fn not in _volume_sources:
        _volume_sources.append(fn)


def unregister_volume_source(fn: Callable[[Listing, int], int]) -> None:
    if fn in _volume_sources:
        _volume_sources.remove(fn)


def register_pending_source(fn: Callable[[Listing], list[dict[str, Any]]]) -> None:
    """fn(listing) → [{"label": "在训学员", "count": 12, "url": "..."}] — work a termination must not drop."""
    if fn not in _pending_sources:
        _pending_sources.append(fn)


def unregister_pending_source(fn: Callable[[Listing], list[dict[str, Any]]]) -> None:
    if fn in _pending_sources:
        _pending_sources.remove(fn)


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
    out: dict[int, tuple[int, str]] = {}
    for year in years:
        counted = sum(fn(listing, year) for fn in _volume_sources)
        if counted:
            out[year] = (counted, ListingVolume.Source.PLATFORM)
        elif year in declared:
            out[year] = declared[year]
        else:
            out[year] = (
                0,
                ListingVolume.Source.PLATFORM if _volume_sources else ListingVolume.Source.DECLARED,
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
    rows = [
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


_results_report = results_report  # older name


def _renewed_until(listing: Listing, today: dt.date) -> dt.date | None:
    """The end of a period that has not begun yet: the entry was already renewed for the next period."""
    future = [p for p in listing.periods.all() if p.valid_from > today]
    return max(p.valid_until for p in future) if future else None


def _refuse_if_renewed(listing: Listing, today: dt.date) -> None:
    until = _renewed_until(listing, today)
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


def consenting_org_kind(listing: Listing) -> str:
    """Who consents to a renewal: DTE — the industry authority that recommended the institution
    (DIR-2, 000 Art. 9); Chengdu — the district bureau, before the city assesses (DIR-4, 001 Art. 14)."""
    return Org.Kind.INDUSTRY_AUTHORITY if listing.programme == "dte" else Org.Kind.HRSS_DISTRICT


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
    summary = (summary or "").strip()
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
            has_consent = bool(
                renewal.consented_at
                or renewal.attachments.filter(
                    purpose=Attachment.Purpose.INDUSTRY_CONSENT, removed_at__isnull=True
                ).exists()
            )
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
        raise RuleViolation(
            "；".join(f"{c.message}（{c.rule}）" for c in blocking),
            code="renewal_refused",
            rule=" ".join(c.rule for c in blocking),
            details={"decision": decision.pk},
        )
    return renewal


def renewal_decider_kinds(listing: Listing) -> tuple[str, ...]:
    """DIR-2: the province approves training institutions, the coordination group evaluation ones;
    DIR-4 (Chengdu): the city bureau (with its capacity centre) assesses."""
    if listing.programme == "dte":
        return (Org.Kind.COORDINATION_GROUP,) if listing.kind == "evaluation" else (Org.Kind.HRSS_PROVINCE,)
    return (Org.Kind.HRSS_CITY, Org.Kind.CAPACITY_CENTRE)


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
    comment = (comment or "").strip()
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
            failed = [c for c in checks if not c.ok]
            if failed:
                raise RuleViolation(
                    "；".join(c.message for c in failed),
                    code="renewal_not_approvable",
                    rule=" ".join(c.rule for c in failed),
                    details={"checks": [c.as_dict() for c in failed]},
                )
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


# --- time: expiry and forfeiture (DIR-2…4) -----------------------------------------------------------------


def _close_open_items(listing: Listing, comment: str, actor=None) -> None:
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
    _close_open_items(listing, text)
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


# --- changes (DIR-5) -----------------------------------------------------------------------------------

BASIC_FIELDS = {
    "institution_name": "单位名称",
    "address": "地址",
    "legal_rep_name": "法定代表人",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}
_BASIC_MAX = {
    "institution_name": 200,
    "address": 200,
    "legal_rep_name": 64,
    "contact_name": 64,
    "contact_phone": 32,
}


def _clean_basic(after: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    clean: dict[str, str] = {}
    unknown = set(after) - set(BASIC_FIELDS)
    if unknown or not after:
        errors["after"] = ["基础信息变更仅限：" + "、".join(BASIC_FIELDS.values())]
        return clean
    for key, value in after.items():
        text = " ".join(str(value if value is not None else "").split())
        if not text:
            errors[key] = [f"请填写变更后的{BASIC_FIELDS[key]}"]
        elif len(text) > _BASIC_MAX[key]:
            errors[key] = [f"{BASIC_FIELDS[key]}不超过 {_BASIC_MAX[key]} 个字"]
        else:
            clean[key] = text
    return clean


@transaction.atomic
def change_submit(*, actor, listing: Listing, type: str, after: dict[str, Any], reason: str) -> ChangeRequest:
    """DIR-5: basic data (name, address, legal representative, contact, phone) or scope (levels)."""
    require(actor, "application.submit", org_id=listing.institution_id)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    after = dict(after or {})
    if type not in ChangeRequest.Type.values:
        errors["type"] = ["变更类型无效"]
    if not reason:
        errors["reason"] = ["请填写变更理由"]
    if type == ChangeRequest.Type.BASIC:
        after = _clean_basic(after, errors)
        if after and not errors and all(getattr(listing, k, None) == v for k, v in after.items()):
            errors["after"] = ["变更后的内容与现有信息相同"]
    elif type == ChangeRequest.Type.SCOPE:
        allowed = [str(x) for x in (listing_policy(listing).get("levels") or [])]
        raw = after.get("levels") or []
        levels = [str(lv) for lv in raw] if isinstance(raw, list | tuple) else []
        if not levels or any(lv not in allowed for lv in levels) or set(after) - {"levels"}:
            errors["after"] = ["评价范围变更请选择等级：" + "、".join(allowed)]
        else:
            levels = [lv for lv in allowed if lv in levels]  # the profile's order, no duplicates
            if levels == list(listing.levels or []):
                errors["after"] = ["变更后的等级与现有等级相同"]
            after = {"levels": levels}
    if errors:
        raise InvalidInput("变更申请有误", fields=errors, rule="DIR-5")
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status not in (L.ACTIVE, L.SUSPENDED):
        raise Conflict("仅有效或暂停的目录条目可申请变更", code="listing_not_changeable")
    before = {k: getattr(listing, k, "") if k != "legal_rep_name" else "" for k in after}
    change = ChangeRequest.objects.create(
        listing=listing, type=type, before=before, after=after, reason=reason, created_by=actor
    )
    CHANGE_REQUEST_FLOW.created(change, actor=actor, reason=reason, after=after)
    return change


def _change_step(change: ChangeRequest) -> tuple[str, str]:
    """(org kind, status it moves to) of the next body to act (DIR-5): Chengdu — the district reviews,
    the city capacity centre applies; DTE — the selecting body applies and the change is published."""
    listing = change.listing
    if listing.programme == "skill":
        if change.status == ChangeRequest.Status.SUBMITTED:
            return Org.Kind.HRSS_DISTRICT, ChangeRequest.Status.REVIEWED
        return Org.Kind.CAPACITY_CENTRE, ChangeRequest.Status.APPLIED
    wanted = Org.Kind.COORDINATION_GROUP if listing.kind == "evaluation" else Org.Kind.HRSS_PROVINCE
    return wanted, ChangeRequest.Status.APPLIED


def change_next_org_kind(change: ChangeRequest) -> str:
    return _change_step(change)[0]


def change_review(*, actor, change: ChangeRequest, approve: bool, comment: str = "") -> ChangeRequest:
    comment = (comment or "").strip()
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().select_related("listing").get(pk=change.pk)
        require(actor, "listing.view", region_code=change.listing.region_id)
        if change.status not in (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.REVIEWED):
            raise Conflict("该变更申请已办结", code="change_closed")
        listing = Listing.objects.select_for_update().get(pk=change.listing_id)
        org_kind, to_status = _change_step(change)
        org = getattr(actor, "primary_org", None)
        if org is None or org.kind != org_kind:
            label = Org.Kind(org_kind).label
            raise RuleViolation(f"该环节由{label}办理", code="not_your_step", rule="DIR-5")
        if not approve and not comment:
            raise InvalidInput("请填写不予变更的理由", fields={"comment": ["请填写理由"]})
        if (
            approve
            and to_status == ChangeRequest.Status.APPLIED
            and listing.status not in (L.ACTIVE, L.SUSPENDED)
        ):
            raise Conflict("目录条目已不在有效或暂停状态，不能变更", code="listing_not_changeable")
        from_status = change.status
        CHANGE_REQUEST_FLOW.transition(
            change,
            to_status if approve else ChangeRequest.Status.REJECTED,
            actor=actor,
            reason=comment,
            changes={"comment": comment, "updated_at": timezone.now()},
            locked=True,
        )
        Decision.record(
            "institutions.change",
            change.pk,
            kind="change_review",
            outcome=change.status,
            checks=[
                Check(
                    "DIR-5",
                    approve,
                    f"{org.name}：{'同意' if approve else '不同意'}（{change.get_type_display()}）",
                    {"from": from_status, "to": change.status, "org_kind": org_kind},
                    "001 第十二条、第十三条；000 第二十条",
                )
            ],
            policy=listing_policy(listing),
        )
        if change.status == ChangeRequest.Status.APPLIED:
            before = {}
            for key, value in change.after.items():
                if key in ("institution_name", "address", "contact_name", "contact_phone", "levels"):
                    before[key] = getattr(listing, key)
                    setattr(listing, key, value)
            listing.search_text = search_text(listing)
            listing.save()
            if "institution_name" in change.after:
                # the name is the institution's: every entry of it shows the new one
                name = change.after["institution_name"]
                Org.objects.filter(pk=listing.institution_id).update(name=name)
                for other in Listing.objects.filter(institution_id=listing.institution_id).exclude(
                    pk=listing.pk
                ):
                    other.institution_name = name
                    other.search_text = search_text(other)
                    other.save(update_fields=["institution_name", "search_text", "updated_at"])
            audit_record(
                actor, "listing.changed", listing, before=before, after=change.after, reason=change.reason
            )
    return change


# --- termination, suspension, removal ------------------------------------------------------------------


def pending_work(listing: Listing) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for fn in _pending_sources:
        items.extend(fn(listing))
    return items


def listing_terminate(*, actor, listing: Listing, reason: str, handling_plan: str) -> Termination:
    """DIR-6: the institution cancels its entry; what is pending is recorded and stays visible."""
    require(actor, "application.submit", org_id=listing.institution_id)
    reason = (reason or "").strip()
    handling_plan = (handling_plan or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = ["请填写注销原因"]
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
        _close_open_items(listing, "目录条目已注销", actor)
        LISTING_FLOW.transition(
            listing,
            L.TERMINATED,
            actor=actor,
            reason=reason,
            changes={"status_reason": f"机构申请注销：{reason}"},
            locked=True,
        )
    return termination


def _manage(actor, listing: Listing, reason: str) -> str:
    require(actor, "listing.manage", region_code=listing.region_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写理由", fields={"reason": ["请填写理由"]})
    return reason


def listing_suspend(*, actor, listing: Listing, reason: str) -> Listing:
    reason = _manage(actor, listing, reason)
    return LISTING_FLOW.transition(
        listing,
        L.SUSPENDED,
        actor=actor,
        reason=reason,
        changes={"status_reason": reason},
        expected_from=[L.ACTIVE],
    )


def listing_reinstate(*, actor, listing: Listing, reason: str) -> Listing:
    reason = _manage(actor, listing, reason)
    return LISTING_FLOW.transition(
        listing,
        L.ACTIVE,
        actor=actor,
        reason=reason,
        changes={"status_reason": ""},
        expected_from=[L.SUSPENDED],
    )


def listing_remove(*, actor, listing: Listing, reason: str) -> Listing:
    reason = _manage(actor, listing, reason)
    with transaction.atomic():
        locked = LISTING_FLOW.transition(
            listing, L.REMOVED, actor=actor, reason=reason, changes={"status_reason": reason}
        )
        _close_open_items(locked, f"目录条目已退出目录：{reason}", actor)
    return locked


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


# --- what the detail page and the API show --------------------------------------------------------------

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


def _labelled(decisions: list[Decision]) -> list[Decision]:
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
    renewals = list(
        listing.renewals.select_related("consenting_authority", "created_by").prefetch_related("attachments")
    )
    changes = list(listing.changes.select_related("created_by"))
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
    history = list(
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
        "renewed_until": _renewed_until(listing, today),
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

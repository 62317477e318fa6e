"""Catalog entries (DIR-1…6): created when an application completes its route; expire and are forfeited
on time (`peiyu tick`); renewed (DIR-2, DIR-4) with a results report pre-filled from platform data;
changed (DIR-5); terminated voluntarily with pending work kept visible (DIR-6); suspended, reinstated
or removed by the competent body (SUP-5, SUP-7 use these)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services import require
from peiyu.audit.services import audit_record
from peiyu.core.attachments import check_upload
from peiyu.core.checks import Check
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import Policy, policy_for, policy_named
from peiyu.core.tick import register
from peiyu.core.workflow import Workflow

from ..models import Application, Attachment, ChangeRequest, Listing, ListingPeriod, ListingVolume, Renewal, Termination
from ..rules import listings as lr

L = Listing.Status

LISTING_FLOW = Workflow(
    Listing,
    {
        L.ACTIVE: {L.SUSPENDED, L.EXPIRED, L.FORFEITED, L.TERMINATED, L.REMOVED},
        L.SUSPENDED: {L.ACTIVE, L.EXPIRED, L.FORFEITED, L.TERMINATED, L.REMOVED},
        L.EXPIRED: {L.ACTIVE, L.FORFEITED, L.TERMINATED, L.REMOVED},
    },
)

# Later apps (training, exams, certificates) report what they did under a listing and what is pending.
_volume_sources: list[Callable[[Listing, int], int]] = []
_pending_sources: list[Callable[[Listing], list[dict[str, Any]]]] = []


def register_volume_source(fn: Callable[[Listing, int], int]) -> None:
    """fn(listing, year) → person-times trained or evaluated that year, counted from platform records."""
    if fn not in _volume_sources:
        _volume_sources.append(fn)


def register_pending_source(fn: Callable[[Listing], list[dict[str, Any]]]) -> None:
    """fn(listing) → [{"label": "在训学员", "count": 12, "url": "..."}] — work a termination must not drop."""
    if fn not in _pending_sources:
        _pending_sources.append(fn)


def listing_policy(listing: Listing) -> Policy:
    if listing.policy_name:
        return policy_named(listing.policy_name, on=timezone.localdate())
    return policy_for(listing.programme, listing.region_id)


def search_text(listing: Listing) -> str:
    parts = [
        listing.institution_name,
        listing.occupation_name,
        listing.occupation_code,
        listing.number,
        listing.filing_code or "",
        " ".join(listing.levels or []),
    ]
    return " ".join(p for p in parts if p).lower()[:400]


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
    """DIR-1: the entry is valid for the profile's `validity_years` from the day it is listed."""
    policy = policy_named(app.call.policy_name, on=app.call.opens_on)
    today = timezone.localdate()
    until = lr.validity_end(today, policy["validity_years"])
    catalog_region = None
    if app.call.programme == "skill" or app.kind == "training":
        catalog_region = app.call.region_id
    form = app.form
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
        recommender=app.recommender if app.recommender and app.recommender.kind == Org.Kind.INDUSTRY_AUTHORITY else app.institution.recommended_by,
        valid_from=today,
        valid_until=until,
        application=app,
        address=form.get("address", "")[:200],
        contact_name=form.get("contact_name", "")[:64],
        contact_phone=form.get("contact_phone", "")[:32],
        **{k: v for k, v in policy.stamp().items() if k != "policy_chain"},
    )
    listing.search_text = search_text(listing)
    listing.save()
    ListingPeriod.objects.create(listing=listing, number=1, valid_from=today, valid_until=until)
    if listing.filing_code:
        Application.objects.filter(pk=app.pk).update(filing_code=listing.filing_code)
        app.filing_code = listing.filing_code
    Decision.objects.create(
        subject_type="institutions.listing",
        subject_id=str(listing.pk),
        kind="listing_created",
        outcome="active",
        rules=["DIR-1"],
        checks=[Check("DIR-1", True, f"有效期 {today:%Y-%m-%d} 至 {until:%Y-%m-%d}", {"validity_years": policy["validity_years"]}, "000 第五条；001 第十四条").as_dict()],
        **policy.stamp(),
    )
    audit_record(actor, "listing.created", listing, after={"application": app.number, "valid_until": until.isoformat(), "filing_code": listing.filing_code})
    return listing


# --- volumes, renewal window ----------------------------------------------------------------------------


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
            out[year] = (0, ListingVolume.Source.PLATFORM if _volume_sources else ListingVolume.Source.DECLARED)
    return out


@transaction.atomic
def listing_volume_declare(*, actor, listing: Listing, year: int, persons: int) -> ListingVolume:
    """The institution declares a year's person-times (RPT-1) where the platform holds no records."""
    require(actor, "application.submit", org_id=listing.institution_id)
    if not (listing.valid_from.year <= int(year) <= max(listing.valid_until.year, timezone.localdate().year)):
        raise InvalidInput("年度不在有效期内", fields={"year": ["年度不在有效期内"]})
    if int(persons) < 0:
        raise InvalidInput("人次不能为负数", fields={"persons": ["人次不能为负数"]})
    vol, created = ListingVolume.objects.update_or_create(
        listing=listing, year=int(year), defaults={"persons": int(persons), "source": ListingVolume.Source.DECLARED}
    )
    audit_record(actor, "listing.volume_declared", listing, after={"year": year, "persons": persons})
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
    policy = listing_policy(listing)
    years = lr.years_of_period(listing.valid_from, listing.valid_until)
    vols = {y: n for y, (n, _src) in volumes_for(listing, years).items()}
    return lr.check_volume(
        period=listing.period,
        volumes=vols,
        years=policy.get("validity_years") or len(years),
        min_annual_volume=policy.get("min_annual_volume"),
    )


def _results_report(listing: Listing) -> dict[str, Any]:
    """The 3-year results report, pre-filled from platform data (and declared figures where none)."""
    today = timezone.localdate()
    years = [y for y in lr.years_of_period(listing.valid_from, listing.valid_until) if y <= today.year][-3:]
    rows = [{"year": y, "persons": n, "source": src} for y, (n, src) in sorted(volumes_for(listing, years).items())]
    return {"rows": rows, "total": sum(r["persons"] for r in rows), "prepared_on": today.isoformat()}


@transaction.atomic
def renewal_start(*, actor, listing: Listing) -> Renewal:
    require(actor, "application.submit", org_id=listing.institution_id)
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status not in (L.ACTIVE, L.EXPIRED):
        raise Conflict(f"目录条目状态为“{listing.get_status_display()}”，不能申请延续", code="listing_not_renewable")
    open_one = listing.renewals.filter(status__in=[Renewal.Status.DRAFT, Renewal.Status.SUBMITTED]).first()
    if open_one:
        return open_one
    renewal = Renewal.objects.create(listing=listing, report=_results_report(listing), created_by=actor)
    audit_record(actor, "renewal.started", renewal, after={"listing": listing.number})
    return renewal


@transaction.atomic
def renewal_attach(*, actor, renewal: Renewal, purpose: str, uploaded) -> Attachment:
    require(actor, "application.submit", org_id=renewal.listing.institution_id)
    if renewal.status != Renewal.Status.DRAFT:
        raise Conflict("延续申请已提交", code="renewal_submitted")
    facts = check_upload(uploaded)
    att = Attachment(
        renewal=renewal,
        purpose=purpose,
        original_name=facts.name,
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
        uploaded_by=actor,
    )
    att.file.save(f"renewal-{renewal.pk}-{facts.sha256[:12]}.{facts.name.rsplit('.', 1)[-1].lower()}", uploaded, save=False)
    att.save()
    audit_record(actor, "renewal.attachment_added", renewal, after={"purpose": purpose, "sha256": facts.sha256})
    return att


@transaction.atomic
def renewal_consent(*, actor, renewal: Renewal) -> Renewal:
    """DIR-2: the industry authority that recommended the institution consents on the platform."""
    org = actor.primary_org
    require(actor, "listing.view", org_id=renewal.listing.institution_id)
    if org is None or org.kind != Org.Kind.INDUSTRY_AUTHORITY or renewal.listing.recommender_id != org.pk:
        raise RuleViolation("只有推荐该机构的行业主管部门可以出具同意意见", code="not_recommender", rule="DIR-2")
    renewal.consenting_authority = org
    renewal.consented_at = timezone.now()
    renewal.save(update_fields=["consenting_authority", "consented_at", "updated_at"])
    audit_record(actor, "renewal.consented", renewal)
    return renewal


def renewal_submit(*, actor, renewal: Renewal, summary: str) -> Renewal:
    require(actor, "application.submit", org_id=renewal.listing.institution_id)
    today = timezone.localdate()
    with transaction.atomic():
        renewal = Renewal.objects.select_for_update().select_related("listing").get(pk=renewal.pk)
        listing = renewal.listing
        if renewal.status != Renewal.Status.DRAFT:
            raise Conflict("延续申请已提交", code="renewal_submitted")
        if not summary.strip():
            raise InvalidInput("请填写近3年工作成效简述", fields={"summary": ["请填写近3年工作成效简述"]})
        window = renewal_window_for(listing)
        timing = lr.check_renewal_on_time(window=window, today=today)
        checks = [timing]
        if listing.programme == "dte":
            has_consent = renewal.consented_at or renewal.attachments.filter(purpose=Attachment.Purpose.INDUSTRY_CONSENT).exists()
            checks.append(
                Check("DIR-2", bool(has_consent), "已有行业主管部门同意意见" if has_consent else "缺少行业主管部门同意意见", {}, "000 第九条", blocking=True)
            )
        blocking = [c for c in checks if not c.ok]
        decision = Decision.objects.create(
            subject_type="institutions.renewal",
            subject_id=str(renewal.pk),
            kind="renewal_submission",
            outcome="refused" if blocking else "submitted",
            rules=sorted({c.rule for c in checks}),
            checks=[c.as_dict() for c in checks],
            **listing_policy(listing).stamp(),
        )
        if not blocking:
            renewal.status = Renewal.Status.SUBMITTED
            renewal.summary = summary.strip()
            renewal.submitted_at = timezone.now()
            renewal.report = _results_report(listing)
            renewal.decision = decision
            renewal.save(update_fields=["status", "summary", "submitted_at", "report", "decision", "updated_at"])
            audit_record(actor, "renewal.submitted", renewal, after={"listing": listing.number})
    if blocking:
        raise RuleViolation(
            "；".join(f"{c.message}（{c.rule}）" for c in blocking),
            code="renewal_refused",
            rule=" ".join(c.rule for c in blocking),
            details={"decision": decision.pk},
        )
    return renewal


def _renewal_decider(actor, listing: Listing) -> None:
    """DIR-2: the province approves training institutions, the coordination group evaluation ones;
    DIR-4 (Chengdu): the city bureau after the district's consent — officials managing listings there."""
    org = getattr(actor, "primary_org", None)
    if listing.programme == "dte":
        wanted = Org.Kind.COORDINATION_GROUP if listing.kind == "evaluation" else Org.Kind.HRSS_PROVINCE
        if org is None or org.kind != wanted:
            raise RuleViolation(
                "延续申请由" + ("工程指导协调小组" if listing.kind == "evaluation" else "省级人社部门") + "审核",
                code="not_your_decision",
                rule="DIR-2",
            )
    require(actor, "listing.manage", region_code=listing.region_id)


def renewal_decide(*, actor, renewal: Renewal, approve: bool, comment: str = "") -> Renewal:
    with transaction.atomic():
        renewal = Renewal.objects.select_for_update().select_related("listing").get(pk=renewal.pk)
        listing = Listing.objects.select_for_update().get(pk=renewal.listing_id)
        _renewal_decider(actor, listing)
        if renewal.status != Renewal.Status.SUBMITTED:
            raise Conflict("该延续申请不在待审核状态", code="renewal_not_submitted")
        policy = listing_policy(listing)
        volume = volume_check(listing) if policy.get("min_annual_volume") is not None else None
        checks = [volume] if volume else []
        if approve and volume and not volume.ok:
            raise RuleViolation(volume.message, code="volume_insufficient", rule="DIR-3", details=volume.facts)
        if not approve and not comment.strip():
            raise InvalidInput("请填写不予延续的理由", fields={"comment": ["请填写理由"]})
        decision = Decision.objects.create(
            subject_type="institutions.renewal",
            subject_id=str(renewal.pk),
            kind="renewal_decision",
            outcome="approved" if approve else "rejected",
            rules=sorted({"DIR-2" if listing.programme == "dte" else "DIR-4", *(c.rule for c in checks)}),
            checks=[c.as_dict() for c in checks],
            **policy.stamp(),
        )
        renewal.status = Renewal.Status.APPROVED if approve else Renewal.Status.REJECTED
        renewal.decided_at = timezone.now()
        renewal.decision_comment = comment.strip()
        renewal.decision = decision
        renewal.save(update_fields=["status", "decided_at", "decision_comment", "decision", "updated_at"])
        audit_record(actor, f"renewal.{renewal.status}", renewal, reason=comment)
        if approve:
            start = listing.valid_until + dt.timedelta(days=1)
            until = lr.validity_end(start, policy["validity_years"])
            number = (listing.periods.aggregate(n=Max("number"))["n"] or listing.period) + 1
            ListingPeriod.objects.create(listing=listing, number=number, valid_from=start, valid_until=until)
            changes = {"valid_until": until, "period": number, "status_reason": f"延续至 {until:%Y-%m-%d}"}
            if listing.status == L.EXPIRED:
                LISTING_FLOW.transition(listing, L.ACTIVE, actor=actor, reason="延续申请通过", changes=changes)
            else:
                for k, v in changes.items():
                    setattr(listing, k, v)
                listing.save(update_fields=[*changes, "updated_at"])
                audit_record(actor, "listing.renewed", listing, after={"valid_until": until.isoformat(), "period": number})
    return renewal


# --- time: expiry and forfeiture (DIR-2…4) -----------------------------------------------------------------


def _forfeit(listing: Listing, reason: str, checks: list[Check], policy: Policy) -> None:
    ban_until = lr.reapply_ban_end(listing.valid_until, policy.get("reapply_ban_years"))
    Decision.objects.create(
        subject_type="institutions.listing",
        subject_id=str(listing.pk),
        kind="forfeiture",
        outcome="forfeited",
        rules=sorted({c.rule for c in checks} | {"DIR-3"} if listing.programme == "dte" else {c.rule for c in checks}),
        checks=[c.as_dict() for c in checks],
        **policy.stamp(),
    )
    text = reason + (f"；{ban_until:%Y-%m-%d} 前不得再次申报该职业" if ban_until else "")
    LISTING_FLOW.transition(
        listing, L.FORFEITED, actor=None, reason=text, changes={"reapply_banned_until": ban_until, "status_reason": text}
    )


def listings_expire_due(today: dt.date) -> int:
    """At expiry: DTE entries with no on-time renewal, or too little volume, are forfeited (DIR-3);
    others expire (awaiting a pending renewal). Chengdu entries with no renewal within the grace months
    after expiry are deemed abandoned (DIR-4). Safe to run twice."""
    changed = 0
    due = Listing.objects.filter(status__in=[L.ACTIVE, L.SUSPENDED], valid_until__lt=today).order_by("pk")
    for listing in due.iterator():
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=listing.pk)
            if listing.status not in (L.ACTIVE, L.SUSPENDED) or listing.valid_until >= today:
                continue
            policy = listing_policy(listing)
            renewal = listing.renewals.filter(status=Renewal.Status.SUBMITTED).first()
            window = renewal_window_for(listing)
            if listing.programme == "dte":
                volume = volume_check(listing)
                if not volume.ok:
                    _forfeit(listing, volume.message, [volume], policy)
                elif renewal is None:
                    check = Check("DIR-3", False, f"未在 {window.closes:%Y-%m-%d} 前提出延续申请，视为主动放弃", {"closes": window.closes.isoformat()}, "000 第九条")
                    _forfeit(listing, check.message, [check, volume], policy)
                else:
                    LISTING_FLOW.transition(listing, L.EXPIRED, actor=None, reason="有效期届满，延续申请审核中", changes={"status_reason": "有效期届满，延续申请审核中"})
            else:
                LISTING_FLOW.transition(listing, L.EXPIRED, actor=None, reason="有效期届满", changes={"status_reason": "有效期届满"})
            changed += 1
    for listing in Listing.objects.filter(status=L.EXPIRED).order_by("pk").iterator():
        window = renewal_window_for(listing)
        if today <= window.closes or listing.renewals.filter(status=Renewal.Status.SUBMITTED).exists():
            continue
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=listing.pk)
            if listing.status != L.EXPIRED:
                continue
            check = Check(window.rule, False, f"期满后至 {window.closes:%Y-%m-%d} 未提出延续申请，视为自动放弃", {"closes": window.closes.isoformat()}, window.source)
            _forfeit(listing, check.message, [check], listing_policy(listing))
            changed += 1
    return changed


@register("institutions.listings")
def _tick_listings(now: dt.datetime) -> int:
    return listings_expire_due(timezone.localtime(now).date())


# --- changes (DIR-5) -----------------------------------------------------------------------------------

BASIC_FIELDS = {"institution_name": "单位名称", "address": "地址", "legal_rep_name": "法定代表人", "contact_name": "联系人", "contact_phone": "联系电话"}


@transaction.atomic
def change_submit(*, actor, listing: Listing, type: str, after: dict[str, Any], reason: str) -> ChangeRequest:
    require(actor, "application.submit", org_id=listing.institution_id)
    errors: dict[str, list[str]] = {}
    if type not in ChangeRequest.Type.values:
        errors["type"] = ["变更类型无效"]
    if not reason.strip():
        errors["reason"] = ["请填写变更理由"]
    if type == ChangeRequest.Type.BASIC:
        unknown = set(after) - set(BASIC_FIELDS)
        if unknown or not after:
            errors["after"] = ["基础信息变更仅限：" + "、".join(BASIC_FIELDS.values())]
    elif type == ChangeRequest.Type.SCOPE:
        allowed = listing_policy(listing).get("levels") or []
        levels = after.get("levels") or []
        if not levels or any(lv not in allowed for lv in levels) or set(after) - {"levels"}:
            errors["after"] = ["评价范围变更请选择等级：" + "、".join(allowed)]
    if errors:
        raise InvalidInput("变更申请有误", fields=errors)
    if listing.status not in (L.ACTIVE, L.SUSPENDED):
        raise Conflict("仅有效或暂停的目录条目可申请变更", code="listing_not_changeable")
    before = {k: getattr(listing, k, "") if k != "legal_rep_name" else "" for k in after}
    change = ChangeRequest.objects.create(listing=listing, type=type, before=before, after=after, reason=reason.strip(), created_by=actor)
    audit_record(actor, "change.submitted", change, after=after, reason=reason)
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
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().select_related("listing").get(pk=change.pk)
        if change.status not in (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.REVIEWED):
            raise Conflict("该变更申请已办结", code="change_closed")
        listing = Listing.objects.select_for_update().get(pk=change.listing_id)
        org_kind, to_status = _change_step(change)
        org = getattr(actor, "primary_org", None)
        if org is None or org.kind != org_kind:
            raise RuleViolation("该环节不由您办理", code="not_your_step", rule="DIR-5")
        require(actor, "listing.view", region_code=listing.region_id)
        if not approve:
            if not comment.strip():
                raise InvalidInput("请填写不予变更的理由", fields={"comment": ["请填写理由"]})
            change.status = ChangeRequest.Status.REJECTED
        else:
            change.status = to_status
        change.comment = comment.strip()
        change.save(update_fields=["status", "comment", "updated_at"])
        if change.status == ChangeRequest.Status.APPLIED:
            before = {}
            for key, value in change.after.items():
                if hasattr(listing, key):
                    before[key] = getattr(listing, key)
                    setattr(listing, key, value)
            listing.search_text = search_text(listing)
            listing.save()
            if "institution_name" in change.after:
                Org.objects.filter(pk=listing.institution_id).update(name=change.after["institution_name"])
            audit_record(actor, "listing.changed", listing, before=before, after=change.after, reason=change.reason)
        audit_record(actor, f"change.{change.status}", change, reason=comment)
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
    errors = {}
    if not reason.strip():
        errors["reason"] = ["请填写注销原因"]
    pending = pending_work(listing)
    if any(p.get("count") for p in pending) and not handling_plan.strip():
        errors["handling_plan"] = ["尚有未办结事项，请填写后续工作处理方案"]
    if errors:
        raise InvalidInput("注销申请有误", fields=errors, rule="DIR-6")
    with transaction.atomic():
        if Termination.objects.filter(listing=listing).exists():
            raise Conflict("该目录条目已注销", code="already_terminated")
        termination = Termination.objects.create(
            listing=listing, reason=reason.strip(), pending=pending, handling_plan=handling_plan.strip(), created_by=actor
        )
        LISTING_FLOW.transition(listing, L.TERMINATED, actor=actor, reason=reason, changes={"status_reason": f"机构申请注销：{reason.strip()}"})
    return termination


def _manage(actor, listing: Listing, reason: str) -> None:
    require(actor, "listing.manage", region_code=listing.region_id)
    if not reason.strip():
        raise InvalidInput("请填写理由", fields={"reason": ["请填写理由"]})


def listing_suspend(*, actor, listing: Listing, reason: str) -> Listing:
    _manage(actor, listing, reason)
    return LISTING_FLOW.transition(listing, L.SUSPENDED, actor=actor, reason=reason, changes={"status_reason": reason}, expected_from=[L.ACTIVE])


def listing_reinstate(*, actor, listing: Listing, reason: str) -> Listing:
    _manage(actor, listing, reason)
    return LISTING_FLOW.transition(listing, L.ACTIVE, actor=actor, reason=reason, changes={"status_reason": ""}, expected_from=[L.SUSPENDED])


def listing_remove(*, actor, listing: Listing, reason: str) -> Listing:
    _manage(actor, listing, reason)
    return LISTING_FLOW.transition(listing, L.REMOVED, actor=actor, reason=reason, changes={"status_reason": reason})

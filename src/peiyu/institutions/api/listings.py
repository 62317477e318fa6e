"""API of catalog entries (DIR-1…6): the same services as the pages (DESIGN conventions §1). Every
lookup goes through the actor's visible listings; a renewal or change is found only among those of
a visible listing, so out of scope and missing are both 404."""

import datetime as dt
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.core.errors import NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import ChangeRequest, Listing, Renewal
from ..selectors import listings as listing_selectors
from ..selectors import scope as selectors
from ..selectors.actions import (
    change_request_allowed_actions,
    listing_allowed_actions,
    renewal_allowed_actions,
)
from ..services import changes, renewals, terminations
from ..services import listings as services

router = Router(tags=["directory"])


# --- schemas -------------------------------------------------------------------------------------------


class ListingOut(Schema):
    id: int
    number: str
    filing_code: str | None
    programme: str
    institution_id: int
    institution_name: str
    kind: str
    institution_type: str
    occupation_code: str
    occupation_name: str
    levels: list[str]
    region_code: str
    status: str
    status_label: str
    status_reason: str
    valid_from: dt.date
    valid_until: dt.date
    period: int
    valid_today: bool
    reapply_banned_until: dt.date | None
    policy_name: str
    policy_version: int | None


class RenewalOut(Schema):
    id: int
    listing_id: int
    status: str
    status_label: str
    report: dict[str, Any]
    summary: str
    consenting_authority: str | None
    consented_at: dt.datetime | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_comment: str
    attachments: list[dict[str, Any]]
    decisions: list[DecisionOut]
    allowed_actions: list[str] = []


class ChangeOut(Schema):
    id: int
    listing_id: int
    type: str
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    status: str
    status_label: str
    next_org_kind: str
    comment: str
    decisions: list[DecisionOut]
    allowed_actions: list[str] = []


class WindowOut(Schema):
    opens: dt.date | None
    closes: dt.date
    state: str
    state_label: str
    rule: str
    source: str


class ListingDetailOut(ListingOut):
    periods: list[dict[str, Any]]
    volumes: list[dict[str, Any]]
    volume_check: dict[str, Any]
    renewal_window: WindowOut
    renewed_until: dt.date | None
    report: dict[str, Any]
    renewals: list[RenewalOut]
    changes: list[ChangeOut]
    termination: dict[str, Any] | None
    pending_now: list[dict[str, Any]]
    history: list[dict[str, Any]]
    decisions: list[DecisionOut]
    allowed_actions: list[str]


def _listing_out(listing: Listing, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "id": listing.pk,
        "number": listing.number,
        "filing_code": listing.filing_code,
        "programme": listing.programme,
        "institution_id": listing.institution_id,
        "institution_name": listing.institution_name,
        "kind": listing.kind,
        "institution_type": listing.institution_type,
        "occupation_code": listing.occupation_code,
        "occupation_name": listing.occupation_name,
        "levels": list(listing.levels or []),
        "region_code": listing.region_id,
        "status": listing.status,
        "status_label": str(listing.get_status_display()),
        "status_reason": listing.status_reason,
        "valid_from": listing.valid_from,
        "valid_until": listing.valid_until,
        "period": listing.period,
        "valid_today": listing.is_valid_on(today),
        "reapply_banned_until": listing.reapply_banned_until,
        "policy_name": listing.policy_name,
        "policy_version": listing.policy_version,
    }


def _renewal_out(r: Renewal, decisions=None) -> dict[str, Any]:
    if decisions is None:
        decisions = listing_selectors.renewal_decisions(r)
    return {
        "id": r.pk,
        "listing_id": r.listing_id,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "report": r.report,
        "summary": r.summary,
        "consenting_authority": r.consenting_authority.name if r.consenting_authority_id else None,
        "consented_at": r.consented_at,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
        "decision_comment": r.decision_comment,
        "attachments": [
            {"id": a.pk, "purpose": a.purpose, "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in r.attachments.all()
            if a.removed_at is None
        ],
        "decisions": [decision_out(d) for d in decisions],
    }


def _change_out(c: ChangeRequest, decisions=None) -> dict[str, Any]:
    if decisions is None:
        decisions = listing_selectors.change_decisions(c)
    open_ = c.status in (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.REVIEWED)
    return {
        "id": c.pk,
        "listing_id": c.listing_id,
        "type": c.type,
        "before": c.before,
        "after": c.after,
        "reason": c.reason,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "next_org_kind": str(changes.change_next_org_kind(c)) if open_ else "",
        "comment": c.comment,
        "decisions": [decision_out(d) for d in decisions],
    }


# --- lookups (scoped) ----------------------------------------------------------------------------------


def _renewal_for(actor, renewal_id: int) -> Renewal:
    renewal = (
        Renewal.objects.filter(pk=renewal_id, listing__in=selectors.listings_visible_to(actor))
        .select_related("listing", "consenting_authority")
        .first()
    )
    if renewal is None:
        raise NotFound()
    return renewal


def _change_for(actor, change_id: int) -> ChangeRequest:
    change = (
        ChangeRequest.objects.filter(pk=change_id, listing__in=selectors.listings_visible_to(actor))
        .select_related("listing")
        .first()
    )
    if change is None:
        raise NotFound()
    return change


# --- reads ---------------------------------------------------------------------------------------------


class ListingFilter(PageQuery):
    status: str = Field("", max_length=16)
    kind: str = Field("", max_length=16)
    programme: str = Field("", pattern=r"^(dte|skill)?$")
    occupation: str = Field("", max_length=50, description="职业（工种）编码前缀或名称关键字")
    expiring_within_days: int | None = Field(
        None, ge=0, le=3660, description="有效期在 N 天内到期（有效或暂停的条目）"
    )


@router.get("/directory/listings", response=Page[ListingOut], summary="目录条目（本辖区）")
def listing_list(request, filters: Query[ListingFilter]):
    qs: QuerySet[Listing] = selectors.listings_visible_to(request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.programme:
        qs = qs.filter(programme=filters.programme)
    if filters.occupation.strip():
        term = filters.occupation.strip()
        qs = qs.filter(Q(occupation_code__startswith=term) | Q(occupation_name__contains=term))
    today = timezone.localdate()
    if filters.expiring_within_days is not None:
        qs = qs.filter(
            status__in=[Listing.Status.ACTIVE, Listing.Status.SUSPENDED],
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=filters.expiring_within_days),
        )
    return paginate(qs.order_by("valid_until", "id"), filters, lambda row: _listing_out(row, today))


def _detail(listing: Listing, actor) -> dict[str, Any]:
    o = listing_selectors.listing_overview(listing)
    window = o["window"]
    body = _listing_out(listing, o["today"])
    termination = o["termination"]
    body.update(
        periods=[
            {"number": p.number, "valid_from": p.valid_from, "valid_until": p.valid_until}
            for p in o["periods"]
        ],
        volumes=[{"year": v["year"], "persons": v["persons"], "source": v["source"]} for v in o["volumes"]],
        volume_check=o["volume_check"].as_dict(),
        renewal_window={
            "opens": window.opens,
            "closes": window.closes,
            "state": o["window_state"],
            "state_label": o["window_state_label"],
            "rule": window.rule,
            "source": window.source,
        },
        renewed_until=o["renewed_until"],
        report=o["report"],
        renewals=[
            {**_renewal_out(r, r.decisions), "allowed_actions": renewal_allowed_actions(actor, r)}
            for r in o["renewals"]
        ],
        changes=[
            {**_change_out(c, c.decisions), "allowed_actions": change_request_allowed_actions(actor, c)}
            for c in o["changes"]
        ],
        termination=(
            {
                "reason": termination.reason,
                "handling_plan": termination.handling_plan,
                "pending": termination.pending,
                "created_at": termination.created_at,
            }
            if termination
            else None
        ),
        pending_now=o["pending_now"],
        history=[
            {
                "at": h.at,
                "from_status": h.from_status,
                "to_status": h.to_status,
                "reason": h.reason,
                "actor": h.actor.get_username() if h.actor_id else None,
            }
            for h in o["history"]
        ],
        decisions=[decision_out(d) for d in o["decisions"]],
        allowed_actions=listing_allowed_actions(actor, listing),
    )
    return body


@router.get("/directory/listings/{listing_id}", response=ListingDetailOut, summary="目录条目详情")
def listing_get(request, listing_id: PathId):
    return _detail(selectors.listing_get_for(request.auth, listing_id), request.auth)


# --- writes --------------------------------------------------------------------------------------------


class VolumeIn(Schema):
    year: int
    persons: int = Field(..., le=10_000_000)


class VolumeOut(Schema):
    year: int
    persons: int
    source: str


@router.post("/directory/listings/{listing_id}/volumes", response={201: VolumeOut}, summary="填报年度人次")
def volume_declare(request, listing_id: PathId, payload: VolumeIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    vol = services.listing_volume_declare(
        actor=request.auth, listing=listing, year=payload.year, persons=payload.persons
    )
    return Status(201, {"year": vol.year, "persons": vol.persons, "source": vol.source})


@router.post(
    "/directory/listings/{listing_id}/renewals",
    response={201: RenewalOut},
    summary="申请延续（预填成效报告）",
)
def renewal_start(request, listing_id: PathId):
    listing = selectors.listing_get_for(request.auth, listing_id)
    return Status(201, _renewal_out(renewals.renewal_start(actor=request.auth, listing=listing)))


@router.post(
    "/directory/renewals/{renewal_id}/attachments",
    response={201: dict},
    summary="上传延续材料（如行业主管部门同意意见）",
)
def renewal_attach(request, renewal_id: PathId, purpose: Form[str], file: File[UploadedFile]):
    renewal = _renewal_for(request.auth, renewal_id)
    att = renewals.renewal_attach(actor=request.auth, renewal=renewal, purpose=purpose, uploaded=file)
    return Status(
        201,
        {
            "id": att.pk,
            "purpose": att.purpose,
            "name": att.original_name,
            "size": att.size,
            "sha256": att.sha256,
        },
    )


class SubmitIn(Schema):
    summary: str = Field(..., max_length=5000)


@router.post("/directory/renewals/{renewal_id}/submit", response=RenewalOut, summary="提交延续申请")
def renewal_submit(request, renewal_id: PathId, payload: SubmitIn):
    renewal = _renewal_for(request.auth, renewal_id)
    return _renewal_out(renewals.renewal_submit(actor=request.auth, renewal=renewal, summary=payload.summary))


@router.post("/directory/renewals/{renewal_id}/consent", response=RenewalOut, summary="出具同意意见")
def renewal_consent(request, renewal_id: PathId):
    renewal = _renewal_for(request.auth, renewal_id)
    return _renewal_out(renewals.renewal_consent(actor=request.auth, renewal=renewal))


class DecideIn(Schema):
    approve: bool
    comment: str = Field("", max_length=2000)


@router.post("/directory/renewals/{renewal_id}/decide", response=RenewalOut, summary="审核延续申请")
def renewal_decide(request, renewal_id: PathId, payload: DecideIn):
    renewal = _renewal_for(request.auth, renewal_id)
    return _renewal_out(
        renewals.renewal_decide(
            actor=request.auth, renewal=renewal, approve=payload.approve, comment=payload.comment
        )
    )


class ChangeIn(Schema):
    type: Literal["basic", "scope"]
    after: dict[str, Any]
    reason: str = Field(..., max_length=2000)


@router.post("/directory/listings/{listing_id}/changes", response={201: ChangeOut}, summary="申请变更")
def change_submit(request, listing_id: PathId, payload: ChangeIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    change = changes.change_submit(
        actor=request.auth, listing=listing, type=payload.type, after=payload.after, reason=payload.reason
    )
    return Status(201, _change_out(change))


class ReviewIn(Schema):
    approve: bool
    comment: str = Field("", max_length=2000)


@router.post("/directory/changes/{change_id}/review", response=ChangeOut, summary="审核变更申请")
def change_review(request, change_id: PathId, payload: ReviewIn):
    change = _change_for(request.auth, change_id)
    return _change_out(
        changes.change_review(
            actor=request.auth, change=change, approve=payload.approve, comment=payload.comment
        )
    )


class TerminateIn(Schema):
    reason: str = Field(..., max_length=2000)
    handling_plan: str = Field("", max_length=5000)


@router.post("/directory/listings/{listing_id}/terminate", response=ListingDetailOut, summary="申请注销")
def listing_terminate(request, listing_id: PathId, payload: TerminateIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    terminations.listing_terminate(
        actor=request.auth, listing=listing, reason=payload.reason, handling_plan=payload.handling_plan
    )
    return _detail(selectors.listing_get_for(request.auth, listing_id), request.auth)


class StatusIn(Schema):
    action: Literal["suspend", "reinstate", "remove"]
    reason: str = Field(..., max_length=2000)


@router.post("/directory/listings/{listing_id}/status", response=ListingOut, summary="暂停、恢复或退出目录")
def listing_status(request, listing_id: PathId, payload: StatusIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    services.listing_status_change(
        actor=request.auth, listing=listing, action=payload.action, reason=payload.reason
    )
    listing.refresh_from_db()
    return _listing_out(listing)

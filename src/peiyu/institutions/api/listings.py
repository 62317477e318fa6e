"""API of catalog entries (DIR-1…6): the same services as the pages (DESIGN conventions §1). Every
lookup goes through the actor's visible listings, so out of scope and missing are both 404. Renewals
and change requests have their own modules (renewals.py, changes.py); a listing's detail shows both."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Reason, Text
from peiyu.core.lookups import filter_given
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import Listing
from ..selectors import listings as listing_selectors
from ..selectors import scope as selectors
from ..selectors.actions import (
    change_request_allowed_actions,
    listing_allowed_actions,
    renewal_allowed_actions,
)
from ..services import listings as services
from ..services import terminations
from .changes import ChangeOut, change_out
from .renewals import RenewalOut, renewal_out

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
    qs: QuerySet[Listing] = filter_given(
        selectors.listings_visible_to(request.auth),
        status=filters.status,
        kind=filters.kind,
        programme=filters.programme,
    )
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
            {**renewal_out(r, r.decisions), "allowed_actions": renewal_allowed_actions(actor, r)}
            for r in o["renewals"]
        ],
        changes=[
            {**change_out(c, c.decisions), "allowed_actions": change_request_allowed_actions(actor, c)}
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


class TerminateIn(Schema):
    reason: Annotated[str, Reason("注销原因")]
    handling_plan: Annotated[str, Text(20000)] = ""


@router.post("/directory/listings/{listing_id}/terminate", response=ListingDetailOut, summary="申请注销")
def listing_terminate(request, listing_id: PathId, payload: TerminateIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    terminations.listing_terminate(
        actor=request.auth, listing=listing, reason=payload.reason, handling_plan=payload.handling_plan
    )
    return _detail(selectors.listing_get_for(request.auth, listing_id), request.auth)


class StatusIn(Schema):
    action: Literal["suspend", "reinstate", "remove"]
    reason: Annotated[str, Reason("理由")]


@router.post("/directory/listings/{listing_id}/status", response=ListingOut, summary="暂停、恢复或退出目录")
def listing_status(request, listing_id: PathId, payload: StatusIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    services.listing_status_change(
        actor=request.auth, listing=listing, action=payload.action, reason=payload.reason
    )
    listing.refresh_from_db()
    return _listing_out(listing)

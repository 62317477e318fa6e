"""API of change requests of catalog entries (DIR-4): submit one, review it. A change is found only
among those of a listing the actor sees, so out of scope and missing are both 404."""

from typing import Annotated, Any, Literal

from ninja import Router, Schema, Status

from peiyu.core.cleaning_adapters import Reason, Text
from peiyu.core.errors import NotFound
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import ChangeRequest
from ..selectors import listings as listing_selectors
from ..selectors import scope as selectors
from ..selectors.changes import change_next_org_kind
from ..services import changes

router = Router(tags=["directory"])


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


def change_out(c: ChangeRequest, decisions=None) -> dict[str, Any]:
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
        "next_org_kind": str(change_next_org_kind(c)) if open_ else "",
        "comment": c.comment,
        "decisions": [decision_out(d) for d in decisions],
    }


def _change_for(actor, change_id: int) -> ChangeRequest:
    change = (
        ChangeRequest.objects.filter(pk=change_id, listing__in=selectors.listings_visible_to(actor))
        .select_related("listing")
        .first()
    )
    if change is None:
        raise NotFound()
    return change


class ChangeIn(Schema):
    type: Literal["basic", "scope"]
    after: dict[str, Any]
    reason: Annotated[str, Reason("变更理由")]


@router.post("/directory/listings/{listing_id}/changes", response={201: ChangeOut}, summary="申请变更")
def change_submit(request, listing_id: PathId, payload: ChangeIn):
    listing = selectors.listing_get_for(request.auth, listing_id)
    change = changes.change_submit(
        actor=request.auth, listing=listing, type=payload.type, after=payload.after, reason=payload.reason
    )
    return Status(201, change_out(change))


class ReviewIn(Schema):
    """An official's yes or no with an optional comment (a change request's review, a renewal's decision)."""

    approve: bool
    comment: Annotated[str, Text(2000)] = ""


@router.post("/directory/changes/{change_id}/review", response=ChangeOut, summary="审核变更申请")
def change_review(request, change_id: PathId, payload: ReviewIn):
    change = _change_for(request.auth, change_id)
    return change_out(
        changes.change_review(
            actor=request.auth, change=change, approve=payload.approve, comment=payload.comment
        )
    )

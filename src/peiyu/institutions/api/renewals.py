"""API of renewals of catalog entries (DIR-2): start one (its report prefilled), attach material, submit,
the industry authority's consent, the decision. A renewal is found only among those of a listing the
actor sees, so out of scope and missing are both 404."""

import datetime as dt
from typing import Annotated, Any

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from peiyu.core.cleaning_adapters import Text
from peiyu.core.errors import NotFound
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import Renewal
from ..selectors import listings as listing_selectors
from ..selectors import scope as selectors
from ..services import renewals
from .applications import attachment_out
from .changes import ReviewIn

router = Router(tags=["directory"])


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


def renewal_out(r: Renewal, decisions=None) -> dict[str, Any]:
    if decisions is None:
        decisions = listing_selectors.renewal_decisions(r)
    return {
        "id": r.pk,
        "listing_id": r.listing_id,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "report": r.report,
        "summary": r.summary,
        "consenting_authority": r.consenting_authority.name if r.consenting_authority is not None else None,
        "consented_at": r.consented_at,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
        "decision_comment": r.decision_comment,
        "attachments": [attachment_out(a) for a in r.attachments.all() if a.removed_at is None],
        "decisions": [decision_out(d) for d in decisions],
    }


def _renewal_for(actor, renewal_id: int) -> Renewal:
    renewal = (
        Renewal.objects.filter(pk=renewal_id, listing__in=selectors.listings_visible_to(actor))
        .select_related("listing", "consenting_authority")
        .first()
    )
    if renewal is None:
        raise NotFound()
    return renewal


@router.post(
    "/directory/listings/{listing_id}/renewals",
    response={201: RenewalOut},
    summary="申请延续（预填成效报告）",
)
def renewal_start(request, listing_id: PathId):
    listing = selectors.listing_get_for(request.auth, listing_id)
    return Status(201, renewal_out(renewals.renewal_start(actor=request.auth, listing=listing)))


@router.post(
    "/directory/renewals/{renewal_id}/attachments",
    response={201: dict},
    summary="上传延续材料（如行业主管部门同意意见）",
)
def renewal_attach(request, renewal_id: PathId, purpose: Form[str], file: File[UploadedFile]):
    renewal = _renewal_for(request.auth, renewal_id)
    att = renewals.renewal_attach(actor=request.auth, renewal=renewal, purpose=purpose, uploaded=file)
    return Status(201, attachment_out(att))


class SubmitIn(Schema):
    summary: Annotated[str, Text(20000)]


@router.post("/directory/renewals/{renewal_id}/submit", response=RenewalOut, summary="提交延续申请")
def renewal_submit(request, renewal_id: PathId, payload: SubmitIn):
    renewal = _renewal_for(request.auth, renewal_id)
    return renewal_out(renewals.renewal_submit(actor=request.auth, renewal=renewal, summary=payload.summary))


@router.post("/directory/renewals/{renewal_id}/consent", response=RenewalOut, summary="出具同意意见")
def renewal_consent(request, renewal_id: PathId):
    renewal = _renewal_for(request.auth, renewal_id)
    return renewal_out(renewals.renewal_consent(actor=request.auth, renewal=renewal))


@router.post("/directory/renewals/{renewal_id}/decide", response=RenewalOut, summary="审核延续申请")
def renewal_decide(request, renewal_id: PathId, payload: ReviewIn):
    renewal = _renewal_for(request.auth, renewal_id)
    return renewal_out(
        renewals.renewal_decide(
            actor=request.auth, renewal=renewal, approve=payload.approve, comment=payload.comment
        )
    )

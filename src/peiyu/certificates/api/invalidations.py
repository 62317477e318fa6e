"""Invalidation over the API (CRT-7, SUP-8), through the same services and selectors as the pages: the
findings the caller may read, one finding with the actions open to the caller, opening a finding on a
certificate (an official with certificate.invalidate in its jurisdiction), and the verbs of a finding —
state (the issuing institution states the facts), decide (declare invalid, effective at once), dismiss.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.actions import dispatch
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, PathId, decision_out

from ..models import Invalidation
from ..selectors import certificates as cert_sel
from ..selectors import invalidations as sel
from ..services import invalidations as svc

router = Router(tags=["证书无效认定"])


class InvalidationOut(Schema):
    id: int
    certificate: int
    certificate_number: str
    cause: str = Field(
        description="lax_eligibility、cheating、irregular_grading、leaked_questions、forged_materials、other"
    )
    cause_label: str
    scope: str = Field(description="certificate 证书无效、score 成绩无效")
    scope_label: str
    finding: str
    status: str = Field(
        description="opened 待机构说明情况、stated 待决定、decided 已宣布无效、dismissed 不予认定"
    )
    status_label: str
    statement_due: dt.date | None = Field(description="机构说明情况期限")
    statement: str
    effective_on: dt.date | None
    dismissal_reason: str
    decision: DecisionOut | None
    allowed_actions: list[str]


class InvalidationQuery(PageQuery):
    status: str = Field("", description="open（待处理）、opened、stated、decided、dismissed；空为全部")


class InvalidationIn(Schema):
    cause: str = Field(description="无效情形")
    scope: str = Field("certificate", description="certificate 证书无效、score 成绩无效")
    finding: str = Field(description="查实情况")


class InvalidationActionIn(Schema):
    action: str = Field(description="state 说明情况（发证机构）、decide 宣布无效、dismiss 不予认定")
    text: str = Field("", description="情况说明、决定意见（可选）或不予认定理由")


def _out(request: Any, inv: Invalidation) -> dict[str, Any]:
    return {
        "id": inv.pk,
        "certificate": inv.certificate_id,
        "certificate_number": inv.certificate.number,
        "cause": inv.cause,
        "cause_label": str(inv.get_cause_display()),
        "scope": inv.scope,
        "scope_label": str(inv.get_scope_display()),
        "finding": inv.finding,
        "status": inv.status,
        "status_label": str(inv.get_status_display()),
        "statement_due": inv.statement_due,
        "statement": inv.statement,
        "effective_on": inv.effective_on,
        "dismissal_reason": inv.dismissal_reason,
        "decision": decision_out(inv.decision) if inv.decision is not None else None,
        "allowed_actions": sel.invalidation_allowed_actions(request.user, inv),
    }


@router.get("/certificates/invalidations", response=Page[InvalidationOut], summary="证书无效认定")
def invalidation_list(request: Any, q: Query[InvalidationQuery]) -> Any:
    return paginate(sel.invalidations_filtered(request.user, status=q.status), q, lambda i: _out(request, i))


@router.get("/certificates/invalidations/{invalidation_id}", response=InvalidationOut, summary="无效认定详情")
def invalidation_detail(request: Any, invalidation_id: PathId) -> dict[str, Any]:
    return _out(request, sel.invalidation_get_for(request.user, invalidation_id))


@router.post(
    "/certificates/records/{cert_id}/invalidations",
    response={201: InvalidationOut},
    summary="提出无效认定（通知发证机构说明情况）",
)
def invalidation_open(request: Any, cert_id: PathId, body: InvalidationIn) -> Any:
    cert = cert_sel.certificate_get_for(request.user, cert_id)
    inv = svc.invalidation_open(
        actor=request.user, certificate=cert, cause=body.cause, scope=body.scope, finding=body.finding
    )
    return Status(201, _out(request, sel.invalidation_get_for(request.user, inv.pk)))


@router.post(
    "/certificates/invalidations/{invalidation_id}/actions",
    response=InvalidationOut,
    summary="说明情况、宣布无效或不予认定",
)
def invalidation_act(request: Any, invalidation_id: PathId, body: InvalidationActionIn) -> dict[str, Any]:
    inv = sel.invalidation_get_for(request.user, invalidation_id)
    dispatch(svc.INVALIDATION_ACTIONS, body.action, actor=request.user, invalidation=inv, text=body.text)
    return _out(request, sel.invalidation_get_for(request.user, invalidation_id))

"""API of training certificates' public verification by number, at the address training had before the
move (ADR 0007 §4): `/api/v1/training/certificates/verify` — the holder's name masked, no ID number.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from ..selectors import certificates_training as sel

router = Router(tags=["证书"])


class TrainingCertificatePublicOut(Schema):
    number: str
    status: str
    status_label: str
    valid: bool
    holder: str
    occupation: str
    direction: str
    level: str
    hours: int | None
    ce_hours: int | None
    ce_year: int | None
    institution: str
    issued_on: dt.date


class TrainingVerifyQuery(Schema):
    number: str = Field(..., min_length=1, max_length=40)


@router.get(
    "/training/certificates/verify",
    auth=None,
    response=TrainingCertificatePublicOut,
    summary="培训合格证书核验（公开）",
)
def training_certificate_verify(request, q: Query[TrainingVerifyQuery]):  # type: ignore[no-untyped-def]
    return sel.training_certificate_public_view(sel.training_certificate_public(number=q.number))

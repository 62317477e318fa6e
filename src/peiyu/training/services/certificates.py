"""Training certificates (培训合格证书, TRN-6, TRN-7) are issued, numbered, signed, verified and invalidated by
the certificates app (ADR 0007 §4), which sits above training: training's completion page and API issue
through the extension point `selectors.completion.CERTIFICATE_ISSUE_POINT` that certificates contributes
from its hooks, and read a certificate through `CERTIFICATE_POINT`. What stays here is training's own
part: whether the class's catalog entry allows issuing today (SUP-7, DIR-1), which the certificates
service asks before it issues and the completion page says before the institution tries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peiyu.core.checks import Check
from peiyu.core.errors import Conflict
from peiyu.core.registry import extensions

from ..models import TrainingClass
from ..rules import completion as cr
from ..selectors.completion import CERTIFICATE_ISSUE_POINT
from .plans import listing_facts


def certificates_entry_check(klass: TrainingClass, today: dt.date | None = None) -> Check:
    """Whether the class's catalog entry allows issuing today (SUP-7, DIR-1): what issuing decides, and
    what the completion page says before the institution tries."""
    return cr.listing_allows_certificates(
        listing_facts(klass.plan.listing), today=today or timezone.localdate()
    )


def certificates_issue(*, actor, klass: TrainingClass) -> list[dict[str, Any]]:
    """Issue the class's training certificates through the certificates service (the extension point's
    one contributor); each certificate as `selectors.completion.CERTIFICATE_POINT` describes it."""
    issuers = extensions(CERTIFICATE_ISSUE_POINT)
    if not issuers:
        raise Conflict("证书服务未启用，暂不能发放培训合格证书", code="certificates_unavailable")
    return list(issuers[0](actor=actor, klass=klass))

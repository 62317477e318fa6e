"""Reads of invalidation findings (CRT-7), scoped like their certificates: the officials holding
certificate.invalidate or certificate.view in the certificate's jurisdiction, and the issuing institution
(which must state the facts). Out of scope is 404. `invalidation_allowed_actions` gives the verbs open to
one actor now; the decision's precondition (the statement recorded, or its deadline passed) is the same
check the service runs (rules.invalidations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.checks import Check
from peiyu.core.lookups import one_or_404

from ..flows import INVALIDATION_FLOW
from ..models import Invalidation
from ..rules.invalidations import check_statement_before_decision
from .certificates import INVALIDATE, ISSUE, certificate_q, official_q

V = Invalidation.Status
OPEN = (V.OPENED, V.STATED)


def invalidations_visible_to(actor: Any) -> QuerySet[Invalidation]:
    q = certificate_q(actor, "certificate__") | official_q(actor, INVALIDATE, "certificate__")
    return Invalidation.objects.filter(q).select_related("certificate", "opened_by", "decision")


def invalidation_get_for(actor: Any, pk: Any) -> Invalidation:
    return one_or_404(invalidations_visible_to(actor).select_related("stated_by", "decided_by"), pk=pk)


def invalidations_filtered(actor: Any, *, status: str = "") -> QuerySet[Invalidation]:
    qs = invalidations_visible_to(actor)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in V.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def decision_check(inv: Invalidation, today: dt.date | None = None) -> Check:
    """Whether a decision may be taken now (CRT-7: the institution stated the facts or let its deadline
    pass) — the same check invalidation_decide runs."""
    return check_statement_before_decision(
        stated=inv.status == V.STATED, statement_due=inv.statement_due, today=today or timezone.localdate()
    )


def _official(actor: Any, inv: Invalidation) -> bool:
    return Invalidation.objects.filter(official_q(actor, INVALIDATE, "certificate__"), pk=inv.pk).exists()


def invalidation_allowed_actions(actor: Any, inv: Invalidation) -> list[str]:
    """state: the issuing institution while the statement is awaited; decide: the official once the
    statement is in or overdue; dismiss: the official while the finding is open."""
    issuer = inv.certificate.institution_id in scope_for(actor, ISSUE).org_ids
    official = inv.status in OPEN and _official(actor, inv)

    def permits(action: Any) -> bool:
        if action.name == "state":
            return issuer
        if action.name == "decide":
            return official and decision_check(inv).ok
        return official

    return INVALIDATION_FLOW.allowed_actions(inv, permits)


def statements_due(actor: Any) -> QuerySet[Invalidation]:
    """Findings on the institution's certificates awaiting its statement."""
    own = scope_for(actor, ISSUE)
    if not own.org_ids:
        return Invalidation.objects.none()
    return (
        Invalidation.objects.filter(status=V.OPENED, certificate__institution_id__in=sorted(own.org_ids))
        .select_related("certificate")
        .order_by("statement_due", "pk")
    )


def decisions_due(actor: Any, today: dt.date | None = None) -> QuerySet[Invalidation]:
    """Findings of the official's jurisdiction ready for a decision: the statement arrived, or its
    deadline passed without one."""
    today = today or timezone.localdate()
    q = official_q(actor, INVALIDATE, "certificate__")
    ready = Q(status=V.STATED) | Q(status=V.OPENED, statement_due__lt=today)
    return (
        Invalidation.objects.filter(q & ready).select_related("certificate").order_by("statement_due", "pk")
    )

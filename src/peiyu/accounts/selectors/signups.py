"""Institutions' sign-ups: whether an institution may act (confirmed), the sign-ups a bureau has to
confirm (its region, pending first by deadline), one sign-up for the bureau or the institution itself."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peiyu.core.lookups import one_or_404
from peiyu.core.models import TransitionLog

from ..flows import CONFIRM_CAPABILITY, ORG_FLOW
from ..models import Org
from ..scoping import scope_for


def org_confirmed(org: Org | None) -> bool:
    """Whether the organisation's registration is confirmed (a self-signed-up institution waits for
    its bureau before it can apply or manage staff)."""
    return org is not None and org.status == Org.Status.CONFIRMED


def signups_to_confirm(actor) -> QuerySet[Org]:
    """Pending and returned sign-ups of institutions in the actor's jurisdiction (org.confirm)."""
    scope = scope_for(actor, CONFIRM_CAPABILITY)
    return (
        Org.objects.filter(scope.q(region="region_id"))
        .filter(kind=Org.Kind.INSTITUTION, status__in=[Org.Status.PENDING, Org.Status.RETURNED])
        .select_related("region")
        .order_by("status", "signup_due_on", "pk")
    )


def signups_visible_to(actor) -> QuerySet[Org]:
    """The institutions' registrations the actor may open: those of their jurisdiction (bureau) or their
    own institution's (its administrator), whatever their status (one registered by an administrator
    reads as confirmed)."""
    confirm = scope_for(actor, CONFIRM_CAPABILITY)
    own = scope_for(actor, "org.staff_manage")
    return (
        Org.objects.filter(kind=Org.Kind.INSTITUTION)
        .filter(confirm.q(region="region_id") | own.q(org="id"))
        .select_related("region")
    )


def signup_get_for(actor, org_id) -> Org:
    return one_or_404(signups_visible_to(actor), pk=org_id)


def signup_history(org: Org) -> QuerySet[TransitionLog]:
    return ORG_FLOW.history(org).select_related("actor")


def signup_return_reason(org: Org) -> str:
    """The bureau's reason for the latest return, while the sign-up is returned."""
    if org.status != Org.Status.RETURNED:
        return ""
    last = ORG_FLOW.history(org).filter(Q(to_status=Org.Status.RETURNED)).order_by("-at", "-id").first()
    return last.reason if last else ""


def own_signup(actor) -> Org | None:
    """The actor's own institution while its sign-up is not yet confirmed."""
    org = getattr(actor, "primary_org", None)
    if org is None or org.kind != Org.Kind.INSTITUTION or org.status == Org.Status.CONFIRMED:
        return None
    return org if org.pk in scope_for(actor, "org.staff_manage").org_ids else None

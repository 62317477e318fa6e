"""One catalog entry's page (DIR-1…6): its periods, volumes, renewal window, results report, renewals,
changes, termination and history, with the buttons its allowed actions offer; and the shared way its
POST actions answer (success → back to the page; a domain error → the page again, input kept)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peiyu.accounts.scoping import capabilities_of, scope_for
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, NotFound

from ..models import Attachment, ChangeRequest, Listing, Renewal
from ..selectors import listings as listing_selectors
from ..selectors import scope as selectors
from ..selectors.actions import (
    change_request_allowed_actions,
    listing_allowed_actions,
    renewal_allowed_actions,
)
from ..selectors.changes import BASIC_FIELDS
from ..services import renewals


def listing_for(request, pk) -> Listing:
    return selectors.listing_get_for(request.user, pk)


def renewal_for(listing: Listing, renewal_id) -> Renewal:
    renewal = Renewal.objects.filter(pk=renewal_id, listing=listing).select_related("listing").first()
    if renewal is None:
        raise NotFound(_("延续申请不存在"))
    return renewal


def change_for(listing: Listing, change_id) -> ChangeRequest:
    change = ChangeRequest.objects.filter(pk=change_id, listing=listing).select_related("listing").first()
    if change is None:
        raise NotFound(_("变更申请不存在"))
    return change


def detail_url(listing: Listing, anchor: str = "") -> str:
    return reverse("directory:listing_detail", args=[listing.pk]) + (f"#{anchor}" if anchor else "")


# --- detail --------------------------------------------------------------------------------------------


def _abilities(user, listing: Listing, overview: dict[str, Any]) -> dict[str, Any]:
    """What the page offers this user; the services check again (the page only hides buttons)."""
    caps = capabilities_of(user)
    org = getattr(user, "primary_org", None)
    org_kind = getattr(org, "kind", None)
    owner = org is not None and org.pk == listing.institution_id and "application.submit" in caps
    manage = scope_for(user, "listing.manage").covers_region(listing.region_id)
    consent_kind = overview["consenting_org_kind"]
    may_consent = (
        org is not None
        and org_kind == consent_kind
        and (listing.recommender_id == org.pk if listing.programme == "dte" else True)
    )
    allowed = listing_allowed_actions(user, listing)
    for r in overview["renewals"]:
        r.allowed_actions = renewal_allowed_actions(user, r)
    for c in overview["changes"]:
        c.allowed_actions = change_request_allowed_actions(user, c)
    return {
        "owner": owner,
        "manage": manage,
        "renew": owner and listing.status in (Listing.Status.ACTIVE, Listing.Status.EXPIRED),
        "declare": owner,
        "change": owner and listing.status in (Listing.Status.ACTIVE, Listing.Status.SUSPENDED),
        "terminate": "terminate" in allowed,
        "consent": may_consent,
        "decide": manage and org_kind in overview["decider_kinds"],
        "review_change_kind": org_kind,
        "suspend": "suspend" in allowed,
        "reinstate": "reinstate" in allowed,
        "remove": "remove" in allowed,
        "allowed_actions": allowed,
    }


def render_detail(
    request, listing: Listing, *, failed: str = "", error: DomainError | None = None, status=200
):
    overview = listing_selectors.listing_overview(listing)
    levels = []
    try:
        levels = list(listing_selectors.listing_policy(listing).get("levels") or [])
    except DomainError:  # a profile without levels: the scope form is not offered
        levels = []
    values = {failed: request.POST.dict()} if failed and request.method == "POST" else {}
    if failed == "change" and request.method == "POST":
        values["change"]["levels"] = request.POST.getlist("levels")
    context = {
        "listing": listing,
        "o": overview,
        "can": _abilities(request.user, listing, overview),
        "failed": failed,
        "errors": {failed: error.fields} if error else {},
        "error_message": error.message if error else "",
        "values": values,
        "basic_fields": BASIC_FIELDS,
        "levels": levels,
        "renewal_purposes": [(p, Attachment.Purpose(p).label) for p in renewals.RENEWAL_PURPOSES],
    }
    return render(request, "institutions/listing_detail.html", context, status=status)


@require_GET
def listing_detail(request, pk: int):
    return render_detail(request, listing_for(request, pk))


def act(request, listing: Listing, form: str, call, success: str, anchor: str = ""):
    """Run one service call; success → message and back to the page; a domain error → the page again
    with the message and the input kept; out of scope → 404."""
    try:
        call()
    except NotFound:
        raise  # out of scope: the 404 page (core.middleware)
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
        return render_detail(request, listing, failed=form, error=exc, status=exc.status)
    messages.success(request, success)
    return HttpResponseRedirect(detail_url(listing, anchor))

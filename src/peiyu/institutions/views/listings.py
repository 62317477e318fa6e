"""Pages of catalog entries (DIR-1…6, journey 6): the scoped list, the volume declaration, termination
and the officials' status actions, and every URL of the entry's pages (the entry's page itself is
views.listing_detail, renewals views.renewals, changes views.changes). Thin: each action parses, calls
one service and redirects; a domain error re-renders the page with the message in Chinese and the input
kept (DESIGN conventions §10)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..models import Kind, Listing
from ..selectors import scope as selectors
from ..services import listings as services
from ..services import terminations
from .changes import listing_change_review, listing_change_submit
from .listing_detail import act, listing_detail, listing_for
from .renewals import (
    listing_renewal_attach,
    listing_renewal_attachment,
    listing_renewal_consent,
    listing_renewal_decide,
    listing_renewal_start,
    listing_renewal_submit,
)

LIST_LIMIT = 200
EXPIRING_MAX_DAYS = 3660


# --- list ----------------------------------------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@require_GET
def listing_list(request):
    """The actor's entries (scoped, DESIGN §5), filtered by status, kind, programme, occupation
    (code or name) and "expiring within N days"."""
    qs = selectors.listings_visible_to(request.user)
    f = {
        "status": request.GET.get("status", ""),
        "kind": request.GET.get("kind", ""),
        "programme": request.GET.get("programme", ""),
        "occupation": request.GET.get("occupation", "").strip()[:50],
        "expiring": request.GET.get("expiring", "").strip(),
    }
    errors: list[str] = []
    if f["status"] in Listing.Status.values:
        qs = qs.filter(status=f["status"])
    if f["kind"] in Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["programme"] in ("dte", "skill"):
        qs = qs.filter(programme=f["programme"])
    if f["occupation"]:
        qs = qs.filter(
            Q(occupation_code__startswith=f["occupation"]) | Q(occupation_name__contains=f["occupation"])
        )
    today = timezone.localdate()
    if f["expiring"]:
        days = _int_or_none(f["expiring"])
        if days is None or not 0 <= days <= EXPIRING_MAX_DAYS:
            errors.append(_("“到期天数”须为 0–%(max)d 的整数") % {"max": EXPIRING_MAX_DAYS})
        else:
            qs = qs.filter(
                status__in=[Listing.Status.ACTIVE, Listing.Status.SUSPENDED],
                valid_until__gte=today,
                valid_until__lte=today + dt.timedelta(days=days),
            )
    rows = list(qs.order_by("valid_until", "id")[: LIST_LIMIT + 1])
    for row in rows:
        row.days_left = (row.valid_until - today).days
        row.valid_today = row.is_valid_on(today)
    return render(
        request,
        "institutions/listing_list.html",
        {
            "listings": rows[:LIST_LIMIT],
            "more": len(rows) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "f": f,
            "errors": errors,
            "statuses": Listing.Status.choices,
            "kinds": Kind.choices,
            "today": today,
        },
        status=400 if errors else 200,
    )


# --- actions -------------------------------------------------------------------------------------------


@require_POST
def listing_volume_declare(request, pk: int):
    listing = listing_for(request, pk)
    return act(
        request,
        listing,
        "volume",
        lambda: services.listing_volume_declare(
            actor=request.user,
            listing=listing,
            year=request.POST.get("year", ""),
            persons=request.POST.get("persons", ""),
        ),
        _("已填报年度培训（评价）人次"),
        "volumes",
    )


@require_POST
def listing_terminate(request, pk: int):
    listing = listing_for(request, pk)
    return act(
        request,
        listing,
        "terminate",
        lambda: terminations.listing_terminate(
            actor=request.user,
            listing=listing,
            reason=request.POST.get("reason", ""),
            handling_plan=request.POST.get("handling_plan", ""),
        ),
        _("目录条目已注销；未办结事项仍在本页列出"),
        "termination",
    )


_STATUS_DONE = {
    "suspend": gettext_lazy("目录条目已暂停"),
    "reinstate": gettext_lazy("目录条目已恢复"),
    "remove": gettext_lazy("目录条目已退出目录"),
}


@require_POST
def listing_status(request, pk: int):
    """Suspend, reinstate or remove (officials with listing.manage; a reason is required)."""
    listing = listing_for(request, pk)
    action = request.POST.get("action", "")
    return act(
        request,
        listing,
        "status",
        lambda: services.listing_status_change(
            actor=request.user, listing=listing, action=action, reason=request.POST.get("reason", "")
        ),
        str(_STATUS_DONE.get(action, "")),
        "status",
    )


urlpatterns = [
    path("listings/", listing_list, name="listing_list"),
    path("listings/<int:pk>/", listing_detail, name="listing_detail"),
    path("listings/<int:pk>/volumes", listing_volume_declare, name="listing_volume_declare"),
    path("listings/<int:pk>/renewals", listing_renewal_start, name="listing_renewal_start"),
    path(
        "listings/<int:pk>/renewals/<int:renewal_id>/attachments",
        listing_renewal_attach,
        name="listing_renewal_attach",
    ),
    path(
        "listings/<int:pk>/renewals/<int:renewal_id>/attachments/<int:attachment_id>",
        listing_renewal_attachment,
        name="listing_renewal_attachment",
    ),
    path(
        "listings/<int:pk>/renewals/<int:renewal_id>/submit",
        listing_renewal_submit,
        name="listing_renewal_submit",
    ),
    path(
        "listings/<int:pk>/renewals/<int:renewal_id>/consent",
        listing_renewal_consent,
        name="listing_renewal_consent",
    ),
    path(
        "listings/<int:pk>/renewals/<int:renewal_id>/decide",
        listing_renewal_decide,
        name="listing_renewal_decide",
    ),
    path("listings/<int:pk>/changes", listing_change_submit, name="listing_change_submit"),
    path(
        "listings/<int:pk>/changes/<int:change_id>/review",
        listing_change_review,
        name="listing_change_review",
    ),
    path("listings/<int:pk>/terminate", listing_terminate, name="listing_terminate"),
    path("listings/<int:pk>/status", listing_status, name="listing_status"),
]

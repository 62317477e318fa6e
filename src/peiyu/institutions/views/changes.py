"""Change pages of a catalog entry (DIR-5): submit a change, review it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import ChangeRequest
from ..selectors.changes import BASIC_FIELDS
from ..services import changes
from .listing_detail import act, change_for, listing_for, render_detail


@require_POST
def listing_change_submit(request, pk: int):
    listing = listing_for(request, pk)
    type_ = request.POST.get("type", "")
    if type_ == ChangeRequest.Type.SCOPE:
        after: dict[str, Any] = {"levels": request.POST.getlist("levels")}
    else:
        after = {k: request.POST[k] for k in BASIC_FIELDS if request.POST.get(k, "").strip()}
    return act(
        request,
        listing,
        "change",
        lambda: changes.change_submit(
            actor=request.user,
            listing=listing,
            type=type_,
            after=after,
            reason=request.POST.get("reason", ""),
        ),
        _("变更申请已提交"),
        "changes",
    )


@require_POST
def listing_change_review(request, pk: int, change_id: int):
    listing = listing_for(request, pk)
    change = change_for(listing, change_id)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, _("请选择同意或不同意"))
        return render_detail(request, listing, failed="review", status=400)
    return act(
        request,
        listing,
        "review",
        lambda: changes.change_review(
            actor=request.user,
            change=change,
            approve=decision == "approve",
            comment=request.POST.get("comment", ""),
        ),
        _("变更申请已办理"),
        "changes",
    )

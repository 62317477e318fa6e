"""Pages of catalog entries (DIR-1…6, journey 6): the scoped list, one entry with its periods, volumes,
renewal window, results report, renewals, changes, termination and history, and the POST actions.
Thin: each action parses, calls one service and redirects; a domain error re-renders the page with
the message in Chinese and the input kept (DESIGN conventions §10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from peiyu.accounts.scoping import capabilities_of, scope_for
from peiyu.core.errors import DomainError, NotFound

from ..models import Attachment, ChangeRequest, Kind, Listing, Renewal
from ..selectors import listings as listing_selectors
from ..selectors import scope as selectors
from ..selectors.actions import (
    change_request_allowed_actions,
    listing_allowed_actions,
    renewal_allowed_actions,
)
from ..services import changes, renewals, terminations
from ..services import listings as services

LIST_LIMIT = 200
EXPIRING_MAX_DAYS = 3660


def _listing(request, pk) -> Listing:
    return selectors.listing_get_for(request.user, pk)


def _renewal(listing: Listing, renewal_id) -> Renewal:
    renewal = Renewal.objects.filter(pk=renewal_id, listing=listing).select_related("listing").first()
    if renewal is None:
        raise NotFound(_("延续申请不存在"))
    return renewal


def _change(listing: Listing, change_id) -> ChangeRequest:
    change = ChangeRequest.objects.filter(pk=change_id, listing=listing).select_related("listing").first()
    if change is None:
        raise NotFound(_("变更申请不存在"))
    return change


def _detail_url(listing: Listing, anchor: str = "") -> str:
    return reverse("directory:listing_detail", args=[listing.pk]) + (f"#{anchor}" if anchor else "")


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


# --- detail --------------------------------------------------------------------------------------------


def _abilities(user, listing: Listing, overview: dict[str, Any]) -> dict[str, Any]:
    """What the page offers this user; the services check again (the page only hides buttons)."""
    caps = capabilities_of(user)
    org = getattr(user, "primary_org", None)
    org_kind = getattr(org, "kind", None)
    owner = org is not None and org.pk == listing.institution_id and "application.submit" in caps
    manage = scope_for(user, "listing.manage").covers_region(listing.region_id)
    consent_kind = overview["consenting_org_kind"]
    may_consent = org_kind == consent_kind and (
        listing.recommender_id == org.pk if listing.programme == "dte" else True
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


def _render_detail(
    request, listing: Listing, *, failed: str = "", error: DomainError | None = None, status=200
):
    overview = listing_selectors.listing_overview(listing)
    levels = []
    try:
        levels = list(services.listing_policy(listing).get("levels") or [])
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
        "basic_fields": changes.BASIC_FIELDS,
        "levels": levels,
        "renewal_purposes": [(p, Attachment.Purpose(p).label) for p in renewals.RENEWAL_PURPOSES],
    }
    return render(request, "institutions/listing_detail.html", context, status=status)


@require_GET
def listing_detail(request, pk: int):
    return _render_detail(request, _listing(request, pk))


def _act(request, listing: Listing, form: str, call, success: str, anchor: str = ""):
    """Run one service call; success → message and back to the page; a domain error → the page again
    with the message and the input kept; out of scope → 404."""
    try:
        call()
    except NotFound:
        raise  # out of scope: the 404 page (core.middleware)
    except DomainError as exc:
        detail = "；".join(m for ms in exc.fields.values() for m in ms)
        messages.error(request, exc.message + (f"：{detail}" if detail and detail != exc.message else ""))
        return _render_detail(request, listing, failed=form, error=exc, status=exc.status)
    messages.success(request, success)
    return HttpResponseRedirect(_detail_url(listing, anchor))


# --- actions -------------------------------------------------------------------------------------------


@require_POST
def listing_volume_declare(request, pk: int):
    listing = _listing(request, pk)
    return _act(
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
def listing_renewal_start(request, pk: int):
    listing = _listing(request, pk)
    return _act(
        request,
        listing,
        "renewal",
        lambda: renewals.renewal_start(actor=request.user, listing=listing),
        _("延续申请已创建，工作成效报告已按平台数据预填"),
        "renewal",
    )


@require_POST
def listing_renewal_attach(request, pk: int, renewal_id: int):
    listing = _listing(request, pk)
    renewal = _renewal(listing, renewal_id)
    return _act(
        request,
        listing,
        "attach",
        lambda: renewals.renewal_attach(
            actor=request.user,
            renewal=renewal,
            purpose=request.POST.get("purpose", ""),
            uploaded=request.FILES.get("file"),
        ),
        _("材料已上传"),
        "renewal",
    )


@require_POST
def listing_renewal_submit(request, pk: int, renewal_id: int):
    listing = _listing(request, pk)
    renewal = _renewal(listing, renewal_id)
    return _act(
        request,
        listing,
        "submit",
        lambda: renewals.renewal_submit(
            actor=request.user, renewal=renewal, summary=request.POST.get("summary", "")
        ),
        _("延续申请已提交"),
        "renewal",
    )


@require_POST
def listing_renewal_consent(request, pk: int, renewal_id: int):
    listing = _listing(request, pk)
    renewal = _renewal(listing, renewal_id)
    return _act(
        request,
        listing,
        "consent",
        lambda: renewals.renewal_consent(actor=request.user, renewal=renewal),
        _("已出具同意意见"),
        "renewal",
    )


@require_POST
def listing_renewal_decide(request, pk: int, renewal_id: int):
    listing = _listing(request, pk)
    renewal = _renewal(listing, renewal_id)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, _("请选择同意延续或不予延续"))
        return _render_detail(request, listing, failed="decide", status=400)
    approve = decision == "approve"
    return _act(
        request,
        listing,
        "decide",
        lambda: renewals.renewal_decide(
            actor=request.user, renewal=renewal, approve=approve, comment=request.POST.get("comment", "")
        ),
        _("已同意延续") if approve else _("已决定不予延续"),
        "renewals",
    )


@require_POST
def listing_change_submit(request, pk: int):
    listing = _listing(request, pk)
    type_ = request.POST.get("type", "")
    if type_ == ChangeRequest.Type.SCOPE:
        after: dict[str, Any] = {"levels": request.POST.getlist("levels")}
    else:
        after = {k: request.POST[k] for k in changes.BASIC_FIELDS if request.POST.get(k, "").strip()}
    return _act(
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
    listing = _listing(request, pk)
    change = _change(listing, change_id)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, _("请选择同意或不同意"))
        return _render_detail(request, listing, failed="review", status=400)
    return _act(
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


@require_POST
def listing_terminate(request, pk: int):
    listing = _listing(request, pk)
    return _act(
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
    listing = _listing(request, pk)
    action = request.POST.get("action", "")
    return _act(
        request,
        listing,
        "status",
        lambda: services.listing_status_change(
            actor=request.user, listing=listing, action=action, reason=request.POST.get("reason", "")
        ),
        _STATUS_DONE.get(action, ""),
        "status",
    )


@require_GET
def listing_renewal_attachment(request, pk: int, renewal_id: int, attachment_id: int):
    listing = _listing(request, pk)
    renewal = _renewal(listing, renewal_id)
    att = Attachment.objects.filter(pk=attachment_id, renewal=renewal, removed_at__isnull=True).first()
    if att is None:
        raise NotFound(_("材料不存在"))
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.original_name, content_type=att.content_type
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

"""Renewal pages of a catalog entry (DIR-2, DIR-4): start, attach, submit, consent, decide, and the
renewal's attachments."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peiyu.core.errors import NotFound

from ..models import Attachment
from ..services import renewals
from .listing_detail import act, listing_for, render_detail, renewal_for


@require_POST
def listing_renewal_start(request, pk: int):
    listing = listing_for(request, pk)
    return act(
        request,
        listing,
        "renewal",
        lambda: renewals.renewal_start(actor=request.user, listing=listing),
        _("延续申请已创建，工作成效报告已按平台数据预填"),
        "renewal",
    )


@require_POST
def listing_renewal_attach(request, pk: int, renewal_id: int):
    listing = listing_for(request, pk)
    renewal = renewal_for(listing, renewal_id)
    return act(
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
    listing = listing_for(request, pk)
    renewal = renewal_for(listing, renewal_id)
    return act(
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
    listing = listing_for(request, pk)
    renewal = renewal_for(listing, renewal_id)
    return act(
        request,
        listing,
        "consent",
        lambda: renewals.renewal_consent(actor=request.user, renewal=renewal),
        _("已出具同意意见"),
        "renewal",
    )


@require_POST
def listing_renewal_decide(request, pk: int, renewal_id: int):
    listing = listing_for(request, pk)
    renewal = renewal_for(listing, renewal_id)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, _("请选择同意延续或不予延续"))
        return render_detail(request, listing, failed="decide", status=400)
    approve = decision == "approve"
    return act(
        request,
        listing,
        "decide",
        lambda: renewals.renewal_decide(
            actor=request.user, renewal=renewal, approve=approve, comment=request.POST.get("comment", "")
        ),
        _("已同意延续") if approve else _("已决定不予延续"),
        "renewals",
    )


@require_GET
def listing_renewal_attachment(request, pk: int, renewal_id: int, attachment_id: int):
    listing = listing_for(request, pk)
    renewal = renewal_for(listing, renewal_id)
    att = Attachment.objects.filter(pk=attachment_id, renewal=renewal, removed_at__isnull=True).first()
    if att is None:
        raise NotFound(_("材料不存在"))
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.original_name, content_type=att.content_type
    )

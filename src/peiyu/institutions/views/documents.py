"""Downloads of the directory's documents: the filled form (PDF, xlsx), the city's recommendation
letter, the Chengdu filing receipt and the public notice. Each view only finds the record through a
scoped selector (out of scope → 404 by the error middleware, DESIGN §5) and hands it to its module
in `institutions.documents`; personal data is printed masked, or in full for a reader whose role may
see it (DESIGN §7, audited: selectors.personal). Only the notice is public."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from peiyu.core.documents.pdf import PDF_CONTENT_TYPE
from peiyu.core.documents.xlsx import XLSX_CONTENT_TYPE
from peiyu.core.http import attachment

from ..documents import forms, letters, notices, receipts, values
from ..models import Listing, ReviewAction
from ..selectors import personal
from ..selectors import scope as selectors


def _application(request, pk):
    return selectors.application_get_for(request.user, pk)


def _form_name(application, ext: str) -> str:
    spec = values.form_spec_for(application)
    return f"{spec.title}-{application.institution.name}-{application.occupation_name}-{application.number}.{ext}"


@require_GET
def application_pdf_view(request, pk: int):
    application = _application(request, pk)
    return attachment(
        forms.application_pdf(
            application,
            full=personal.application_personal_full(request.user, application, what="application_pdf"),
        ),
        _form_name(application, "pdf"),
        PDF_CONTENT_TYPE,
        f"application-{application.number}.pdf",
    )


@require_GET
def application_xlsx_view(request, pk: int):
    application = _application(request, pk)
    return attachment(
        forms.application_xlsx(
            application,
            full=personal.application_personal_full(request.user, application, what="application_xlsx"),
        ),
        _form_name(application, "xlsx"),
        XLSX_CONTENT_TYPE,
        f"application-{application.number}.xlsx",
    )


@require_GET
def recommendation_letter_view(request, call_code: str):
    """The letter of the user's own organisation for the applications of the call it recommended."""
    org = request.user.primary_org
    if org is None:
        raise Http404("没有可出具推荐函的申报")
    applications = list(
        selectors.applications_visible_to(request.user)
        .filter(
            call__code=call_code,
            actions__outcome=ReviewAction.Outcome.RECOMMEND,
            actions__org=org,
        )
        .distinct()
        .order_by("kind", "occupation_code", "number")
    )
    if not applications:
        raise Http404("没有可出具推荐函的申报")
    call = applications[0].call
    content = letters.recommendation_letter_pdf(
        call=call,
        recommender_org=org,
        applications=applications,
        signer_name=request.user.full_name or request.user.get_username(),
        date=timezone.localdate(),
    )
    return attachment(
        content,
        f"推荐函-{org.name}-{call.code}.pdf",
        PDF_CONTENT_TYPE,
        f"recommendation-{call.code}.pdf",
    )


@require_GET
def filing_receipt_view(request, pk: int):
    application = _application(request, pk)
    listing = Listing.objects.filter(application=application).order_by("-period", "-pk").first()
    if listing is None or not listing.filing_code:
        raise Http404("该申报尚未备案")
    content = receipts.filing_receipt_pdf(application, listing, base_url=request.build_absolute_uri("/"))
    return attachment(
        content,
        f"备案回执-{application.institution.name}-{listing.filing_code}.pdf",
        PDF_CONTENT_TYPE,
        f"filing-receipt-{listing.filing_code}.pdf",
    )


@login_not_required
@require_GET
def notice_pdf_view(request, number: str):
    notice = selectors.notice_get_public(number)
    return attachment(
        notices.notice_pdf(notice),
        f"公示-{notice.title}-{notice.number}.pdf",
        PDF_CONTENT_TYPE,
        f"notice-{notice.number}.pdf",
    )


urlpatterns = [
    path("applications/<int:pk>/form.pdf", application_pdf_view, name="doc_application_pdf"),
    path("applications/<int:pk>/form.xlsx", application_xlsx_view, name="doc_application_xlsx"),
    path(
        "calls/<slug:call_code>/recommendation-letter.pdf",
        recommendation_letter_view,
        name="doc_recommendation_letter",
    ),
    path("applications/<int:pk>/filing-receipt.pdf", filing_receipt_view, name="doc_filing_receipt"),
    path("notices/<str:number>/notice.pdf", notice_pdf_view, name="doc_notice_pdf"),
]

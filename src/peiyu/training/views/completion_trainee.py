"""The trainee's own training page (classes, hours, certificates with PDF and QR, evaluations to give),
the certificates of institutions and officials (a searchable list, each certificate's page with its
PDF, its public verification link and revocation with a reason), and the public certificate
verification (by QR token or by number), which shows the holder's name partly masked and never the
ID number. Included by `views.completion`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peiyu.core.documents.qr import qr_svg
from peiyu.core.errors import DomainError, NotFound
from peiyu.core.http import attachment

from ..models import Enrolment, TrainingCertificate
from ..selectors import completion as sel
from ..selectors.actions import certificate_allowed_actions
from ..selectors.scope import holders_shown
from ..services import certificate_pdf
from ..services import completion as svc
from ..services import evaluations as eval_svc

PAGE_SIZE = 30


def verify_url(request, cert) -> str:
    return request.build_absolute_uri(reverse("training_certificate_verify", args=[cert.verify_token]))


def _my_page(request, *, errors=None, values=None, error=None, status=200):
    trainee = sel.trainee_of(request.user)
    archive = sel.trainee_archive(request.user, trainee.pk) if trainee else None
    if archive:
        for row in archive["enrolments"]:
            c = row["certificate"]
            if c:
                c["verify_url"] = verify_url(request, sel.certificate_get_for(request.user, c["id"]))
                c["qr"] = qr_svg(c["verify_url"], title=_("证书核验"))
    pending = {e.pk for e in sel.evaluations_to_give(request.user)} if trainee else set()
    return render(
        request,
        "training/completion_my_training.html",
        {
            "trainee": trainee,
            "a": archive,
            "pending": pending,
            "errors": errors or {},
            "values": values or {},
            "error": error,
            "scores": [
                ("content", _("培训内容")),
                ("teaching", _("师资授课")),
                ("organisation", _("组织管理")),
                ("overall", _("总体满意度")),
            ],
        },
        status=status,
    )


@require_GET
def my_training(request):
    return _my_page(request)


@require_POST
def evaluation_submit(request, pk: int):
    enrolment = Enrolment.objects.select_related("trainee", "klass").filter(pk=pk).first()
    if enrolment is None:
        raise NotFound()
    try:
        eval_svc.evaluation_submit(actor=request.user, enrolment=enrolment, data=request.POST.dict())
    except NotFound:
        raise
    except DomainError as exc:
        values = {"enrolment": pk, **request.POST.dict()}
        return _my_page(request, errors={pk: exc.fields}, values=values, error=exc, status=exc.status)
    messages.success(request, _("感谢您的评价"))
    return HttpResponseRedirect(reverse("training:my_training"))


@require_GET
def certificate_pdf_view(request, pk: int):
    cert = sel.certificate_get_for(request.user, pk)
    content = certificate_pdf.certificate_pdf(cert, verify_url=verify_url(request, cert))
    return attachment(
        content,
        f"培训合格证书-{cert.number}.pdf",
        certificate_pdf.PDF_CONTENT_TYPE,
        f"certificate-{cert.number}.pdf",
    )


@require_GET
def certificate_list(request):
    q, status = request.GET.get("q", "").strip()[:40], request.GET.get("status", "")
    page = Paginator(sel.certificates_filtered(request.user, q=q, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = certs = list(page.object_list)
    for c, holder in zip(certs, holders_shown(request.user, certs, what="certificate_list"), strict=True):
        c.holder_shown = holder
    return render(
        request,
        "training/completion_certificates.html",
        {"page": page, "q": q, "status": status, "statuses": TrainingCertificate.Status.choices},
    )


def _certificate_page(request, cert, *, error=None, reason=""):
    url = verify_url(request, cert)
    cert.holder_shown = holders_shown(request.user, [cert], what="certificate")[0]
    return render(
        request,
        "training/completion_certificate.html",
        {
            "c": cert,
            "klass": cert.enrolment.klass,
            "verify_url": url,
            "qr": mark_safe(qr_svg(url, title=_("证书核验"))),  # noqa: S308 - segno's own SVG of our URL
            "allowed_actions": (allowed := certificate_allowed_actions(request.user, cert)),
            "can_revoke": "revoke" in allowed,
            "error": error,
            "errors": error.fields if error else {},
            "reason": reason,
        },
        status=error.status if error else 200,
    )


@require_GET
def certificate_detail(request, pk: int):
    return _certificate_page(request, sel.certificate_get_for(request.user, pk))


@require_POST
def certificate_revoke(request, pk: int):
    cert = sel.certificate_get_for(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        svc.certificate_revoke(actor=request.user, certificate=cert, reason=reason)
    except NotFound:
        raise
    except DomainError as exc:
        return _certificate_page(request, cert, error=exc, reason=reason)
    messages.success(request, _("证书已撤销"))
    return HttpResponseRedirect(reverse("training:certificate_detail", args=[cert.pk]))


# --- public verification -----------------------------------------------------------------------------------


def _not_found(request, number: str = ""):
    return render(request, "training/completion_verify.html", {"found": False, "number": number}, status=404)


@login_not_required
@require_GET
def certificate_verify(request, token: str):
    try:
        cert = sel.certificate_public(token=token)
    except NotFound:
        return _not_found(request)
    return render(
        request, "training/completion_verify.html", {"found": True, "c": sel.certificate_public_view(cert)}
    )


@login_not_required
@require_GET
def certificate_lookup(request):
    number = request.GET.get("number", "").strip()[:40]
    if not number:
        return render(request, "training/completion_verify.html", {"form_only": True})
    try:
        cert = sel.certificate_public(number=number)
    except NotFound:
        return _not_found(request, number)
    return render(
        request,
        "training/completion_verify.html",
        {"found": True, "c": sel.certificate_public_view(cert), "number": number},
    )


urlpatterns = [
    path("my/", my_training, name="my_training"),
    path("my/enrolments/<int:pk>/evaluation/", evaluation_submit, name="evaluation_submit"),
    path("certificates/", certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/certificate.pdf", certificate_pdf_view, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", certificate_revoke, name="certificate_revoke"),
]
public_urlpatterns = [
    path("verify/training/", certificate_lookup, name="training_certificate_lookup"),
    path("verify/training/<str:token>/", certificate_verify, name="training_certificate_verify"),
]

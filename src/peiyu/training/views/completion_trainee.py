"""The trainee's own training page (classes, hours, certificates with PDF and QR, evaluations to give).
Certificates themselves — their pages, PDF, public verification (`/verify/training/…`, kept for the
QR codes already printed) and invalidation — belong to the certificates app (ADR 0007 §4); training
shows them as `selectors.completion.enrolment_certificates` gives them. Included by `views.completion`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peiyu.core.documents.qr import qr_svg
from peiyu.core.errors import DomainError, NotFound

from ..models import Enrolment
from ..selectors import completion as sel
from ..services import evaluations as eval_svc


def _my_page(request, *, errors=None, values=None, error=None, status=200):
    trainee = sel.trainee_of(request.user)
    archive = sel.trainee_archive(request.user, trainee.pk) if trainee else None
    if archive:
        for row in archive["enrolments"]:
            c = row["certificate"]
            if c:
                c["verify_url"] = request.build_absolute_uri(c["verify_url"])
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


urlpatterns = [
    path("my/", my_training, name="my_training"),
    path("my/enrolments/<int:pk>/evaluation/", evaluation_submit, name="evaluation_submit"),
]
public_urlpatterns: list = []  # certificate verification moved to the certificates app (ADR 0007 §4)

"""The person's own ID photo (证件照): the page that shows it and takes a new one, and the image itself —
only ever the signed-in person's own (services.photos). Included by `views.trainees`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from peiyu.accounts.scoping import capabilities_of
from peiyu.core.errors import DomainError, PermissionDenied
from peiyu.core.http import private_inline

from ..selectors.completion import trainee_of
from ..selectors.trainees import own_photo, person_photo
from ..services import photos as svc


def _person(request):
    if svc.PERSON_SELF not in capabilities_of(request.user):
        raise PermissionDenied(_("请使用学员（考生）账号"))
    return trainee_of(request.user)


@require_http_methods(["GET", "POST"])
def my_photo(request):
    trainee = _person(request)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            svc.person_photo_set(actor=request.user, upload=request.FILES.get("photo"))
        except DomainError as exc:
            errors = exc.fields or {"photo": [exc.message]}
            status = 400
        else:
            messages.success(request, _("证件照已保存，今后下载的证书和准考证将使用这张照片"))
            return HttpResponseRedirect(reverse("training:my_photo"))
    has_photo = trainee is not None and person_photo(trainee.pk) is not None
    return render(
        request,
        "training/photos_mine.html",
        {"trainee": trainee, "has_photo": has_photo, "errors": errors, "limits": svc},
        status=status,
    )


@require_GET
def my_photo_image(request):
    _person(request)
    return private_inline(own_photo(request.user), "image/jpeg")  # NotFound: 404


urlpatterns = [
    path("my/photo/", my_photo, name="my_photo"),
    path("my/photo.jpg", my_photo_image, name="my_photo_image"),
]

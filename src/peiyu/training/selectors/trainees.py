"""Scoped reads of trainees, class rosters and roster imports (DESIGN conventions §5): an institution sees
the people enrolled in its classes, officials those of classes in their region, a trainee user only
themself. Out of scope is 404."""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.scoping import holds_role
from peiyu.core.errors import NotFound
from peiyu.core.lookups import one_or_404

from ..models import Enrolment, PersonPhoto, RosterImport, Trainee, TrainingClass
from .classes import class_get_for, classes_visible_to
from .completion import trainee_of
from .scope import _training_scope, manages_class

TRAINEE_ROLE = "trainee"  # the 学员 role (accounts/roles.yaml) a self-registered trainee's account holds


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


# the roster of a class is read wherever the class is (one class scope for all of training)
roster_classes_visible_to = classes_visible_to
roster_class_get_for = class_get_for
may_manage_class = manages_class


def trainees_visible_to(actor) -> QuerySet[Trainee]:
    own, supervised = _training_scope(
        actor, org="enrolments__klass__plan__institution_id", region="enrolments__klass__region_id"
    )
    q = own | supervised
    if getattr(actor, "is_authenticated", False):
        q |= Q(user_id=actor.pk)
    return Trainee.objects.filter(q).distinct()


def trainee_get_for(actor, trainee_id) -> Trainee:
    return one_or_404(trainees_visible_to(actor), pk=trainee_id)


def class_roster(actor, klass_id) -> tuple[TrainingClass, QuerySet[Enrolment]]:
    """The class (scoped) and its enrolments with their trainees, by name."""
    klass = roster_class_get_for(actor, klass_id)
    enrolments = (
        Enrolment.objects.filter(klass=klass)
        .select_related("trainee")
        .order_by("status", "trainee__name", "pk")
    )
    return klass, enrolments


def enrolment_get_for(actor, enrolment_id) -> Enrolment:
    """An enrolment in a class the actor may read, or the actor's own."""
    qs = Enrolment.objects.select_related("klass__plan", "trainee")
    enrolment = qs.filter(pk=_int(enrolment_id)).first()
    if enrolment is None:
        raise NotFound()
    if enrolment.trainee.user_id is not None and enrolment.trainee.user_id == getattr(actor, "pk", None):
        return enrolment
    if not roster_classes_visible_to(actor).filter(pk=enrolment.klass_id).exists():
        raise NotFound()
    return enrolment


def roster_imports_of(actor, klass_id) -> QuerySet[RosterImport]:
    klass = roster_class_get_for(actor, klass_id)
    return RosterImport.objects.filter(klass=klass).defer("content", "error_report").order_by("-created_at")


def roster_import_get_for(actor, import_id) -> RosterImport:
    imp = (
        RosterImport.objects.select_related("klass__plan", "decision")
        .defer("content")
        .filter(pk=_int(import_id))
        .first()
    )
    if imp is None or not roster_classes_visible_to(actor).filter(pk=imp.klass_id).exists():
        raise NotFound()
    return imp


def enrolled_classes_of(actor) -> QuerySet[Enrolment]:
    """A trainee user's own enrolments."""
    user_id = getattr(actor, "pk", None)
    if (
        user_id is None
    ):  # anonymous: nobody's enrolments (a filter on None would match people without an account)
        return Enrolment.objects.none()
    return Enrolment.objects.filter(trainee__user_id=user_id).select_related("klass")


def is_trainee(user) -> bool:
    """Whether the signed-in user is a trainee: a Trainee linked to the account, or the 学员 role. The
    menu's trainee entries (我的报名, 我的培训) are for them only, never for an expert's or another
    account that merely holds `person.self`. Asked once per request (remembered on the user)."""
    if not getattr(user, "pk", None):
        return False
    known = getattr(user, "_peiyu_is_trainee", None)
    if known is None:
        known = holds_role(user, TRAINEE_ROLE) or Trainee.objects.filter(user_id=user.pk).exists()
        user._peiyu_is_trainee = known
    return known


def person_photo(trainee_id: int | None) -> bytes | None:
    """The person's ID photo (a JPEG, services.photos), None when they have none. For the person's own
    pages and for documents made about them (certificates, admission tickets): the caller has scoped the
    person."""
    if trainee_id is None:
        return None
    content = PersonPhoto.objects.filter(trainee_id=trainee_id).values_list("content", flat=True).first()
    return base64.b64decode(content) if content else None


def own_photo(user: Any) -> bytes:
    """The signed-in person's own ID photo; NotFound when they have none (or no person record)."""
    trainee = trainee_of(user)
    content = person_photo(trainee.pk) if trainee is not None else None
    if content is None:
        raise NotFound("尚未上传证件照", code="photo_not_found")
    return content

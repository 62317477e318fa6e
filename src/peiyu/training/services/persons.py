"""One person per ID number for the apps above training (evaluation's registrations, EVL-8): the
candidate of an exam is a `Trainee`, found by the keyed blind index of the ID number or created, the
same cleaning and the same name check as the training registration (services.trainees). The caller
has checked its own permission (an employer registering its workforce, a candidate herself)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.crypto import blind_index
from peiyu.core.errors import Conflict

from ..models import Trainee
from .plans import ID_PURPOSE
from .trainees import _clean_person, _create, _existing, _snapshot


def person_record(*, actor: Any, data: dict[str, Any], purpose: str) -> Trainee:
    """The person of `data` (name, ID number, phone …): the existing record of the ID number (a
    different name is an error in Chinese), or a new one, audited as `trainee.registered` with the
    `purpose` (e.g. "exam_registration"). Call inside the caller's transaction or outside."""
    person = _clean_person(data, timezone.localdate())
    index = blind_index(person["id_number"], ID_PURPOSE)
    found = _existing(index, person["name"])
    if found is not None:
        return found
    try:
        with transaction.atomic():
            trainee = _create(person, index)
            audit_record(
                actor, "trainee.registered", trainee, after=_snapshot(trainee) | {"purpose": purpose}
            )
    except IntegrityError:  # registered by someone else at the same moment
        found = _existing(index, person["name"])
        if found is None:
            raise
        return found
    return trainee


def person_for_user(*, user: Any, data: dict[str, Any] | None = None) -> Trainee:
    """The signed-in person's own record: the one linked to the account, or — given her name and ID
    number — the record of that number (linked to her account when it has none) or a new one. A
    number already linked to another account is refused."""
    own = Trainee.objects.filter(user_id=user.pk).first()
    if own is not None:
        return own
    person = _clean_person(data or {}, timezone.localdate())
    index = blind_index(person["id_number"], ID_PURPOSE)
    with transaction.atomic():
        trainee = Trainee.objects.select_for_update().filter(id_index=index).first()
        if trainee is not None:
            if trainee.user_id is not None:
                raise Conflict(
                    "该身份证号码已关联其他账号，请使用该账号登录",
                    code="trainee_has_account",
                    fields={"id_number": ["该身份证号码已关联其他账号"]},
                )
            _existing(index, person["name"])
        else:
            trainee = _create(person, index)
        trainee.user = user
        trainee.save(update_fields=["user", "updated_at"])
        audit_record(user, "trainee.linked", trainee, after=_snapshot(trainee) | {"user": user.pk})
    return trainee

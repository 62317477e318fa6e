"""Trainees and enrolments (TRN-8, TRN-13): one person per ID number (the number SM4-encrypted, found by
its keyed blind index), registered by an institution or by the person; enrolled in a class under a
row lock on the class so its capacity holds with several officials at once; each enrolment keeps the
TRN-8 eligibility decision made under the profile in force for the class's plan."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.accounts.scoping import scope_for
from peiyu.accounts.selectors.roles import role_in_force
from peiyu.accounts.services.access import require
from peiyu.accounts.services.users import account_open_for_self
from peiyu.audit.services import audit_record
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import clean_reason, clean_text, collect, mobile_phone, person_name
from peiyu.core.crypto import blind_index
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.identifiers import id_birth_date, id_sex, mask_id_number, mask_name, validate_id_number
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..flows import ENROLMENT_FLOW
from ..models import Enrolment, Trainee, TrainingClass
from ..rules import eligibility as el
from ..rules.roster_columns import TEXT_CAPS
from ..selectors.trainees import TRAINEE_ROLE
from .locking import class_locked
from .plans import ID_PURPOSE

ENROLLING_STATUSES = (
    TrainingClass.Status.ANNOUNCED,
    TrainingClass.Status.OPENING,
    TrainingClass.Status.RUNNING,
)
ACTIVE_ENROLMENT = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED, Enrolment.Status.FAILED)


def _clean_person(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Name, ID number (→ sex, birth date), phone and the optional texts, errors per field in Chinese:
    the name and phone cleaned as the roster import cleans them (peiyu.core.cleaning)."""
    errors: dict[str, list[str]] = {}
    name = collect(errors, "name", person_name, data.get("name")) or ""
    id_number = ""
    try:
        id_number = validate_id_number(str(data.get("id_number") or ""), today=today)
    except InvalidInput as exc:
        errors.update(exc.fields or {"id_number": [exc.message]})
    phone = collect(errors, "phone", mobile_phone, data.get("phone")) or ""
    out: dict[str, Any] = {"name": name, "id_number": id_number, "phone": phone}
    for key, cap in TEXT_CAPS.items():
        out[key] = collect(errors, key, clean_text, data.get(key), max_length=cap) or ""
    if errors:
        raise InvalidInput("学员信息有误", fields=errors)
    out["sex"] = id_sex(id_number)
    out["birth_date"] = id_birth_date(id_number)
    return out


def _existing(index: str, name: str) -> Trainee | None:
    found = Trainee.objects.filter(id_index=index).first()
    if found is not None and found.name != name:
        raise InvalidInput(
            "该身份证号码已登记为另一姓名",
            code="trainee_name_mismatch",
            fields={
                "name": [f"该身份证号码已登记的姓名为“{mask_name(found.name)}”，与填写的姓名不一致，请核对"]
            },
        )
    return found


def _create(person: dict[str, Any], index: str) -> Trainee:
    return Trainee.objects.create(id_index=index, **person)


def _snapshot(t: Trainee) -> dict[str, Any]:
    return {"name": t.name, "id_number": mask_id_number(t.id_number), "sex": t.sex, "category": t.category}


def trainee_register(*, actor, data: dict[str, Any]) -> Trainee:
    """An institution registers a person: one Trainee per ID number. A person already registered is
    returned as is (never duplicated, never silently renamed: a different name is an error)."""
    require(actor, "training.manage")
    person = _clean_person(data, timezone.localdate())
    index = blind_index(person["id_number"], ID_PURPOSE)
    found = _existing(index, person["name"])
    if found is not None:
        return found
    try:
        with transaction.atomic():
            trainee = _create(person, index)
            audit_record(actor, "trainee.registered", trainee, after=_snapshot(trainee))
    except IntegrityError:  # registered by someone else at the same moment
        found = _existing(index, person["name"])
        if found is None:
            raise
        return found
    return trainee


def _platform_org() -> Org:
    org = Org.objects.filter(kind=Org.Kind.PLATFORM, is_active=True).order_by("pk").first()
    if org is None:
        raise Conflict("平台尚未开放学员注册", code="no_platform_org")
    return org


def trainee_self_register(*, data: dict[str, Any]) -> tuple[User, Trainee]:
    """Public self-registration: an account (role 学员 at the platform) tied to the person's Trainee,
    linking a Trainee an institution already registered; a person who already has an account is refused."""
    errors: dict[str, list[str]] = {}
    username = str(data.get("username") or "").strip()
    password = str(data.get("password") or "")
    if not re.fullmatch(r"[A-Za-z0-9_.@+-]{4,150}", username):
        errors["username"] = ["用户名应为4至150位字母、数字或 _ . @ + -"]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["该用户名已被使用"]
    try:
        person = _clean_person(data, timezone.localdate())
    except InvalidInput as exc:
        errors.update(exc.fields)
        person = {}
    if not password:
        errors["password"] = ["请设置密码"]
    else:
        try:
            password_validation.validate_password(
                password, User(username=username, full_name=person.get("name", ""))
            )
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput("注册信息有误", fields=errors)
    index = blind_index(person["id_number"], ID_PURPOSE)
    platform = _platform_org()
    role = role_in_force(TRAINEE_ROLE)
    if role is None:
        raise Conflict("平台尚未开放学员注册", code="no_trainee_role")
    try:
        with transaction.atomic():
            trainee = Trainee.objects.select_for_update().filter(id_index=index).first()
            if trainee is not None:
                if trainee.user_id is not None:
                    raise Conflict(
                        "该身份证号码已注册账号，请直接登录或找回密码",
                        code="trainee_has_account",
                        fields={"id_number": ["该身份证号码已注册账号"]},
                    )
                _existing(index, person["name"])
            user = account_open_for_self(
                username=username, password=password, full_name=person["name"], org=platform, role=role
            )
            if trainee is None:
                trainee = _create(person, index)
            trainee.user = user
            if not trainee.phone and person["phone"]:
                trainee.phone = person["phone"]
            trainee.save(update_fields=["user", "phone", "updated_at"])
            audit_record(
                user, "trainee.self_registered", trainee, after=_snapshot(trainee) | {"user": user.pk}
            )
    except IntegrityError as exc:
        raise Conflict("注册信息与已有账号冲突，请重试", code="register_conflict") from exc
    return user, trainee


# --- enrolments ---------------------------------------------------------------------------------------


def eligibility_for(klass: TrainingClass, trainee: Trainee, *, retired: bool | None, on: dt.date):
    """(TRN-8 checks, policy) for the person under the profile of the class's plan."""
    plan = klass.plan
    policy = policy_for(plan.programme, plan.region_id, on=on)
    facts = el.PersonFacts(trainee.birth_date, trainee.sex, retired, trainee.category)
    checks = el.eligibility_checks(
        facts,
        on,
        min_age=policy.get("trainee_min_age"),
        retired_excluded=policy.get("trainee_retired_excluded"),
        profile=policy.name,
    )
    return checks, policy


def require_class_manage(actor, klass: TrainingClass) -> None:
    """The class's institution manages it (training.manage on that org); anyone else gets 404/403."""
    require(actor, "training.manage", org_id=klass.plan.institution_id)


def require_class_read(actor, klass: TrainingClass) -> None:
    """The class's institution, or the officials supervising its training region."""
    manage, supervise = scope_for(actor, "training.manage"), scope_for(actor, "training.supervise")
    if klass.plan.institution_id in manage.org_ids or supervise.covers_region(klass.region_id):
        return
    if not (manage.granted or supervise.granted):
        raise PermissionDenied("您没有执行此操作的权限", code="permission_denied")
    raise NotFound()


def _lock_class(klass: TrainingClass) -> TrainingClass:
    locked = class_locked(klass)
    if locked.status not in ENROLLING_STATUSES:
        raise Conflict(
            f"该班级当前状态为“{locked.get_status_display()}”，不能报名", code="class_not_enrolling"
        )
    return locked


def active_count(klass_id: int) -> int:
    return Enrolment.objects.filter(klass_id=klass_id, status__in=ACTIVE_ENROLMENT).count()


def _enrol(actor, klass: TrainingClass, trainee: Trainee, source: str, retired: bool | None) -> Enrolment:
    today = timezone.localdate()
    refused_decision = None
    with transaction.atomic():
        locked = _lock_class(klass)
        if Enrolment.objects.filter(klass=locked, trainee=trainee, status__in=ACTIVE_ENROLMENT).exists():
            raise Conflict("该学员已在本班", code="already_enrolled")
        if locked.capacity and active_count(locked.pk) >= locked.capacity:
            raise Conflict(f"本班招生人数已满（{locked.capacity}人）", code="class_full")
        checks, policy = eligibility_for(locked, trainee, retired=retired, on=today)
        refused = el.refusals(checks)
        if refused:
            refused_decision = Decision.record(
                "training.trainee",
                trainee.pk,
                kind="enrolment_eligibility",
                outcome="refused",
                checks=checks,
                policy=policy,
                rules=("TRN-8",),
            )
            audit_record(
                actor,
                "enrolment.refused",
                trainee,
                after={"class": locked.pk, "decision": refused_decision.pk},
                region_code=locked.region_id,
            )
        else:
            enrolment = Enrolment.objects.create(klass=locked, trainee=trainee, source=source)
            enrolment.decision = Decision.record(
                "training.enrolment",
                enrolment.pk,
                kind="enrolment_eligibility",
                outcome="eligible",
                checks=checks,
                policy=policy,
                rules=("TRN-8",),
            )
            enrolment.save(update_fields=["decision", "updated_at"])
            ENROLMENT_FLOW.created(
                enrolment, actor=actor, after={"class": locked.pk, "trainee": trainee.pk, "source": source}
            )
    if refused_decision is not None:
        refuse_failed(refused, code="not_eligible", details={"decision": refused_decision.pk})
    return enrolment


def enrolment_add(
    *, actor, klass: TrainingClass, trainee: Trainee, source: str = "institution", retired: bool | None = None
) -> Enrolment:
    """The institution (training.manage on the class's institution) enrols a registered person."""
    require_class_manage(actor, klass)
    if source not in Enrolment.Source.values:
        raise InvalidInput("报名来源无效", fields={"source": ["报名来源无效"]})
    return _enrol(actor, klass, trainee, source, retired)


def enrolment_self(*, actor, klass: TrainingClass, retired: bool | None = None) -> Enrolment:
    """A trainee user enrols in an announced class."""
    user_id = getattr(actor, "pk", None)
    trainee = Trainee.objects.filter(user_id=user_id).first() if user_id is not None else None
    if trainee is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先以学员身份注册并登录", code="not_a_trainee")
    if klass.status != TrainingClass.Status.ANNOUNCED:
        raise Conflict("该班级当前不接受本人报名", code="class_not_announced")
    return _enrol(actor, klass, trainee, Enrolment.Source.SELF, retired)


def enrolment_withdraw(*, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """退训: the institution, or the trainee for their own enrolment, with a reason."""
    reason = clean_reason(
        reason,
        label="退训原因",
        max_length=Enrolment._meta.get_field("withdrawn_reason").max_length,  # type: ignore[arg-type]  # set
    )
    klass = enrolment.klass
    own = enrolment.trainee.user_id is not None and enrolment.trainee.user_id == getattr(actor, "pk", None)
    if not own:
        require(actor, "training.manage", org_id=klass.plan.institution_id)
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update(of=("self",)).filter(pk=enrolment.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status != Enrolment.Status.ENROLLED:
            raise Conflict(f"该报名当前状态为“{locked.get_status_display()}”，不能退训", code="not_enrolled")
        ENROLMENT_FLOW.transition(
            locked,
            Enrolment.Status.WITHDRAWN,
            actor=actor,
            reason=reason,
            changes={"withdrawn_reason": reason},
            locked=True,
        )
    return locked

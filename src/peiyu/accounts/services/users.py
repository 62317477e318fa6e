"""User accounts administered by the security administrator within their jurisdiction: create (with a
first role), disable and re-enable, reset a password (changed at the next sign-in), unlock; and a
person's own account from a public self-registration. Every write is audited; a user outside the
actor's jurisdiction looks missing (404)."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_reason, clean_text, collect, mobile_phone, person_name
from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied

from ..models import Org, Role, RoleAssignment, User
from ..scoping import forget
from .access import require
from .roles import grant, role_checked

MANAGE = "user.manage"


def password_problems(password: str, user: User) -> list[str]:
    """The password validators' messages (MLPS level 3: length and character classes), in Chinese."""
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def temporary_password() -> str:
    """A one-time password that passes the validators: upper, lower, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return secrets.choice(string.ascii_uppercase) + body + secrets.choice("#@%+") + str(secrets.randbelow(10))


def clean_person(
    errors: dict[str, list[str]], username: str, full_name: str, *, name_required: bool = False
) -> tuple[str, str]:
    """A new account's username (required, not taken) and name (the one person-name rule), problems
    added to `errors` per field."""
    username = (
        collect(errors, "username", clean_text, username, max_length=150, required=True, label="用户名") or ""
    )
    if username and User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["该用户名已被使用"]
    full_name = collect(errors, "full_name", person_name, full_name, required=name_required) or ""
    return username, full_name


def clean_email(errors: dict[str, list[str]], email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["电子邮箱格式不正确"]
    return email


def new_user(
    *,
    errors: dict[str, list[str]],
    username: str,
    full_name: str,
    org: Org,
    password: str | None,
    email: str = "",
    phone: str = "",
    name_required: bool = False,
    phone_required: bool = False,
) -> User:
    """An unsaved user with every field cleaned (problems in `errors`); `password=None` leaves the
    password unusable (the person sets one through a reset code) and asks for a change at sign-in."""
    username, full_name = clean_person(errors, username, full_name, name_required=name_required)
    phone_number = collect(errors, "phone", mobile_phone, phone, required=phone_required) or ""
    email = clean_email(errors, email)
    user = User(username=username, full_name=full_name, email=email, primary_org=org, phone=phone_number)
    if password is None:
        user.set_unusable_password()
    else:
        problems = password_problems(password, user)
        if problems:
            errors["password"] = problems
        user.set_password(password)
    return user


def user_create(
    *, actor, username: str, password: str, full_name: str, org: Org, email: str = "", phone: str = ""
) -> User:
    require(actor, MANAGE, region_code=org.region_id or "", org_id=org.pk)
    errors: dict[str, list[str]] = {}
    user = new_user(
        errors=errors,
        username=username,
        full_name=full_name,
        org=org,
        password=password,
        email=email,
        phone=phone,
    )
    if errors:
        raise InvalidInput("用户信息有误", fields=errors)
    with transaction.atomic():
        user.save()
        audit_record(actor, "user.created", user, after={"username": user.username, "org": org.pk})
    return user


def account_create(
    *,
    actor,
    username: str,
    full_name: str,
    org: Org,
    role_code: str,
    region_code: str | None = None,
    password: str = "",
    phone: str = "",
    email: str = "",
) -> tuple[User, RoleAssignment]:
    """An official's, expert's or auditor's account with its first role, in one transaction, by the
    security administrator of the jurisdiction. The password given is temporary: the person changes it
    at the first sign-in."""
    region_code = org.region_id if region_code is None else (region_code or None)
    require(actor, MANAGE, region_code=org.region_id or "", org_id=org.pk)
    require(actor, MANAGE, region_code=region_code or "", org_id=org.pk)
    errors: dict[str, list[str]] = {}
    user = new_user(
        errors=errors,
        username=username,
        full_name=full_name,
        org=org,
        password=password,
        email=email,
        phone=phone,
        name_required=True,
    )
    role: Role | None = None
    try:
        role = role_checked(role_code, org, region_code)
    except InvalidInput as exc:
        errors.update(exc.fields or {})
    if errors or role is None:
        raise InvalidInput("账户信息有误", fields=errors)
    with transaction.atomic():
        user.must_change_password = True
        user.save()
        audit_record(
            actor,
            "user.created",
            user,
            after={"username": user.username, "org": org.pk, "role": role.code},
            region_code=org.region_id or "",
        )
        assignment = grant(actor=actor, user=user, role=role, org=org, region_code=region_code)
    return user, assignment


def account_open_for_self(*, username: str, password: str, full_name: str, org: Org, role: Role) -> User:
    """A person's own account from a public self-registration: the user (primary organisation `org`) and
    `role` held at `org` without a region, the grant audited as the person's own. The calling service has
    validated the username and password (it reports them per field with its own fields) and runs this
    inside its transaction."""
    user = User.objects.create_user(
        username=username, password=password, full_name=full_name, primary_org=org
    )
    RoleAssignment.objects.create(user=user, role=role, org=org, region=None, separation=role.separation)
    audit_record(user, "role.assigned", user, after={"role": role.code, "org": org.pk})
    return user


def require_user(actor, user: User, capability: str = MANAGE) -> None:
    require(actor, capability, region_code=user.region_code, org_id=user.primary_org_id)


def set_active(*, actor, user: User, active: bool, reason: str) -> User:
    """Disable (reason required) or re-enable an account; the caller has judged the permission."""
    if active:
        reason = clean_text(reason, max_length=500, multiline=True, label="启用理由", field="reason")
    else:
        reason = clean_reason(reason, label="停用理由")
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能停用或启用自己的账户", code="self_disable")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active == active:
            raise Conflict(
                "该账户已启用" if active else "该账户已停用",
                code="already_" + ("active" if active else "disabled"),
            )
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor,
            "user.enabled" if active else "user.disabled",
            locked,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
            region_code=locked.region_code,
        )
    forget(locked)
    user.is_active = active
    return locked


def user_disable(*, actor, user: User, reason: str) -> User:
    require_user(actor, user)
    return set_active(actor=actor, user=user, active=False, reason=reason)


def user_enable(*, actor, user: User, reason: str = "") -> User:
    require_user(actor, user)
    return set_active(actor=actor, user=user, active=True, reason=reason)


def reset_to_temporary(*, actor, user: User, reason: str) -> str:
    """A new temporary password (returned once, never stored in clear or audited); the person must
    change it at the next sign-in. Pending reset codes are spent."""
    reason = clean_reason(reason, label="重置理由")
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("请通过“修改密码”修改本人密码", code="self_reset")
    plain = temporary_password()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(plain)
        locked.must_change_password = True
        locked.save(update_fields=["password", "must_change_password"])
        locked.reset_codes.filter(used_at__isnull=True).delete()
        audit_record(
            actor,
            "user.password_reset",
            locked,
            after={"must_change_password": True},
            reason=reason,
            region_code=locked.region_code,
        )
    return plain


def user_password_reset(*, actor, user: User, reason: str) -> str:
    require_user(actor, user)
    return reset_to_temporary(actor=actor, user=user, reason=reason)


def user_unlock(*, actor, user: User, reason: str) -> None:
    """Lift a lockout after failed logins (django-axes)."""
    from axes.utils import reset

    require(actor, "user.unlock", region_code=user.region_code, org_id=user.primary_org_id)
    reason = clean_reason(reason, label="解锁理由")
    with transaction.atomic():
        count = reset(username=user.username)
        audit_record(actor, "user.unlocked", user, after={"attempts_cleared": count}, reason=reason)

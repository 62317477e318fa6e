"""An institution's administrator manages its own staff: creates their accounts (a temporary password,
changed at the first sign-in), gives and takes back the institution's roles (those marked `delegable`
in roles.yaml: administrator, applications officer, training administrator), disables and re-enables
accounts, resets a password. Only after the bureau has confirmed the institution's sign-up; only within
the administrator's own institution (anyone else's staff look missing)."""

from __future__ import annotations

from django.db import transaction

from peiyu.audit.services import audit_record
from peiyu.core.errors import Conflict, InvalidInput

from ..models import Org, Role, RoleAssignment, User
from .access import require
from .roles import end_assignment, grant, role_checked
from .users import new_user, reset_to_temporary, set_active

STAFF = "org.staff_manage"


def _confirmed_org(actor, org: Org) -> None:
    require(actor, STAFF, org_id=org.pk)
    if org.status != Org.Status.CONFIRMED:
        raise Conflict("本机构的注册尚待所在地人社部门确认，确认后方可管理人员账户", code="org_not_confirmed")


def _delegable(role_code: str, org: Org) -> Role:
    role = role_checked(role_code, org, None)
    if not role.delegable:
        raise InvalidInput(
            f"机构管理员不能分配“{role.name}”角色", fields={"role": ["请选择本机构的岗位角色"]}
        )
    return role


def _require_staff(actor, user: User) -> Org:
    if user.primary_org_id is None:
        require(actor, STAFF, org_id=-1)
    org = user.primary_org
    assert org is not None
    _confirmed_org(actor, org)
    return org


def staff_create(
    *,
    actor,
    org: Org,
    username: str,
    full_name: str,
    password: str,
    role_code: str,
    phone: str = "",
    email: str = "",
) -> tuple[User, RoleAssignment]:
    _confirmed_org(actor, org)
    errors: dict[str, list[str]] = {}
    user = new_user(
        errors=errors,
        username=username,
        full_name=full_name,
        org=org,
        password=password,
        phone=phone,
        email=email,
        name_required=True,
    )
    role: Role | None = None
    try:
        role = _delegable(role_code, org)
    except InvalidInput as exc:
        errors.update(exc.fields or {})
    if errors or role is None:
        raise InvalidInput("人员信息有误", fields=errors)
    with transaction.atomic():
        user.must_change_password = True
        user.save()
        audit_record(
            actor, "user.created", user, after={"username": user.username, "org": org.pk, "role": role.code}
        )
        assignment = grant(actor=actor, user=user, role=role, org=org, region_code=None)
    return user, assignment


def staff_role_assign(*, actor, user: User, role_code: str) -> RoleAssignment:
    org = _require_staff(actor, user)
    role = _delegable(role_code, org)
    return grant(actor=actor, user=user, role=role, org=org, region_code=None)


def staff_role_revoke(*, actor, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    org = _require_staff(actor, assignment.user)
    if assignment.org_id != org.pk or not assignment.role.delegable:
        raise InvalidInput("只能撤销本机构的岗位角色", fields={"role": ["该角色不由机构管理员管理"]})
    return end_assignment(actor=actor, assignment=assignment, reason=reason)


def staff_disable(*, actor, user: User, reason: str) -> User:
    _require_staff(actor, user)
    return set_active(actor=actor, user=user, active=False, reason=reason)


def staff_enable(*, actor, user: User, reason: str = "") -> User:
    _require_staff(actor, user)
    return set_active(actor=actor, user=user, active=True, reason=reason)


def staff_password_reset(*, actor, user: User, reason: str) -> str:
    _require_staff(actor, user)
    return reset_to_temporary(actor=actor, user=user, reason=reason)

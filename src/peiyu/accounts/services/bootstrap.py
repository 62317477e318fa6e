"""The three initial administrators, created from the command line (`peiyu create_admin`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from peiyu.audit.services import audit_record
from peiyu.core.errors import InvalidInput, RuleViolation

from ..models import Org, Role, RoleAssignment, User
from .orgs import org_snapshot
from .users import clean_person, password_problems


def admin_bootstrap(*, username: str, full_name: str, role_code: str, password: str, org_name: str) -> User:
    """Create one of the three initial administrators (no acting user yet). The same rules hold:
    password validators and three-role separation."""
    if role_code not in {"sysadmin", "secadmin", "auditor"}:
        raise InvalidInput(
            "初始管理员只能是系统管理员、安全管理员或审计管理员", fields={"role": ["角色无效"]}
        )
    errors: dict[str, list[str]] = {}
    username, full_name = clean_person(errors, username, full_name)
    problems = password_problems(password, User(username=username, full_name=full_name))
    if problems:
        errors["password"] = problems
    if errors:
        raise InvalidInput("管理员信息有误", fields=errors)
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        raise InvalidInput("角色尚未载入，请先运行 peiyu setup", code="roles_missing")
    with transaction.atomic():
        org = Org.objects.filter(kind=Org.Kind.PLATFORM, name=org_name).first()
        if org is None:
            org = Org.objects.create(name=org_name, kind=Org.Kind.PLATFORM)
            audit_record(None, "org.created", org, after=org_snapshot(org))
        user = User(username=username, full_name=full_name, primary_org=org)
        user.set_password(password)
        user.save()
        try:
            with transaction.atomic():
                RoleAssignment.objects.create(user=user, role=role, org=org, separation=role.separation)
        except IntegrityError as exc:
            raise RuleViolation("三员分立：该用户已担任管理员角色", rule="SEC-1") from exc
        audit_record(
            None, "user.admin_bootstrapped", user, after={"username": user.username, "role": role_code}
        )
    return user

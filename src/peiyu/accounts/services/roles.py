"""Roles: loading roles.yaml, granting and revoking a role (three-role separation, SEC-1)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from peiyu.core.policy import region_prefix

from .. import capabilities
from ..models import Org, Role, RoleAssignment, User
from ..rules import check_separation_of_duties
from ..scoping import forget
from .access import require

ROLES_FILE = str(Path(__file__).resolve().parent.parent / "roles.yaml")
SEPARATION_MESSAGE = "系统管理员、安全管理员、审计管理员须由不同人员担任（三员分立）"


def role_checked(role_code: str, org: Org, region_code: str | None) -> Role:
    """The role in force with this code, if it fits the organisation's kind and the region (None: held
    at the organisation without a region) lies within the organisation's region (field messages
    otherwise)."""
    role = Role.objects.filter(code=role_code, disabled_on__isnull=True).first()
    if role is None:
        raise InvalidInput(f"角色 {role_code} 不存在", fields={"role": ["角色不存在"]})
    if role.org_kinds and org.kind not in role.org_kinds:
        raise InvalidInput(
            f"角色“{role.name}”不能分配给{org.get_kind_display()}的人员",
            fields={"role": ["角色与单位类型不符"]},
        )
    if region_code is not None and org.region_id and not region_code.startswith(region_prefix(org.region_id)):
        raise InvalidInput("角色的管辖地区须在所属单位的地区之内", fields={"region": ["地区超出单位范围"]})
    return role


def grant(*, actor, user: User, role: Role, org: Org, region_code: str | None) -> RoleAssignment:
    """Grant a checked role (the caller has judged the actor's permission). Three-role separation
    (SEC-1): system, security and audit administration are held by three different people; checked
    under a row lock and by a partial unique index. Nobody grants a role to themself."""
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能给自己分配角色", code="self_grant")
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            held = list(RoleAssignment.objects.current().filter(user=user).select_related("role"))
            if any(a.role_id == role.pk and a.org_id == org.pk for a in held):
                raise Conflict(
                    f"该用户已担任“{role.name}”", code="role_held", fields={"role": ["已担任该角色"]}
                )
            check = check_separation_of_duties([a.role.separation for a in held], role.separation)
            if not check.ok:
                raise RuleViolation(
                    check.message, rule=check.rule, code="separation_of_duties", details=check.facts
                )
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                org=org,
                region_id=region_code or None,
                separation=role.separation,
                granted_by=actor,
            )
            audit_record(
                actor,
                "role.assigned",
                user,
                after={"role": role.code, "org": org.pk, "region": region_code},
                region_code=region_code or "",
            )
    except IntegrityError as exc:
        raise RuleViolation(SEPARATION_MESSAGE, rule="SEC-1", code="separation_of_duties") from exc
    forget(user)
    return assignment


def role_assign(
    *, actor, user: User, role_code: str, org: Org, region_code: str | None = None
) -> RoleAssignment:
    """The security administrator grants a role within their jurisdiction."""
    region_code = org.region_id if region_code is None else region_code
    require(actor, "user.manage", region_code=region_code or "", org_id=org.pk)
    role = role_checked(role_code, org, region_code)
    return grant(actor=actor, user=user, role=role, org=org, region_code=region_code)


def end_assignment(*, actor, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    """End a current assignment (the caller has judged the actor's permission)."""
    reason = clean_reason(reason, label="撤销理由")
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().select_related("role").get(pk=assignment.pk)
        if locked.valid_to is not None:
            raise Conflict("该角色已撤销", code="already_revoked")
        if actor is not None and actor.pk == locked.user_id:
            raise PermissionDenied("不能撤销自己的角色", code="self_revoke")
        locked.valid_to = timezone.now()
        locked.save(update_fields=["valid_to"])
        audit_record(
            actor,
            "role.revoked",
            locked.user,
            before={"role": locked.role.code, "org": locked.org_id},
            reason=reason,
            region_code=locked.region_id or "",
        )
    forget(locked.user)
    return locked


def role_revoke(*, actor, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    user = assignment.user
    require(actor, "user.manage", region_code=user.region_code, org_id=user.primary_org_id)
    return end_assignment(actor=actor, assignment=assignment, reason=reason)


def roles_load(*, actor=None, path: str = ROLES_FILE) -> int:
    """Create or update the roles of roles.yaml; refuses capabilities that do not exist in code."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    changed = 0
    with transaction.atomic():
        for item in data:
            bad = capabilities.unknown(item["capabilities"])
            if bad:
                raise InvalidInput(f"角色 {item['code']} 含有未知权限：{', '.join(bad)}", code="role_invalid")
            defaults = {
                "name": item["name"],
                "name_en": item.get("name_en", ""),
                "description": item.get("description", ""),
                "org_kinds": item.get("org_kinds", []),
                "capabilities": item["capabilities"],
                "separation": item.get("separation", ""),
                "scope": item.get("scope", "self"),
                "is_official": bool(item.get("official", False)),
                "delegable": bool(item.get("delegable", False)),
            }
            role, created = Role.objects.get_or_create(code=item["code"], defaults=defaults)
            if not created and any(getattr(role, k) != v for k, v in defaults.items()):
                before = {k: getattr(role, k) for k in defaults}
                for k, v in defaults.items():
                    setattr(role, k, v)
                role.save()
                audit_record(actor, "role.updated", role, before=before, after=defaults)
                changed += 1
            elif created:
                audit_record(actor, "role.created", role, after=defaults)
                changed += 1
    return changed

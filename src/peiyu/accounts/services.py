"""Writes of the accounts app (DESIGN conventions §1): permission, rules, one transaction, audit."""

from __future__ import annotations

import secrets
from datetime import timedelta

import yaml
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_reason, clean_text, collect, mobile_phone, person_name
from peiyu.core.cleaning import phone as clean_phone
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.identifiers import validate_uscc
from peiyu.core.policy import region_prefix

from . import capabilities
from .models import ApiToken, Org, Region, Role, RoleAssignment, User
from .rules import check_separation_of_duties
from .scoping import forget, scope_for


def require(actor, capability: str, region_code: str | None = None, org_id: int | None = None):
    """Deny by default: the actor must hold the capability, and where a region or org is given,
    the capability's scope must reach it. Out-of-scope targets look missing (404)."""
    scope = scope_for(actor, capability)
    if not scope.granted:
        raise PermissionDenied("您没有执行此操作的权限", code="permission_denied")
    if region_code is not None or org_id is not None:
        in_region = region_code is not None and scope.covers_region(region_code)
        in_org = org_id is not None and (org_id in scope.org_ids or org_id in scope.recommender_org_ids)
        if not (in_region or in_org):
            raise NotFound()
    return scope


def _org_snapshot(org: Org) -> dict:
    return {
        "name": org.name,
        "kind": org.kind,
        "region": org.region_id,
        "uscc": org.uscc,
        "recommended_by": org.recommended_by_id,
        "is_active": org.is_active,
    }


def org_create(
    *,
    actor,
    name: str,
    kind: str,
    region_code: str | None,
    uscc: str | None = None,
    recommended_by: Org | None = None,
    contact_phone: str = "",
) -> Org:
    require(actor, "org.manage", region_code=region_code or "")
    errors: dict[str, list[str]] = {}
    name = collect(errors, "name", clean_text, name, max_length=200, required=True, label="单位名称") or ""
    contact_phone = collect(errors, "contact_phone", clean_phone, contact_phone) or ""
    if kind not in Org.Kind.values:
        errors["kind"] = ["单位类型无效"]
    region = Region.objects.filter(pk=region_code).first() if region_code else None
    if region_code and region is None:
        errors["region"] = [f"行政区划代码 {region_code} 不存在"]
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except InvalidInput as exc:
            errors["uscc"] = [exc.message]
    if errors:
        raise InvalidInput("单位信息有误", fields=errors)
    try:
        with transaction.atomic():
            org = Org.objects.create(
                name=name,
                kind=kind,
                region=region,
                uscc=uscc or None,
                recommended_by=recommended_by,
                contact_phone=contact_phone,
            )
            audit_record(actor, "org.created", org, after=_org_snapshot(org))
    except IntegrityError as exc:
        raise Conflict(
            "该统一社会信用代码已登记", code="uscc_taken", fields={"uscc": ["该统一社会信用代码已登记"]}
        ) from exc
    return org


def _clean_person(errors: dict[str, list[str]], username: str, full_name: str) -> tuple[str, str]:
    """A new account's username (required, not taken) and name (the one person-name rule, may be
    empty), problems added to `errors` per field."""
    username = (
        collect(errors, "username", clean_text, username, max_length=150, required=True, label="用户名") or ""
    )
    if username and User.objects.filter(username=username).exists():
        errors["username"] = ["该用户名已被使用"]
    full_name = collect(errors, "full_name", person_name, full_name, required=False) or ""
    return username, full_name


def user_create(
    *, actor, username: str, password: str, full_name: str, org: Org, email: str = "", phone: str = ""
) -> User:
    require(actor, "user.manage", region_code=org.region_id or "", org_id=org.pk)
    errors: dict[str, list[str]] = {}
    username, full_name = _clean_person(errors, username, full_name)
    phone_number = collect(errors, "phone", mobile_phone, phone) or ""
    candidate = User(username=username, full_name=full_name, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput("用户信息有误", fields=errors)
    with transaction.atomic():
        user = User(username=username, full_name=full_name, email=email, primary_org=org, phone=phone_number)
        user.set_password(password)
        user.save()
        audit_record(actor, "user.created", user, after={"username": user.username, "org": org.pk})
    return user


def role_assign(
    *, actor, user: User, role_code: str, org: Org, region_code: str | None = None
) -> RoleAssignment:
    """Grant a role. Three-role separation (SEC-1): system, security and audit administration are
    held by three different people; checked under a row lock and by a partial unique index."""
    region_code = org.region_id if region_code is None else region_code
    require(actor, "user.manage", region_code=region_code or "", org_id=org.pk)
    role = Role.objects.filter(code=role_code, disabled_on__isnull=True).first()
    if role is None:
        raise InvalidInput(f"角色 {role_code} 不存在", fields={"role": ["角色不存在"]})
    if role.org_kinds and org.kind not in role.org_kinds:
        raise InvalidInput(
            f"角色“{role.name}”不能分配给{org.get_kind_display()}的人员",
            fields={"role": ["角色与单位类型不符"]},
        )
    if org.region_id and not (region_code or "").startswith(region_prefix(org.region_id)):
        raise InvalidInput("角色的管辖地区须在所属单位的地区之内", fields={"region": ["地区超出单位范围"]})
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能给自己分配角色", code="self_grant")
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            held = list(RoleAssignment.objects.current().filter(user=user).select_related("role"))
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
        raise RuleViolation(
            "系统管理员、安全管理员、审计管理员须由不同人员担任（三员分立）",
            rule="SEC-1",
            code="separation_of_duties",
        ) from exc
    forget(user)
    return assignment


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


def role_revoke(*, actor, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    require(actor, "user.manage", region_code=assignment.region_id or "", org_id=assignment.org_id)
    reason = clean_reason(reason, label="撤销理由")
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.valid_to is not None:
            raise Conflict("该角色已撤销", code="already_revoked")
        locked.valid_to = timezone.now()
        locked.save(update_fields=["valid_to"])
        audit_record(
            actor,
            "role.revoked",
            locked.user,
            before={"role": locked.role.code, "org": locked.org_id},
            reason=reason,
        )
    forget(locked.user)
    return locked


def user_unlock(*, actor, user: User, reason: str) -> None:
    """Lift a lockout after failed logins (django-axes)."""
    from axes.utils import reset

    require(actor, "user.unlock", region_code=user.region_code, org_id=user.primary_org_id)
    reason = clean_reason(reason, label="解锁理由")
    with transaction.atomic():
        count = reset(username=user.username)
        audit_record(actor, "user.unlocked", user, after={"attempts_cleared": count}, reason=reason)


def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    require(actor, "api_token.manage")
    name = clean_text(name, max_length=100, required=True, label="令牌用途", field="name")
    plain = "py_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=plain[:8],
            digest=sm3_hex(plain.encode()),
            expires_at=timezone.now() + timedelta(days=settings.PEIYU_API_TOKEN_TTL_DAYS),
        )
        audit_record(actor, "api_token.created", token, after={"name": token.name, "prefix": token.prefix})
    return token, plain


def api_token_revoke(*, actor, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor, "api_token.revoked", token)
    return token


def api_token_authenticate(plain: str) -> User | None:
    if not plain or not plain.startswith("py_"):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=sm3_hex(plain.encode())).first()
    now = timezone.now()
    if token is None or token.revoked_at or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


ROLES_FILE = __file__.rsplit("/", 1)[0] + "/roles.yaml"


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


def admin_bootstrap(*, username: str, full_name: str, role_code: str, password: str, org_name: str) -> User:
    """Create one of the three initial administrators from the command line (no acting user yet).
    The same rules hold: password validators and three-role separation."""
    if role_code not in {"sysadmin", "secadmin", "auditor"}:
        raise InvalidInput(
            "初始管理员只能是系统管理员、安全管理员或审计管理员", fields={"role": ["角色无效"]}
        )
    errors: dict[str, list[str]] = {}
    username, full_name = _clean_person(errors, username, full_name)
    try:
        password_validation.validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput("管理员信息有误", fields=errors)
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        raise InvalidInput("角色尚未载入，请先运行 peiyu setup", code="roles_missing")
    with transaction.atomic():
        org = Org.objects.filter(kind=Org.Kind.PLATFORM, name=org_name).first()
        if org is None:
            org = Org.objects.create(name=org_name, kind=Org.Kind.PLATFORM)
            audit_record(None, "org.created", org, after=_org_snapshot(org))
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

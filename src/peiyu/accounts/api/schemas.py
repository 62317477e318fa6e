"""Output shapes the account routers share."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from peiyu.core.identifiers import mask_phone

from ..models import RoleAssignment


class RoleOut(Schema):
    role: str
    role_name: str
    org_id: int
    org_name: str
    region_code: str


def role_out(a: RoleAssignment) -> dict:
    return {
        "role": a.role.code,
        "role_name": a.role.name,
        "org_id": a.org_id,
        "org_name": a.org.name,
        "region_code": a.region_id or "",
    }


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    org_id: int | None = Field(None, alias="primary_org_id")
    phone_masked: str
    is_active: bool

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


class AccountOut(Schema):
    """An administered account: its current roles and what the caller may do with it."""

    id: int
    username: str
    full_name: str
    org_id: int | None
    phone_masked: str
    is_active: bool
    must_change_password: bool
    roles: list[RoleOut]
    allowed_actions: list[str]


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000, description="理由（停用、撤销、重置、解锁时必填）")


class TemporaryPasswordOut(Schema):
    temporary_password: str = Field(description="临时密码（只显示一次；本人下次登录须修改）")


def account_out(user, roles: list[RoleAssignment], allowed_actions: list[str]) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "org_id": user.primary_org_id,
        "phone_masked": mask_phone(user.phone),
        "is_active": user.is_active,
        "must_change_password": user.must_change_password,
        "roles": [role_out(a) for a in roles],
        "allowed_actions": allowed_actions,
    }

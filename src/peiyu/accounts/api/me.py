"""The signed-in user: who they are, their roles and capabilities."""

from __future__ import annotations

from ninja import Router, Schema

from ..scoping import capabilities_of
from ..selectors.roles import assignments_of
from .schemas import RoleOut, role_out

router = Router(tags=["账户与单位"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    must_change_password: bool
    capabilities: list[str]
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="当前用户、角色与权限")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "must_change_password": user.must_change_password,
        "capabilities": sorted(capabilities_of(user)),
        "roles": [role_out(a) for a in assignments_of(user)],
    }

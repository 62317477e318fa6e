"""Passwords: the caller changes their own; anyone resets a forgotten one with a one-time code."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from ninja import Router, Schema, Status
from pydantic import Field

from peiyu.core.middleware import client_ip

from ..services import passwords as services

router = Router(tags=["账户与单位"])


class PasswordChangeIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., max_length=128)
    new_password_confirm: str = Field(..., max_length=128)


@router.post("/password/change", response={204: None}, summary="修改本人密码")
def password_change(request, payload: PasswordChangeIn):
    user = services.password_change(user=request.user, **payload.dict())
    if request.session.get(SESSION_KEY) == str(user.pk):  # the signed-in session stays signed in
        update_session_auth_hash(request, user)
    return Status(204, None)


class CodeRequestIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)


class MessageOut(Schema):
    message: str


@router.post(
    "/password/reset-codes", response=MessageOut, auth=None, summary="获取密码重置验证码（短信或邮件）"
)
def reset_code_request(request, payload: CodeRequestIn):
    return {"message": services.reset_code_request(username=payload.username, address=client_ip(request))}


class ResetIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    code: str = Field(..., min_length=1, max_length=12)
    new_password: str = Field(..., max_length=128)
    new_password_confirm: str = Field(..., max_length=128)


@router.post("/password/reset", response={204: None}, auth=None, summary="凭验证码重置密码")
def password_reset(request, payload: ResetIn):
    services.password_reset_with_code(**payload.dict())
    return Status(204, None)

"""The caller's own API tokens."""

from __future__ import annotations

from typing import Annotated

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.schemas import PathId

from ..services import tokens as services

router = Router(tags=["账户与单位"])


class TokenIn(Schema):
    name: Annotated[str, Text(100)] = Field(..., min_length=1)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    expires_at: str
    token: str | None = None


@router.post("/tokens", response={201: TokenOut}, summary="创建本人接口令牌（只显示一次）")
def token_create(request, payload: TokenIn):
    token, plain = services.api_token_create(actor=request.user, name=payload.name)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": timezone.localtime(token.expires_at).isoformat(),
            "token": plain,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销本人接口令牌")
def token_revoke(request, token_id: PathId):
    services.api_token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)

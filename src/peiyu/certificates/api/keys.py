"""The certificates API: signing keys (CRT-4). The institution administrator's own keys (certificate.keys):
list, generate the first, rotate, revoke with a reason — the same services as the pages. Another
institution's key is 404. No private key ever leaves the platform."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.errors import NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..models import SigningKey
from ..selectors import keys as sel
from ..services import keys as svc

router = Router(tags=["证书"])


def _auth(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


class KeyOut(Schema):
    id: int
    key_id: str = Field(description="密钥标识（二维码载荷和 PDF 签名块中的 k）")
    institution_id: int
    institution_name: str
    algorithm: str = Field(description="SM2（SM3 杂凑，默认用户标识）")
    public_key: str = Field(description="公钥：未压缩点 04‖x‖y，十六进制")
    status: str = Field(description="active 使用中、retired 已停用（仍可验证）、revoked 已吊销")
    status_label: str
    created_at: dt.datetime
    retired_at: dt.datetime | None
    revoked_at: dt.datetime | None
    reason: str = Field(description="停用或吊销原因")


def _out(k: SigningKey) -> dict[str, Any]:
    return {
        "id": k.pk, "key_id": k.key_id, "institution_id": k.institution_id,
        "institution_name": k.institution.name if k.institution else "", "algorithm": k.algorithm,
        "public_key": k.public_key, "status": k.status, "status_label": k.get_status_display(),
        "created_at": k.created_at, "retired_at": k.retired_at, "revoked_at": k.revoked_at, "reason": k.reason,
    }  # fmt: skip


@router.get("/certificates/keys", response=Page[KeyOut], summary="本机构的签名密钥")
def key_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    return paginate(sel.keys_visible_to(_auth(request)), page, _out)


class InstitutionIn(Schema):
    institution: Id = Field(..., description="发证机构（本人管理的机构）")


class RotateIn(InstitutionIn):
    reason: Annotated[str, Text(500)] = Field(..., description="轮换原因")


class RevokeIn(Schema):
    reason: Annotated[str, Text(500)] = Field(..., description="吊销原因")


def _institution(actor: Any, pk: int) -> Any:
    found = next((o for o in sel.managed_institutions(actor) if o.pk == pk), None)
    if found is None:
        raise NotFound("机构不存在", code="institution_not_found")
    return found


@router.post("/certificates/keys", response={201: KeyOut}, summary="生成签名密钥（已有使用中的密钥时返回它）")
def key_generate(request: HttpRequest, payload: InstitutionIn) -> Any:
    actor = _auth(request)
    key = svc.key_generate(actor=actor, institution=_institution(actor, payload.institution))
    return Status(201, _out(sel.key_get_for(actor, key.pk)))


@router.post(
    "/certificates/keys/rotate",
    response={201: KeyOut},
    summary="轮换：停用当前密钥并启用新密钥（返回新密钥）",
)
def key_rotate(request: HttpRequest, payload: RotateIn) -> Any:
    actor = _auth(request)
    key = svc.key_rotate(
        actor=actor, institution=_institution(actor, payload.institution), reason=payload.reason
    )
    return Status(201, _out(sel.key_get_for(actor, key.pk)))


# after /keys/rotate: the path converter of {key_id} would take "rotate" first
@router.get("/certificates/keys/{key_id}", response=KeyOut, summary="签名密钥详情")
def key_get(request: HttpRequest, key_id: PathId) -> Any:
    return _out(sel.key_get_for(_auth(request), key_id))


@router.post(
    "/certificates/keys/{key_id}/revoke", response=KeyOut,
    summary="吊销密钥（吊销之后日期的证书不再通过验证；使用中的密钥被吊销时立即启用新密钥）",
)  # fmt: skip
def key_revoke(request: HttpRequest, key_id: PathId, payload: RevokeIn) -> Any:
    actor = _auth(request)
    key = svc.key_revoke(actor=actor, key=sel.key_get_for(actor, key_id), reason=payload.reason)
    return _out(sel.key_get_for(actor, key.pk))

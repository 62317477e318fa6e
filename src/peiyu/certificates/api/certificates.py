"""The certificates API (CRT-8): the certificates the caller may read, through the same selectors as the
pages — the issuing institution its own, officials their jurisdiction, the coordination group office
every DTE certificate — with the list's filters and paging; one certificate with its invalidation
findings, its reissue chain and the actions open to the caller; the issuer's reissue (lost, corrected).
ID numbers are masked unless the caller may see the record's people in full (then audited).

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..models import Certificate
from ..selectors import certificates as sel
from ..services import certificates_reissue as reissue_svc

router = Router(tags=["证书"])


class CertificateOut(Schema):
    id: int
    number: str
    kind: str = Field(description="training 培训合格证书、level 专业技术等级证书、skill 职业技能等级证书")
    kind_label: str
    status: str = Field(description="valid 有效、invalidated 已宣布无效、superseded 已换发")
    status_label: str
    holder_name: str = Field(description="姓名（按角色脱敏）")
    holder_id_number: str = Field(description="身份证号码（按角色脱敏；完整号码的查看记入审计日志）")
    occupation_code: str
    occupation_name: str
    direction: str
    level: str
    issuer: str
    issued_on: dt.date
    invalidated_on: dt.date | None


class ChainOut(Schema):
    id: int
    number: str
    status: str
    issued_on: dt.date
    reissue_reason: str


class InvalidationBriefOut(Schema):
    id: int
    cause: str
    cause_label: str
    scope: str
    status: str
    status_label: str


class CertificateDetailOut(CertificateOut):
    details: dict[str, Any]
    batch: str | None = Field(description="证书数据报送编号")
    replaces: str | None = Field(description="所换发的原证书编号")
    replaced_by: str | None = Field(description="换发后的新证书编号")
    reissue_reason: str
    chain: list[ChainOut]
    invalidations: list[InvalidationBriefOut]
    allowed_actions: list[str]


class CertificateQuery(PageQuery):
    kind: str = Field("", description="training、level、skill")
    status: str = Field("", description="valid、invalidated、superseded")
    occupation: Annotated[str, Text(60)] = Field("", description="职业（工种）名称（部分）或编码")
    level: Annotated[str, Text(16)] = ""
    issued_from: dt.date | None = Field(None, description="发证日期自（含）")
    issued_to: dt.date | None = Field(None, description="发证日期至（含）")
    q: Annotated[str, Text(40)] = Field("", description="证书编号（前缀）或姓名（完整）")


class ReissueIn(Schema):
    kind: str = Field(description="lost 遗失补发、corrected 更正换发")
    reason: str = Field(description="换发原因")
    holder_name: str = Field("", description="更正后的姓名（更正换发）")
    direction: str = Field("", description="更正后的职业方向（更正换发）")


def certificate_basics(c: Certificate) -> dict[str, Any]:
    """What every API answer about a certificate carries (the records and the holder's wallet)."""
    return {
        "id": c.pk,
        "number": c.number,
        "kind": c.kind,
        "kind_label": str(c.get_kind_display()),
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "occupation_code": c.occupation_code,
        "occupation_name": c.occupation_name,
        "direction": c.direction,
        "level": c.level,
        "issuer": c.issuer_name,
        "issued_on": c.issued_on,
        "invalidated_on": c.invalidated_on,
    }


def _out(c: Certificate, h: sel.HolderShown) -> dict[str, Any]:
    return {**certificate_basics(c), "holder_name": h.name, "holder_id_number": h.id_number}


def _filters(q: CertificateQuery) -> sel.CertificateFilters:
    return sel.CertificateFilters(
        kind=q.kind, status=q.status, occupation=q.occupation, level=q.level,
        issued_from=q.issued_from, issued_to=q.issued_to, q=q.q,
    )  # fmt: skip


@router.get("/certificates/records", response=Page[CertificateOut], summary="证书（本机构或辖区）")
def certificate_list(request: Any, q: Query[CertificateQuery]) -> dict[str, Any]:
    page = paginate(sel.certificates_filtered(request.user, _filters(q)), q)
    certs = list(page["items"])
    shown = sel.holders_shown(request.user, certs, what="certificate_api_list")
    return {"items": [_out(c, h) for c, h in zip(certs, shown, strict=True)], "count": page["count"]}


def _detail(request: Any, c: Certificate) -> dict[str, Any]:
    h = sel.holders_shown(request.user, [c], what="certificate_api")[0]
    successor = sel.successor(c)
    return {
        **_out(c, h),
        "details": c.details or {},
        "batch": c.batch.number if c.batch is not None else None,
        "replaces": c.replaces.number if c.replaces is not None else None,
        "replaced_by": successor.number if successor else None,
        "reissue_reason": c.reissue_reason,
        "chain": [
            {
                "id": x.pk,
                "number": x.number,
                "status": x.status,
                "issued_on": x.issued_on,
                "reissue_reason": x.reissue_reason,
            }
            for x in sel.reissue_chain(c)
        ],
        "invalidations": [
            {
                "id": i.pk,
                "cause": i.cause,
                "cause_label": str(i.get_cause_display()),
                "scope": i.scope,
                "status": i.status,
                "status_label": str(i.get_status_display()),
            }
            for i in sel.invalidations_of(c)
        ],
        "allowed_actions": sel.certificate_allowed_actions(request.user, c),
    }


@router.get("/certificates/records/{cert_id}", response=CertificateDetailOut, summary="证书详情")
def certificate_detail(request: Any, cert_id: PathId) -> dict[str, Any]:
    return _detail(request, sel.certificate_get_for(request.user, cert_id))


@router.post(
    "/certificates/records/{cert_id}/reissue",
    response={201: CertificateDetailOut},
    summary="换发证书（遗失补发、更正换发）",
)
def certificate_reissue(request: Any, cert_id: PathId, body: ReissueIn) -> Any:
    cert = sel.certificate_get_for(request.user, cert_id)
    corrections = {k: v for k, v in (("holder_name", body.holder_name), ("direction", body.direction)) if v}
    new = reissue_svc.certificate_reissue(
        actor=request.user, certificate=cert, kind=body.kind, reason=body.reason, corrections=corrections
    )
    return Status(201, _detail(request, sel.certificate_get_for(request.user, new.pk)))

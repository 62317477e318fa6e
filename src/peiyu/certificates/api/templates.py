"""The certificates API: certificate templates (CRT-2) — the institution's wording of each kind: create,
edit a draft, activate (400 with the rule and each field's error when the wording uses a restricted word;
held for the province's official when the issuer's own name does); the official's decision on a held one.
The same services and scoped selectors as the pages; out of scope is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.errors import NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import CertificateTemplate
from ..selectors import templates as sel
from ..services import templates as svc

router = Router(tags=["证书"])


def _auth(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


class TemplateOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    kind: str = Field(description="training 培训合格证书、level 专业技术等级证书、skill 职业技能等级证书")
    title: str = Field(description="证书名称")
    body: str = Field(description="证书正文（{姓名}、{职业}、{等级} 签发时替换）")
    seal_text: str = Field(description="印章环绕文字（空为发证机构名称）")
    status: str = Field(
        description="draft 草稿、active 启用、held 待主管部门决定、refused 未同意、retired 停用"
    )
    status_label: str
    hold_reason: str
    decided_at: dt.datetime | None
    decision: DecisionOut | None
    can_edit: bool
    can_decide: bool


def _out(t: CertificateTemplate, actor: Any) -> dict[str, Any]:
    return {
        "id": t.pk, "institution_id": t.institution_id, "institution_name": t.institution.name, "kind": t.kind,
        "title": t.title, "body": t.body, "seal_text": t.seal_text, "status": t.status,
        "status_label": t.get_status_display(), "hold_reason": t.hold_reason, "decided_at": t.decided_at,
        "decision": decision_out(t.decision) if t.decision else None, "can_edit": sel.can_edit(actor, t),
        "can_decide": sel.can_decide(actor, t),
    }  # fmt: skip


def _get(actor: Any, pk: int) -> dict[str, Any]:
    return _out(sel.template_get_for(actor, pk), actor)


class TemplateFilter(PageQuery):
    status: str = Field("", max_length=16, description="按状态筛选")


@router.get(
    "/certificates/templates", response=Page[TemplateOut], summary="证书样式（本机构的，或本省待决定的）"
)
def template_list(request: HttpRequest, filters: Query[TemplateFilter]) -> Any:
    actor = _auth(request)
    rows = sel.templates_visible_to(actor)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return paginate(rows, filters, lambda t: _out(t, actor))


@router.get("/certificates/templates/{template_id}", response=TemplateOut, summary="证书样式详情")
def template_get(request: HttpRequest, template_id: PathId) -> Any:
    return _get(_auth(request), template_id)


class TemplateIn(Schema):
    title: Annotated[str, Text(60)] = Field(..., description="证书名称")
    body: Annotated[str, Text(400)] = Field("", description="证书正文")
    seal_text: Annotated[str, Text(60)] = Field("", description="印章环绕文字")


class TemplateNewIn(TemplateIn):
    institution: Id = Field(..., description="发证机构（本人所在机构）")
    kind: str = Field(..., max_length=16, description="training、level、skill")


@router.post("/certificates/templates", response={201: TemplateOut}, summary="新建证书样式（草稿）")
def template_create(request: HttpRequest, payload: TemplateNewIn) -> Any:
    actor = _auth(request)
    institution = next((o for o in sel.managed_institutions(actor) if o.pk == payload.institution), None)
    if institution is None:
        raise NotFound("机构不存在", code="institution_not_found")
    created = svc.template_save(actor=actor, institution=institution, kind=payload.kind, title=payload.title,
                                body=payload.body, seal_text=payload.seal_text)  # fmt: skip
    return Status(201, _get(actor, created.pk))


@router.put(
    "/certificates/templates/{template_id}", response=TemplateOut, summary="修改草稿或未同意的证书样式"
)
def template_update(request: HttpRequest, template_id: PathId, payload: TemplateIn) -> Any:
    actor = _auth(request)
    t = sel.template_get_for(actor, template_id)
    svc.template_save(actor=actor, institution=t.institution, kind=t.kind, title=payload.title, body=payload.body,
                      seal_text=payload.seal_text, template=t)  # fmt: skip
    return _get(actor, template_id)


@router.post(
    "/certificates/templates/{template_id}/activate", response=TemplateOut,
    summary="检查文字并启用（使用限用字样返回 400，rules 含 CRT-2，fields 为各栏错误；机构名称含限用字样时转主管部门决定）",
)  # fmt: skip
def template_activate(request: HttpRequest, template_id: PathId) -> Any:
    actor = _auth(request)
    svc.template_activate(actor=actor, template=sel.template_get_for(actor, template_id))
    return _get(actor, template_id)


class DecideIn(Schema):
    accept: bool = Field(..., description="true 同意使用，false 不同意")
    reason: Annotated[str, Text(2000)] = Field(..., description="决定理由")


@router.post(
    "/certificates/templates/{template_id}/decide",
    response=TemplateOut,
    summary="主管部门决定待决定的证书样式",
)
def template_decide(request: HttpRequest, template_id: PathId, payload: DecideIn) -> Any:
    actor = _auth(request)
    svc.template_decide(actor=actor, template=sel.template_get_for(actor, template_id), accept=payload.accept,
                        reason=payload.reason)  # fmt: skip
    return _get(actor, template_id)

"""The expert pool (SEL-8) over the API, through the same services as the pages: the pool's officials
list (searchable, paged), read, add, change, disable, re-enable and import experts (xlsx, per-row
report) and record a relation for an expert; the expert reads and keeps current their own declared
relations. Another body's officials get 404 for an expert of this pool.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.accounts.masking import MASKED, personal_view
from peiyu.core.cleaning_adapters import Reason
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..selectors import experts as selectors
from ..services import expert_declarations as declarations
from ..services import expert_imports as imports
from ..services import experts as services

router = Router(tags=["专家库"])


class ExpertQuery(PageQuery):
    q: str = Field("", max_length=100, description="姓名、工作单位、职称或专业方向")
    status: str = Field("", description="active 在库 / disabled 已停用；空为全部")
    field: str = Field("", max_length=32, description="专业领域（职业编码或其前缀）")


class ExpertIn(Schema):
    name: str = Field(..., description="姓名")
    employer_name: str = Field("", description="工作单位")
    employer_uscc: str = Field("", description="工作单位统一社会信用代码（可空）")
    title: str = Field("", description="职称")
    fields: list[str] | str = Field(..., description="专业领域：职业编码列表，或以顿号分隔的文本")
    specialty: str = Field("", description="专业方向")
    phone: str = Field("", description="手机号码")
    email: str = Field("", description="电子邮箱")
    username: str = Field("", description="关联的专家账户用户名（须已有“评审专家”角色，可空）")
    conflict_usccs: list[str] | str = Field([], description="应回避单位的统一社会信用代码")


class ExpertPatch(Schema):
    name: str | None = None
    employer_name: str | None = None
    employer_uscc: str | None = None
    title: str | None = None
    fields: list[str] | str | None = None
    specialty: str | None = None
    phone: str | None = None
    email: str | None = None
    username: str | None = Field(None, description="空字符串解除关联")


class ReasonIn(Schema):
    reason: Annotated[str, Reason("原因", max_length=200)] = Field(..., description="原因")


class EnableIn(Schema):
    reason: str = Field("", max_length=200, description="说明（可空）")


class RelationIn(Schema):
    kind: str = Field(
        "other", description="former_employer / part_time / relative / investment / cooperation / other"
    )
    uscc: str = Field("", description="单位统一社会信用代码")
    unit_name: str = Field("", description="单位名称（平台上已登记的单位可只填名称）")
    ended_on: dt.date | str | None = Field(None, description="关系结束日期（可空）")
    note: str = Field("", description="说明")


class RelationOut(Schema):
    id: int
    kind: str
    kind_label: str
    org: int | None
    uscc: str
    unit_name: str
    ended_on: dt.date | None
    note: str
    created_at: dt.datetime
    current: bool
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


class ExpertOut(Schema):
    id: int
    name: str
    employer_name: str
    employer: int | None
    title: str
    fields: list[str]
    specialty: str
    phone: str = Field(..., description="按角色脱敏；完整显示时留痕")
    email: str
    username: str | None
    active: bool
    disabled_reason: str
    declarations_confirmed_at: dt.datetime | None
    relations: list[RelationOut] = []
    allowed_actions: list[str] = []


class ImportRowError(Schema):
    row: int
    field: str
    value: str
    message: str


class ImportOut(Schema):
    id: int
    filename: str
    mode: str
    rows_total: int
    created: int
    rejected_rows: int
    written: bool
    errors: list[ImportRowError]


def _relation_out(r) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": str(r.get_kind_display()),
        "org": r.org_id,
        "uscc": r.uscc,
        "unit_name": r.unit_name,
        "ended_on": r.ended_on,
        "note": r.note,
        "created_at": r.created_at,
        "current": r.withdrawn_at is None,
        "withdrawn_at": r.withdrawn_at,
        "withdraw_reason": r.withdraw_reason,
    }


def _expert_out(e, *, phone: str, relations=None, actions=()) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "employer_name": e.employer_name,
        "employer": e.employer_id,
        "title": e.title,
        "fields": list(e.fields or []),
        "specialty": e.specialty,
        "phone": phone,
        "email": e.email,
        "username": e.user.username if e.user_id else None,
        "active": e.active,
        "disabled_reason": e.disabled_reason,
        "declarations_confirmed_at": e.declarations_confirmed_at,
        "relations": [_relation_out(r) for r in (relations if relations is not None else [])],
        "allowed_actions": list(actions),
    }


def _actions(e) -> list[str]:
    return ["update", "disable" if e.active else "enable", "declare"]


def _detail(user, e) -> dict:
    shown = personal_view(
        user, e, what="expert_api_detail", region_code=e.pool_owner.region_id, org_id=e.pool_owner_id
    )
    return _expert_out(
        e, phone=shown.phone(e.phone), relations=selectors.relations_of(e), actions=_actions(e)
    )


def _import_out(imp) -> dict:
    return {
        "id": imp.pk,
        "filename": imp.filename,
        "mode": imp.mode,
        "rows_total": imp.rows_total,
        "created": imp.created_count,
        "rejected_rows": imp.rejected_rows,
        "written": imp.written,
        "errors": imp.errors,
    }


@router.get("/directory/experts", response=Page[ExpertOut], summary="本单位专家库")
def expert_list(request, q: Query[ExpertQuery]):
    selectors.pool_org(request.user)  # 403 for anyone who keeps no pool
    qs = selectors.experts_filtered(request.user, q=q.q, status=q.status, field=q.field)
    return paginate(
        qs,
        q,
        lambda e: _expert_out(
            e, phone=MASKED.phone(e.phone), relations=services.current_relations(e), actions=_actions(e)
        ),
    )


@router.post("/directory/experts", response={201: ExpertOut}, summary="添加专家")
def expert_create(request, payload: ExpertIn):
    expert = services.expert_create(actor=request.user, **payload.dict())
    return Status(201, _detail(request.user, selectors.expert_get_for(request.user, expert.pk)))


@router.get("/directory/experts/{expert_id}", response=ExpertOut, summary="专家详情")
def expert_detail(request, expert_id: PathId):
    return _detail(request.user, selectors.expert_get_for(request.user, expert_id))


@router.patch("/directory/experts/{expert_id}", response=ExpertOut, summary="修改专家信息")
def expert_update(request, expert_id: PathId, payload: ExpertPatch):
    expert = selectors.expert_get_for(request.user, expert_id)
    services.expert_update(actor=request.user, expert=expert, data=payload.dict(exclude_unset=True))
    return _detail(request.user, selectors.expert_get_for(request.user, expert_id))


@router.post("/directory/experts/{expert_id}/disable", response=ExpertOut, summary="停用专家（不再抽取）")
def expert_disable(request, expert_id: PathId, payload: ReasonIn):
    expert = selectors.expert_get_for(request.user, expert_id)
    services.expert_disable(actor=request.user, expert=expert, reason=payload.reason)
    return _detail(request.user, selectors.expert_get_for(request.user, expert_id))


@router.post("/directory/experts/{expert_id}/enable", response=ExpertOut, summary="恢复在库")
def expert_enable(request, expert_id: PathId, payload: EnableIn):
    expert = selectors.expert_get_for(request.user, expert_id)
    services.expert_enable(actor=request.user, expert=expert, reason=payload.reason)
    return _detail(request.user, selectors.expert_get_for(request.user, expert_id))


@router.post(
    "/directory/experts/{expert_id}/relations", response={201: RelationOut}, summary="为专家登记回避单位"
)
def expert_relation_add(request, expert_id: PathId, payload: RelationIn):
    expert = selectors.expert_get_for(request.user, expert_id)
    relation = declarations.expert_declare_conflict(actor=request.user, expert=expert, **payload.dict())
    return Status(201, _relation_out(relation))


@router.post(
    "/directory/experts/{expert_id}/relations/{relation_id}/withdraw",
    response=RelationOut,
    summary="撤回回避单位",
)
def expert_relation_withdraw(request, expert_id: PathId, relation_id: PathId, payload: ReasonIn):
    expert = selectors.expert_get_for(request.user, expert_id)
    relation = selectors.relation_get_for(request.user, expert, relation_id)
    return _relation_out(
        declarations.expert_relation_withdraw(actor=request.user, relation=relation, reason=payload.reason)
    )


@router.post("/directory/expert-imports", response={201: ImportOut}, summary="从 xlsx 导入专家（逐行报告）")
def expert_import(request, mode: Form[str], file: File[UploadedFile]):
    return Status(201, _import_out(imports.expert_import(actor=request.user, uploaded_file=file, mode=mode)))


@router.get("/directory/expert-imports/{expert_import_id}", response=ImportOut, summary="专家导入结果")
def expert_import_detail(request, expert_import_id: PathId):
    return _import_out(selectors.expert_import_get_for(request.user, expert_import_id))


# --- the expert's own declarations ---------------------------------------------------------------------------


@router.get("/directory/expert/declarations", response=Page[RelationOut], summary="我的回避申报（专家）")
def my_declarations(request, page: Query[PageQuery]):
    return paginate(selectors.own_relations(request.user), page, _relation_out)


@router.post("/directory/expert/declarations", response={201: RelationOut}, summary="申报回避单位（专家）")
def my_declaration_add(request, payload: RelationIn):
    expert = selectors.own_expert(request.user)
    return Status(
        201,
        _relation_out(
            declarations.expert_declare_conflict(actor=request.user, expert=expert, **payload.dict())
        ),
    )


@router.post(
    "/directory/expert/declarations/{relation_id}/withdraw",
    response=RelationOut,
    summary="撤回回避申报（专家）",
)
def my_declaration_withdraw(request, relation_id: PathId, payload: ReasonIn):
    expert = selectors.own_expert(request.user)
    relation = selectors.relation_get_for(request.user, expert, relation_id)
    return _relation_out(
        declarations.expert_relation_withdraw(actor=request.user, relation=relation, reason=payload.reason)
    )

"""The issuance pipeline over the API (CRT-3, SEC-2), through the same services and selectors as the
pages: the batches the caller sees (`{items, count}`), a batch's details with its candidates, deadlines
and `allowed_actions`, making a batch from a session's frozen passing list, the steps
(`POST …/actions`: submit, confirm and approve with per-candidate returns, return, forward, issue —
queued in the background, follow `done`/`total` —, report, supplement) and a returned candidate's
correction or withdrawal. Another province's batch answers 404.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.accounts.masking import personal_views
from peiyu.core.cleaning_adapters import Text
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..models import BatchEntry, IssuanceBatch
from ..selectors import batches as sel
from ..services import batches as services
from ..services.batches_actions import batch_act, entry_act

router = Router(tags=["证书数据报送"])


class BatchOut(Schema):
    id: int
    number: str
    session: int
    session_title: str
    institution: str
    kind: str
    kind_label: str
    route: str = Field(
        description="province_cg 省级确认后报协调小组办公室审核；institution_city 评价机构发证后报市级"
    )
    status: str
    status_label: str
    exam_on: dt.date
    current_step: str = Field(description="当前待办环节")
    current_due: dt.date | None = Field(description="当前环节期限")
    overdue: bool
    total: int = Field(description="发证总数（开始发证后）")
    done: int = Field(description="已颁发数")


class EntryOut(Schema):
    id: int
    registration: int
    name: str = Field(description="姓名（按角色脱敏）")
    id_number: str = Field(description="身份证号（脱敏）")
    ticket_number: str
    status: str
    status_label: str
    return_reason: str
    returned_by: str = Field(description="province 省级、office 协调小组办公室")
    correction: str
    certificate: str | None = Field(description="证书编号")
    allowed_actions: list[str]


class BatchDetailOut(BatchOut):
    profile: str
    profile_version: int
    passing_list_digest: str
    exam_report: str
    return_reason: str
    submit_due: dt.date | None
    confirm_due: dt.date | None
    issue_due: dt.date | None
    submitted_at: dt.datetime | None
    submitted_late: bool
    confirmed_at: dt.datetime | None
    forwarded_at: dt.datetime | None
    approved_at: dt.datetime | None
    issued_at: dt.datetime | None
    reported_at: dt.datetime | None
    job_error: str = Field(description="后台发证中断的原因（可重新发证）")
    allowed_actions: list[str]
    entries: list[EntryOut]


class BatchQuery(PageQuery):
    status: str = Field(
        "",
        description="draft、submitted、returned、confirmed、forwarded、approved、issuing、issued、reported",
    )


class BatchIn(Schema):
    session: Id = Field(description="考核批次（合格名单已生成）")


class BatchActionIn(Schema):
    action: str = Field(
        description="submit 报送省级、confirm 省级确认、return_province 省级退回、forward 转报、approve 审核通过、"
        "return_office 协调小组办公室退回、issue 发证（后台）、report 报市级、supplement 退回考生另行报送"
    )
    exam_report: Annotated[str, Text(5000)] = Field("", description="考核情况报告（submit）")
    reason: Annotated[str, Text(1000)] = Field("", description="整批退回的原因")
    returns: dict[Id, Annotated[str, Text(500)]] = Field(
        default_factory=dict, description="confirm、approve 时逐人退回：{证书数据 id: 退回原因}"
    )


class EntryActionIn(Schema):
    action: str = Field(description="correct 已更正、withdraw 撤回")
    note: Annotated[str, Text(500)] = Field("", description="更正说明或撤回原因")


def _out(b: IssuanceBatch) -> dict[str, Any]:
    step, due = sel.current_due(b)
    return {
        "id": b.pk, "number": b.number, "session": b.session_id, "session_title": b.session.title,
        "institution": b.institution.name, "kind": b.kind, "kind_label": str(b.get_kind_display()),
        "route": b.route, "status": b.status, "status_label": str(b.get_status_display()),
        "exam_on": b.exam_on, "current_step": step, "current_due": due, "overdue": sel.is_overdue(b),
        "total": b.total, "done": b.done,
    }  # fmt: skip


def _entries(actor: Any, b: IssuanceBatch) -> list[dict[str, Any]]:
    entries = list(sel.entries_of(b))
    shown = personal_views(actor, [(b.region_code, b.institution_id)] * len(entries), what="证书数据", obj=b)
    return [
        {
            "id": e.pk,
            "registration": e.registration_id,
            "name": d.name(e.holder_name),
            "id_number": str(e.row.get("id_masked", "")),
            "ticket_number": str(e.row.get("ticket_number") or ""),
            "status": e.status,
            "status_label": str(e.get_status_display()),
            "return_reason": e.return_reason,
            "returned_by": e.returned_by_level,
            "correction": str(e.row.get("correction", "")),
            "certificate": e.certificate.number if e.certificate else None,
            "allowed_actions": sel.entry_allowed_actions(actor, b, e),
        }
        for e, d in zip(entries, shown, strict=True)
    ]


def _detail(actor: Any, batch_id: Any) -> dict[str, Any]:
    b = sel.batch_get_for(actor, batch_id)
    return {
        **_out(b), "profile": b.profile_name, "profile_version": b.profile_version,
        "passing_list_digest": b.passing_list_digest, "exam_report": b.exam_report, "return_reason": b.return_reason,
        "submit_due": b.submit_due, "confirm_due": b.confirm_due, "issue_due": b.issue_due,
        "submitted_at": b.submitted_at, "submitted_late": sel.submitted_late(b), "confirmed_at": b.confirmed_at,
        "forwarded_at": b.forwarded_at, "approved_at": b.approved_at, "issued_at": b.issued_at,
        "reported_at": b.reported_at, "job_error": b.job_error,
        "allowed_actions": sel.batch_allowed_actions(actor, b), "entries": _entries(actor, b),
    }  # fmt: skip


@router.get("/certificates/batches", response=Page[BatchOut], summary="证书数据报送（本机构或本辖区）")
def batch_list(request: Any, filters: Query[BatchQuery]) -> Any:
    qs = sel.batches_visible_to(request.auth).order_by("-created_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, _out)


@router.post(
    "/certificates/batches", response={201: BatchDetailOut}, summary="根据合格名单生成证书数据（SEC-2）"
)
def batch_create(request: Any, payload: BatchIn) -> Any:
    b = services.batch_create(actor=request.auth, session_id=payload.session)
    return Status(201, _detail(request.auth, b.pk))


@router.get(
    "/certificates/batches/{cert_batch_id}", response=BatchDetailOut, summary="证书数据详情（CRT-3 各环节）"
)
def batch_get(request: Any, cert_batch_id: PathId) -> Any:
    return _detail(request.auth, cert_batch_id)


@router.post(
    "/certificates/batches/{cert_batch_id}/actions", response=BatchDetailOut, summary="办理证书数据的一个环节"
)
def batch_action(request: Any, cert_batch_id: PathId, payload: BatchActionIn) -> Any:
    b = sel.batch_get_for(request.auth, cert_batch_id)
    result = batch_act(
        actor=request.auth, batch=b, action=payload.action, exam_report=payload.exam_report,
        reason=payload.reason, returns=payload.returns,
    )  # fmt: skip
    return _detail(request.auth, result.pk)  # a supplement answers with the new batch


@router.post(
    "/certificates/batches/{cert_batch_id}/entries/{cert_entry_id}/actions",
    response=EntryOut,
    summary="被退回考生：更正或撤回",
)
def entry_action(request: Any, cert_batch_id: PathId, cert_entry_id: PathId, payload: EntryActionIn) -> Any:
    b = sel.batch_get_for(request.auth, cert_batch_id)
    entry: BatchEntry = sel.entry_get_for(request.auth, b, cert_entry_id)
    entry_act(actor=request.auth, entry=entry, action=payload.action, note=payload.note)
    return next(e for e in _entries(request.auth, b) if e["id"] == entry.pk)

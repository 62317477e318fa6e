import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.core.errors import PermissionDenied
from peiyu.core.lookups import filter_given
from peiyu.core.pagination import Page, PageDict, PageQuery, paginate
from peiyu.core.permissions import has_capability
from peiyu.core.schemas import PathId

from . import selectors
from .models import AuditEvent
from .verify import verify_and_record

router = Router(tags=["审计"])


class EventOut(Schema):
    id: int
    stream: str
    seq: int
    at: dt.datetime
    actor_repr: str
    action: str
    object_type: str
    object_id: str
    region_code: str
    reason: str
    hash: str


class EventQuery(PageQuery):
    action: str = Field("", max_length=100)
    object_type: str = Field("", max_length=100)
    object_id: str = Field("", max_length=64)


@router.get("/events", response=Page[EventOut], summary="审计事件（本辖区）")
def events(request: HttpRequest, q: Query[EventQuery]) -> PageDict[AuditEvent]:
    if not has_capability(request.user, "audit.view"):
        raise PermissionDenied("您没有查看审计日志的权限")
    qs = filter_given(
        selectors.audit_events_visible_to(request.user),
        action=q.action,
        object_type=q.object_type,
        object_id=q.object_id,
    )
    return paginate(qs.order_by("-id"), q)


@router.get("/events/{event_id}", response=EventOut, summary="审计事件详情")
def event_detail(request: HttpRequest, event_id: PathId) -> AuditEvent:
    return selectors.audit_event_get_for(request.user, event_id)


class VerifyOut(Schema):
    ok: bool
    checked: int
    breaks: list[str]


@router.post("/verify", response=VerifyOut, summary="校验审计哈希链")
def verify(request: HttpRequest) -> dict[str, Any]:
    if not has_capability(request.user, "audit.verify"):
        raise PermissionDenied("您没有校验审计链的权限")
    result = verify_and_record(request.user)
    return {"ok": result.ok, "checked": result.checked, "breaks": [b.describe() for b in result.breaks]}

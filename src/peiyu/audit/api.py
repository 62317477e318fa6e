import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from peiyu.core.errors import PermissionDenied
from peiyu.core.permissions import has_capability

from . import selectors
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


@router.get("/events", response=list[EventOut], summary="审计事件（本辖区）")
@paginate
def events(request, action: str = "", object_type: str = "", object_id: str = ""):
    if not has_capability(request.user, "audit.view"):
        raise PermissionDenied("您没有查看审计日志的权限")
    qs = selectors.audit_events_visible_to(request.user)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs.order_by("-id")


@router.get("/events/{event_id}", response=EventOut, summary="审计事件详情")
def event_detail(request, event_id: int):
    return selectors.audit_event_get_for(request.user, event_id)


class VerifyOut(Schema):
    ok: bool
    checked: int
    breaks: list[str]


@router.post("/verify", response=VerifyOut, summary="校验审计哈希链")
def verify(request):
    if not has_capability(request.user, "audit.verify"):
        raise PermissionDenied("您没有校验审计链的权限")
    result = verify_and_record(request.user)
    return {"ok": result.ok, "checked": result.checked, "breaks": [b.describe() for b in result.breaks]}

"""API of sessions, attendance, hours and anomalies (TRN-5): the same services and selectors as the
pages. Every lookup goes through the actor's visible classes, so out of scope is 404."""

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Query, Router, Schema, Status

from peiyu.core.cleaning_adapters import Reason, Text
from peiyu.core.lookups import filter_given
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..models import Anomaly, Attendance, TrainingSession
from ..selectors import attendance as sel
from ..services import anomalies as anomaly_services
from ..services import attendance as services
from ..services import session_actions as actions

router = Router(tags=["training-attendance"])


class SessionIn(Schema):
    topic: Annotated[str, Text(200)]
    mode: Literal["offline", "online"] = "offline"
    kind: Literal["theory", "practice"] = "theory"
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: Annotated[str, Text(200)] = ""
    teacher: Id | None = None


class SessionOut(Schema):
    id: int
    class_id: int
    topic: str
    mode: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    teacher_id: int | None
    minutes: int


class CheckInIn(Schema):
    enrolment_id: Id
    at: dt.datetime | None = None
    device: Annotated[str, Text(200)] = ""


class CandidateOut(Schema):
    enrolment_id: int
    trainee_id: int
    name: str = Field(description="姓名（按角色显示全名或部分隐藏）")
    id_tail: str = Field(description="身份证号码末四位（其余隐藏）")
    phone_tail: str = Field(description="手机号码末四位（其余隐藏）")
    namesake: bool = Field(description="本班有同名学员")
    checked_in: bool
    checked_out: bool


class CandidateQuery(PageQuery):
    q: str = Field("", max_length=30, description="姓名的一部分，或身份证号码、手机号码的后几位（至少 3 位）")


class CheckOutIn(Schema):
    at: dt.datetime | None = None


class AttendanceOut(Schema):
    id: int
    session_id: int
    enrolment_id: int
    check_in_at: dt.datetime
    check_out_at: dt.datetime | None
    method: str
    minutes: int


class HoursOut(Schema):
    enrolment_id: int
    trainee_id: int
    name: str
    status: str
    status_label: str
    offline_minutes: int
    online_minutes: int
    offline_hours: float
    online_hours: float
    total_hours: float
    online_share_pct: float


class AnomalyOut(Schema):
    id: int
    class_id: int
    class_number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    session_id: int | None
    evidence: dict[str, Any]
    resolution: str
    resolved_at: dt.datetime | None
    created_at: dt.datetime


class ResolveIn(Schema):
    status: Literal["explained", "confirmed"]
    resolution: Annotated[str, Reason("处理说明")]


def _session_out(s: TrainingSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "class_id": s.klass_id,
        "topic": s.topic,
        "mode": s.mode,
        "kind": s.kind,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "venue": s.venue,
        "teacher_id": s.teacher_id,
        "minutes": s.minutes,
    }


def _attendance_out(a: Attendance) -> dict[str, Any]:
    return {
        "id": a.pk,
        "session_id": a.session_id,
        "enrolment_id": a.enrolment_id,
        "check_in_at": a.check_in_at,
        "check_out_at": a.check_out_at,
        "method": a.method,
        "minutes": a.minutes,
    }


def _anomaly_out(a: Anomaly) -> dict[str, Any]:
    return {
        "id": a.pk,
        "class_id": a.klass_id,
        "class_number": a.klass.number,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "session_id": a.session_id,
        "evidence": a.evidence,
        "resolution": a.resolution,
        "resolved_at": a.resolved_at,
        "created_at": a.created_at,
    }


@router.get("/training/classes/{class_id}/sessions", response=Page[SessionOut], summary="班级课次")
def session_list(request, class_id: PathId, page: Query[PageQuery]):
    return paginate(sel.sessions_for(request.auth, class_id), page, _session_out)


@router.post("/training/classes/{class_id}/sessions", response={201: SessionOut}, summary="新增课次")
def session_add(request, class_id: PathId, payload: SessionIn):
    klass = sel.class_get_for(request.auth, class_id)
    session = services.session_create(actor=request.auth, klass=klass, data=payload.dict())
    return Status(201, _session_out(session))


@router.delete("/training/sessions/{session_id}", response={204: None}, summary="删除课次（无考勤记录时）")
def session_remove(request, session_id: PathId):
    session = sel.session_get_for(request.auth, session_id)
    actions.session_action(actor=request.auth, session=session, action="delete")
    return Status(204, None)


@router.post(
    "/training/sessions/{session_id}/close", response=dict, summary="结束签到（未签退者按课次结束时间签退）"
)
def session_close(request, session_id: PathId):
    session = sel.session_get_for(request.auth, session_id)
    checked_out, _done = actions.session_action(actor=request.auth, session=session, action="close")
    return {"checked_out": checked_out}


@router.get("/training/sessions/{session_id}/attendance", response=Page[AttendanceOut], summary="课次考勤")
def attendance_list(request, session_id: PathId, page: Query[PageQuery]):
    return paginate(sel.attendance_for(request.auth, session_id), page, _attendance_out)


@router.post(
    "/training/sessions/{session_id}/attendance", response={201: AttendanceOut}, summary="工作人员登记签到"
)
def attendance_add(request, session_id: PathId, payload: CheckInIn):
    session = sel.session_get_for(request.auth, session_id)
    data = {"enrolment": payload.enrolment_id, "at": payload.at, "device": payload.device}
    a, _done = actions.session_action(
        actor=request.auth,
        session=session,
        action="check_in",
        data={**data, "ip": request.META.get("REMOTE_ADDR")},
    )
    return Status(201, _attendance_out(a))


@router.get(
    "/training/sessions/{session_id}/checkin-candidates",
    response=Page[CandidateOut],
    summary="查找可登记签到的学员（同名者以身份证、手机号末四位区分）",
)
def checkin_candidates(request, session_id: PathId, f: Query[CandidateQuery]):
    session = sel.session_get_for(request.auth, session_id)
    return paginate(sel.checkin_candidates(request.auth, session, f.q), f)


@router.post(
    "/training/attendance/{attendance_id}/check-out", response=AttendanceOut, summary="工作人员登记签退"
)
def attendance_out(request, attendance_id: PathId, payload: CheckOutIn):
    a = sel.attendance_get_for(request.auth, attendance_id)
    return _attendance_out(services.attendance_check_out(actor=request.auth, attendance=a, at=payload.at))


@router.get("/training/classes/{class_id}/hours", response=Page[HoursOut], summary="学员学时（线下、线上）")
def class_hours(request, class_id: PathId, page: Query[PageQuery]):
    return paginate(sel.hours_for(request.auth, class_id), page)


class AnomalyFilter(PageQuery):
    status: Literal["", "open", "explained", "confirmed"] = ""
    kind: Literal["", "overlap", "outside_session", "shared_device"] = ""
    klass: Id | None = None


@router.get("/training/anomalies", response=Page[AnomalyOut], summary="考勤异常")
def anomaly_list(request, f: Query[AnomalyFilter]):
    qs = filter_given(sel.anomalies_visible_to(request.auth), status=f.status, kind=f.kind, klass_id=f.klass)
    return paginate(qs.order_by("-created_at", "-pk"), f, _anomaly_out)


@router.post("/training/anomalies/{anomaly_id}/resolve", response=AnomalyOut, summary="说明或确认考勤异常")
def anomaly_resolve(request, anomaly_id: PathId, payload: ResolveIn):
    anomaly = sel.anomaly_get_for(request.auth, anomaly_id)
    done = anomaly_services.anomaly_resolve(
        actor=request.auth, anomaly=anomaly, status=payload.status, resolution=payload.resolution
    )
    return _anomaly_out(sel.anomaly_get_for(request.auth, done.pk))

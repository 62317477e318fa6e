"""Calls, public notices (公示) and objections over the API (SEL-7, SEL-10, CAT-4).

Public (auth=None): the published calls, the notices, submitting an objection (answer: a tracking
number) and following it with the tracking number and the contact given. Signed in: publishing a
notice at the notice step, the objections the caller may decide, and resolving one.

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.accounts.models import Region
from peiyu.catalogs.models import Occupation, Trade
from peiyu.core.cleaning_adapters import Text
from peiyu.core.errors import DomainError, NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..models import Application, Call, Kind, Objection, PublicNotice
from ..selectors import scope as selectors
from ..selectors.actions import objection_allowed_actions, public_notice_allowed_actions
from ..selectors.calls import call_public_state, calls_public
from ..services import notices as services
from ..services.review import actor_may_act

router = Router(tags=["公示与异议"])


# --- schemas ---------------------------------------------------------------------------------------------


class QuotaOut(Schema):
    name: str
    default: int
    overrides: dict[str, int]
    override_names: dict[str, str]
    step: str | None = None
    counts: str | None = None


class CallOut(Schema):
    code: str
    title: str
    programme: str
    issuer: str
    region_code: str | None
    kinds: list[str]
    opens_on: dt.date
    deadline: dt.date
    is_open: bool
    state: str = Field(..., description="受理状态（文字）：未开始、受理中、已截止")


class SubjectOut(Schema):
    code: str
    name: str


class CallDetailOut(CallOut):
    occupations: list[SubjectOut]
    levels: list[str]
    quotas: list[QuotaOut]
    excluded_occupations: dict[str, list[SubjectOut]]
    founded_on_or_before: dt.date | None
    publicity_working_days: int | None
    body: str
    source: str
    apply_url: str


class NoticeOut(Schema):
    number: str
    title: str
    call: str
    publisher: str
    starts_on: dt.date = Field(..., description="发布日期（公示期起）")
    ends_on: dt.date = Field(..., description="公示期最后一日")
    working_days: int
    counts_publication_day: bool = Field(..., description="发布当日是否计入公示期（政策配置）")
    period: str = Field(..., description="公示期，如“2026-09-30 至 2026-10-13（5个工作日），自发布次日起算”")
    status: str
    status_label: str
    accepts_objections: bool


class NoticeEntryOut(Schema):
    application: int
    institution: str
    kind: str
    kind_label: str
    institution_type: str
    occupation_code: str
    occupation_name: str
    levels: list[str]
    region: str


class NoticeDetailOut(NoticeOut):
    entries: list[NoticeEntryOut]
    allowed_actions: list[str] = []
    warnings: list[str] = Field([], description="发布时的提示（如公示期跨入尚无节假日数据的年份）")


class NoticePublishIn(Schema):
    applications: list[Id] = Field(
        ..., min_length=1, max_length=500, description="申报 id（同一申报通知、处于公示环节）"
    )
    title: Annotated[str, Text(200)] = Field("", description="公示标题；留空按申报通知生成")


class ObjectionIn(Schema):
    application: Id = Field(..., description="公示名单中的申报 id")
    name: Annotated[str, Text(64)] = Field(..., description="异议人姓名或单位")
    contact: Annotated[str, Text(100)] = Field(..., description="联系方式（电话或电子邮箱），查询时需提供")
    text: Annotated[str, Text(5000)] = Field(..., description="异议事实和理由")


class ObjectionCreatedOut(Schema):
    tracking_no: str
    notice: str
    status: str
    status_label: str


class TrackQuery(Schema):
    tracking_no: str = Field(..., max_length=32, description="受理编号")
    contact: Annotated[str, Text(100)] = Field(..., description="提交时留下的联系方式")


class ObjectionTrackOut(Schema):
    tracking_no: str
    status: str
    status_label: str
    resolution: str


class ObjectionOut(Schema):
    id: int
    tracking_no: str
    notice: str
    application: int
    application_number: str
    institution: str
    occupation_name: str
    name: str
    contact_masked: str
    text: str
    status: str
    status_label: str
    resolution: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    allowed_actions: list[str] = []


class ResolveIn(Schema):
    upheld: bool = Field(..., description="true 异议成立（不予纳入）；false 异议不成立")
    resolution: Annotated[str, Text(5000)] = Field(..., description="处理结果（告知异议人）")


class ObjectionQuery(PageQuery):
    status: str = Field("", pattern=r"^(open|upheld|dismissed)?$")


# --- helpers ---------------------------------------------------------------------------------------------


def _call_out(call: Call) -> dict:
    return {
        "code": call.code,
        "title": call.title,
        "programme": call.programme,
        "issuer": call.issuer.name,
        "region_code": call.region_id,
        "kinds": list(call.kinds),
        "opens_on": call.opens_on,
        "deadline": call.deadline,
        "is_open": call.is_open(),
        "state": str(call_public_state(call)[0]),
    }


def _names(call: Call, codes) -> dict[str, str]:
    model = Trade if call.programme == "skill" else Occupation
    return dict(model.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _call_detail(call: Call) -> dict:
    excluded = call.excluded_occupations or {}
    names = _names(call, set(call.occupation_codes) | {c for v in excluded.values() for c in v})
    table = call.quota_table or {}
    region_codes = {c for q in table.values() if isinstance(q, dict) for c in (q.get("overrides") or {})}
    regions = dict(Region.objects.filter(code__in=region_codes).values_list("code", "name"))
    quotas = [
        {
            "name": name,
            "default": q["default"],
            "overrides": dict(q.get("overrides") or {}),
            "override_names": {c: regions.get(c, c) for c in (q.get("overrides") or {})},
            "step": q.get("step"),
            "counts": q.get("counts"),
        }
        for name, q in table.items()
        if isinstance(q, dict) and "default" in q
    ]
    try:
        days = services.notice_days(call)[0]
    except DomainError:
        days = None
    return {
        **_call_out(call),
        "occupations": [{"code": c, "name": names.get(c, c)} for c in call.occupation_codes],
        "levels": list(call.levels),
        "quotas": quotas,
        "excluded_occupations": {
            k: [{"code": c, "name": names.get(c, c)} for c in v] for k, v in excluded.items()
        },
        "founded_on_or_before": call.founded_on_or_before,
        "publicity_working_days": days,
        "body": call.body,
        "source": call.source,
        "apply_url": f"/directory/applications/new/?call={call.code}",
    }


def _accepts(notice: PublicNotice) -> bool:
    return "object" in public_notice_allowed_actions(None, notice)


def _notice_out(notice: PublicNotice) -> dict:
    return {
        "number": notice.number,
        "title": notice.title,
        "call": notice.call.code,
        "publisher": notice.publisher.name,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "working_days": notice.working_days,
        "counts_publication_day": notice.counts_publication_day,
        "period": services.notice_period_text(notice),
        "status": notice.status,
        "status_label": str(notice.get_status_display()),
        "accepts_objections": _accepts(notice),
    }


def _entry_out(app: Application) -> dict:
    return {
        "application": app.pk,
        "institution": app.institution.name,
        "kind": app.kind,
        "kind_label": str(Kind(app.kind).label),
        "institution_type": app.institution_type,
        "occupation_code": app.occupation_code,
        "occupation_name": app.occupation_name,
        "levels": list(app.levels),
        "region": app.region.name if app.region_id else "",
    }


def _objection_out(obj: Objection) -> dict:
    app = obj.application
    return {
        "id": obj.pk,
        "tracking_no": obj.tracking_no,
        "notice": obj.notice.number,
        "application": app.pk,
        "application_number": app.number,
        "institution": app.institution.name,
        "occupation_name": app.occupation_name,
        "name": obj.name,
        "contact_masked": services.objection_contact_masked(obj),
        "text": obj.text,
        "status": obj.status,
        "status_label": str(obj.get_status_display()),
        "resolution": obj.resolution,
        "created_at": obj.created_at,
        "resolved_at": obj.resolved_at,
    }


def _may_resolve(user, obj: Objection) -> bool:
    step = next((s for s in obj.application.route if s["action"] == "notice"), None)
    return step is not None and actor_may_act(user, obj.application, step)


def _objections_qs(user):
    visible = selectors.applications_visible_to(user).exclude(status=Application.Status.DRAFT)
    return Objection.objects.filter(application__in=visible.values("pk")).select_related(
        "notice", "application", "application__institution"
    )


# --- public ----------------------------------------------------------------------------------------------


class CallQuery(PageQuery):
    region: str = Field(
        "",
        pattern=r"^(\d{6})?$",
        description="地区代码：只列面向该地区（或其下级地区）的申报通知；留空为全部",
    )


@router.get("/directory/calls", auth=None, response=Page[CallOut], summary="申报通知（已发布和已截止）")
def call_list(request, q: Query[CallQuery]):
    """Published and closed calls, newest first; a closed call says so (`is_open` false, `state` 已截止)."""
    return paginate(calls_public(q.region).order_by("-opens_on", "code"), q, _call_out)


@router.get("/directory/calls/{code}", auth=None, response=CallDetailOut, summary="申报通知详情")
def call_detail(request, code: str):
    return _call_detail(selectors.call_get_public(code))


@router.get("/directory/notices", auth=None, response=Page[NoticeOut], summary="公示公告")
def notice_list(request, page: Query[PageQuery]):
    return paginate(selectors.notices_public().order_by("-starts_on", "-id"), page, _notice_out)


@router.get(
    "/directory/notices/{number}", auth=None, response=NoticeDetailOut, summary="公示详情（公示名单）"
)
def notice_detail(request, number: str):
    notice = selectors.notice_get_public(number)
    apps = notice.applications.select_related("institution", "region").order_by(
        "kind", "occupation_code", "institution__name"
    )
    return {
        **_notice_out(notice),
        "entries": [_entry_out(a) for a in apps],
        "allowed_actions": public_notice_allowed_actions(request.user, notice),
    }


@router.post(
    "/directory/notices/{number}/objections",
    auth=None,
    response={201: ObjectionCreatedOut},
    summary="提出异议（公示期内，无需登录），返回受理编号",
)
def objection_create(request, number: str, payload: ObjectionIn):
    notice = selectors.notice_get_public(number)
    obj = services.objection_submit(
        notice=notice,
        application_id=payload.application,
        name=payload.name,
        contact=payload.contact,
        text=payload.text,
    )
    return Status(
        201,
        {
            "tracking_no": obj.tracking_no,
            "notice": notice.number,
            "status": obj.status,
            "status_label": str(obj.get_status_display()),
        },
    )


@router.get(
    "/directory/objections/track",
    auth=None,
    response=ObjectionTrackOut,
    summary="查询异议处理结果（受理编号＋联系方式）",
)
def objection_track(request, q: Query[TrackQuery]):
    obj = services.objection_lookup(tracking_no=q.tracking_no, contact=q.contact)
    return {
        "tracking_no": obj.tracking_no,
        "status": obj.status,
        "status_label": str(obj.get_status_display()),
        "resolution": obj.resolution if obj.status != Objection.Status.OPEN else "",
    }


# --- signed in ---------------------------------------------------------------------------------------------


@router.post("/directory/notices", response={201: NoticeDetailOut}, summary="发布公示（公示环节的办理单位）")
def notice_publish(request, payload: NoticePublishIn):
    ids = list(dict.fromkeys(payload.applications))
    apps = list(selectors.applications_visible_to(request.user).filter(pk__in=ids))
    if len(apps) != len(ids):
        raise NotFound()
    notice = services.notice_publish(actor=request.user, applications=apps, title=payload.title)
    entries = notice.applications.select_related("institution", "region").order_by(
        "kind", "occupation_code", "institution__name"
    )
    warning = services.notice_calendar_warning(notice)  # told to the official who publishes
    return Status(
        201,
        {
            **_notice_out(notice),
            "entries": [_entry_out(a) for a in entries],
            "warnings": [f"公示截止日期可能需要核对：{warning}"] if warning else [],
        },
    )


@router.get("/directory/objections", response=Page[ObjectionOut], summary="待我处理的公示异议")
def objection_list(request, q: Query[ObjectionQuery]):
    qs = _objections_qs(request.user).order_by("-created_at", "-id")
    if q.status:
        qs = qs.filter(status=q.status)
    mine = [o for o in qs if _may_resolve(request.user, o)]
    return paginate(
        mine,
        q,
        lambda o: {**_objection_out(o), "allowed_actions": objection_allowed_actions(request.user, o)},
    )


@router.post("/directory/objections/{objection_id}/resolve", response=ObjectionOut, summary="处理异议")
def objection_resolve(request, objection_id: PathId, payload: ResolveIn):
    obj = _objections_qs(request.user).filter(pk=objection_id).first()
    if obj is None or not _may_resolve(request.user, obj):
        raise NotFound()
    obj = services.objection_resolve(
        actor=request.user, objection=obj, upheld=payload.upheld, resolution=payload.resolution
    )
    return _objection_out(
        Objection.objects.select_related("notice", "application", "application__institution").get(pk=obj.pk)
    )

"""API of exam sites and declared affiliates (EVL-1, EVL-9): the same services and scoped selectors as the
pages. A site out of the caller's scope and a missing one are both 404; a refused report is a 400 with the
rule ids and the failed checks (`details.checks`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.core.cleaning_adapters import Reason, Text
from peiyu.core.errors import PermissionDenied
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import DecisionOut, Id, PathId, decision_out

from ..models import Affiliate, ExamSite
from ..selectors import affiliates as aff_sel
from ..selectors import sites as sel
from ..services import affiliates as aff_svc
from ..services import sites as svc
from ..services import sites_rooms as rooms_svc

router = Router(tags=["exams"])


def _auth(request: HttpRequest) -> Any:
    """The signed-in user (or token holder) django-ninja's authentication put on the request."""
    return getattr(request, "auth", None)


class SiteOut(Schema):
    id: int
    name: str = Field(description="站点名称")
    address: str = Field(description="地址")
    institution_id: int
    institution_name: str = Field(description="评价机构")
    region_code: str = Field(description="所在地区（GB/T 2260）")
    region_name: str
    status: str = Field(
        description="状态：draft 填报中、reported 待受理、accepted 已受理、returned 已退回、withdrawn 已撤销"
    )
    status_label: str
    change_pending: bool = Field(description="已受理后有变更、尚未重新报送（不能用于新的考核批次）")
    reported_at: dt.datetime | None
    decided_at: dt.datetime | None


class RoomOut(Schema):
    id: int
    kind: str = Field(description="theory 理论考场、practical 实操考场、defence 综合评审（答辩）室")
    kind_label: str
    name: str
    seats: int
    one_per_desk: bool
    desk_spacing_cm: int
    computers: int
    equipment: str
    video_monitoring: bool


class PhotoOut(Schema):
    id: int
    room_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    caption: str
    url: str


class InspectionOut(Schema):
    id: int
    inspected_on: dt.date
    result: str = Field(description="passed 符合要求、issues 发现问题")
    result_label: str
    findings: str
    org_name: str


class SiteDetailOut(SiteOut):
    contact_name: str
    contact_phone: str
    video_monitoring: bool
    video_recording: bool
    video_retention_days: int
    return_reason: str
    withdrawn_reason: str
    rooms: list[RoomOut]
    photos: list[PhotoOut]
    inspections: list[InspectionOut]
    decision: DecisionOut | None = Field(
        description="最近一次报送检查（outcome：reported 已报送、refused 未通过）"
    )
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作")
    history: list[dict[str, Any]]


def _site_out(s: ExamSite) -> dict[str, Any]:
    return {
        "id": s.pk, "name": s.name, "address": s.address, "institution_id": s.institution_id,
        "institution_name": s.institution.name, "region_code": s.region_id, "region_name": s.region.name,
        "status": s.status, "status_label": str(s.get_status_display()), "change_pending": s.change_pending,
        "reported_at": s.reported_at, "decided_at": s.decided_at,
    }  # fmt: skip


def _detail(site_id: int, actor: Any) -> dict[str, Any]:
    s = sel.site_get_for(actor, site_id)
    decisions = sel.site_decisions(s)
    body = _site_out(s)
    body.update(
        {name: getattr(s, name) for name in ("contact_name", "contact_phone", "video_monitoring", "video_recording",
                                              "video_retention_days", "return_reason", "withdrawn_reason")},
        rooms=[{**{f: getattr(r, f) for f in RoomOut.model_fields if f != "kind_label"},
                "kind_label": str(r.get_kind_display())} for r in s.rooms.filter(is_active=True)],
        photos=[{**{f: getattr(p, f) for f in PhotoOut.model_fields if f != "url"},
                 "url": reverse("exams:site_photo", args=[s.pk, p.pk])} for p in s.photos.all()],
        inspections=[{"id": i.pk, "inspected_on": i.inspected_on, "result": i.result,
                      "result_label": str(i.get_result_display()), "findings": i.findings, "org_name": i.org.name}
                     for i in s.inspections.select_related("org")],
        decision=decision_out(decisions[0]) if decisions else None,
        allowed_actions=sel.site_allowed_actions(actor, s),
        history=sel.site_history(s),
    )  # fmt: skip
    return body


class SiteFilter(PageQuery):
    status: str = Field("", max_length=16, description="状态")
    q: str = Field("", max_length=100, description="站点名称、地址或机构关键字")


@router.get("/exams/sites", response=Page[SiteOut], summary="考核站点（本机构或本辖区）")
def site_list(request: HttpRequest, filters: Query[SiteFilter]) -> Any:
    return paginate(
        sel.sites_filtered(_auth(request), status=filters.status, q=filters.q), filters, _site_out
    )


@router.get("/exams/sites/{site_id}", response=SiteDetailOut, summary="考核站点详情")
def site_get(request: HttpRequest, site_id: PathId) -> Any:
    return _detail(site_id, _auth(request))


class SiteIn(Schema):
    name: Annotated[str, Text(200)] = Field(..., description="站点名称")
    address: Annotated[str, Text(300)] = Field(..., description="地址")
    region: str = Field("", max_length=6, description="所在地区代码（缺省为机构所在地）")
    contact_name: Annotated[str, Text(64)] = Field("", description="负责人")
    contact_phone: str = Field("", max_length=32, description="联系电话")
    video_monitoring: bool = Field(False, description="全程视频监控")
    video_recording: bool = Field(False, description="监控录像留存")
    video_retention_days: int = Field(0, ge=0, le=3650, description="录像保存天数")


def _institution(actor: Any) -> Any:
    institution = sel.managed_institution(actor)
    if institution is None:
        raise PermissionDenied("只有评价机构可以报送考核站点")
    return institution


@router.post("/exams/sites", response={201: SiteDetailOut}, summary="新建考核站点（填报中）")
def site_create(request: HttpRequest, payload: SiteIn) -> Any:
    site = svc.site_create(
        actor=_auth(request), institution=_institution(_auth(request)), data=payload.dict()
    )
    return Status(201, _detail(site.pk, _auth(request)))


@router.put(
    "/exams/sites/{site_id}", response=SiteDetailOut, summary="修改考核站点（已受理的站点修改后须重新报送）"
)
def site_update(request: HttpRequest, site_id: PathId, payload: SiteIn) -> Any:
    site = sel.site_get_for(_auth(request), site_id)
    svc.site_update(actor=_auth(request), site=site, data=payload.dict())
    return _detail(site.pk, _auth(request))


class RoomIn(Schema):
    kind: str = Field(..., max_length=16, description="theory、practical、defence")
    name: Annotated[str, Text(100)] = Field(..., description="考场名称")
    seats: int = Field(0, ge=0, le=2000, description="座位数")
    one_per_desk: bool = Field(False, description="单人单桌")
    desk_spacing_cm: int = Field(0, ge=0, le=1000, description="桌间距（厘米）")
    computers: int = Field(0, ge=0, le=2000, description="考试用计算机（台）")
    equipment: Annotated[str, Text(5000)] = Field("", description="设备设施、工卡量具与材料")
    video_monitoring: bool = Field(False, description="视频监控")


@router.post("/exams/sites/{site_id}/rooms", response={201: SiteDetailOut}, summary="登记考场")
def room_add(request: HttpRequest, site_id: PathId, payload: RoomIn) -> Any:
    site = sel.site_get_for(_auth(request), site_id)
    rooms_svc.room_save(actor=_auth(request), site=site, data=payload.dict())
    return Status(201, _detail(site.pk, _auth(request)))


@router.put("/exams/sites/{site_id}/rooms/{room_id}", response=SiteDetailOut, summary="修改考场")
def room_update(request: HttpRequest, site_id: PathId, room_id: PathId, payload: RoomIn) -> Any:
    site = sel.site_get_for(_auth(request), site_id)
    rooms_svc.room_save(actor=_auth(request), site=site, data=payload.dict(), room_id=room_id)
    return _detail(site.pk, _auth(request))


@router.delete("/exams/sites/{site_id}/rooms/{room_id}", response=SiteDetailOut, summary="停用考场")
def room_remove(request: HttpRequest, site_id: PathId, room_id: PathId) -> Any:
    site = sel.site_get_for(_auth(request), site_id)
    rooms_svc.room_remove(actor=_auth(request), site=site, room_id=room_id)
    return _detail(site.pk, _auth(request))


@router.post(
    "/exams/sites/{site_id}/photos", response={201: SiteDetailOut}, summary="上传现场照片（JPG、PNG）"
)
def photo_add(
    request: HttpRequest, site_id: PathId, photo: File[UploadedFile], caption: Form[str] = "",
    room: Form[int | None] = None,
) -> Any:  # fmt: skip
    site = sel.site_get_for(_auth(request), site_id)
    rooms_svc.photo_add(actor=_auth(request), site=site, upload=photo, caption=caption, room_id=room)
    return Status(201, _detail(site.pk, _auth(request)))


class ActionIn(Schema):
    action: str = Field(..., max_length=32, description="report、report_change、accept、return、withdraw")
    reason: Annotated[str, Text(2000)] = Field("", description="退回、撤销的原因（受理时可填意见）")


@router.post(
    "/exams/sites/{site_id}/actions",
    response=SiteDetailOut,
    summary="报送、受理、退回、撤销（报送不通过时返回 400，rules 为未通过的规则，details.checks 为未通过的检查）",
)
def site_act(request: HttpRequest, site_id: PathId, payload: ActionIn) -> Any:
    site = sel.site_get_for(_auth(request), site_id)
    svc.site_act(actor=_auth(request), site=site, action=payload.action, reason=payload.reason)
    return _detail(site.pk, _auth(request))


class InspectionIn(Schema):
    inspected_on: dt.date = Field(..., description="检查日期")
    result: str = Field(..., max_length=16, description="passed 符合要求、issues 发现问题")
    findings: Annotated[str, Text(5000)] = Field("", description="检查情况")


@router.post("/exams/sites/{site_id}/inspections", response={201: SiteDetailOut}, summary="登记站点检查")
def site_inspect(request: HttpRequest, site_id: PathId, payload: InspectionIn) -> Any:
    site = sel.site_get_for(_auth(request), site_id)
    svc.site_inspect(actor=_auth(request), site=site, data=payload.dict())
    return Status(201, _detail(site.pk, _auth(request)))


# --- affiliates (EVL-9) --------------------------------------------------------------------------------------


class AffiliateOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    kind: str = Field(description="subsidiary 下属机构、branch 分支机构、tech_support 技术支持单位")
    kind_label: str
    name: str
    uscc: str
    org_id: int | None = Field(description="平台内单位 id")
    ended_on: dt.date | None
    flagged: bool = Field(description="开展本机构所评价职业（工种）的培训（EVL-9）")
    flag_decision: DecisionOut | None


def _affiliate_out(a: Affiliate) -> dict[str, Any]:
    return {
        "id": a.pk, "institution_id": a.institution_id, "institution_name": a.institution.name, "kind": a.kind,
        "kind_label": str(a.get_kind_display()), "name": a.name, "uscc": a.uscc, "org_id": a.org_id,
        "ended_on": a.ended_on, "flagged": a.flagged,
        "flag_decision": decision_out(a.flag_decision) if a.flag_decision is not None else None,
    }  # fmt: skip


@router.get("/exams/affiliates", response=Page[AffiliateOut], summary="关联单位（本机构或本辖区机构）")
def affiliate_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    qs = aff_sel.affiliates_visible_to(_auth(request)).order_by("institution_id", "name", "pk")
    return paginate(qs, page, _affiliate_out)


class AffiliateIn(Schema):
    kind: str = Field(..., max_length=16, description="subsidiary、branch、tech_support")
    name: Annotated[str, Text(200)] = Field("", description="名称（选择平台内单位时可不填）")
    uscc: str = Field("", max_length=18, description="统一社会信用代码")
    org: Id | None = Field(None, description="平台内单位 id")


@router.post(
    "/exams/affiliates", response={201: AffiliateOut}, summary="登记关联单位（随即检查培训评价冲突）"
)
def affiliate_declare(request: HttpRequest, payload: AffiliateIn) -> Any:
    a = aff_svc.affiliate_declare(
        actor=_auth(request), institution=_institution(_auth(request)), data=payload.dict()
    )
    return Status(201, _affiliate_out(aff_sel.affiliate_get_for(_auth(request), a.pk)))


class EndIn(Schema):
    reason: Annotated[str, Reason("终止原因")] = Field(..., description="终止原因")


@router.post("/exams/affiliates/{affiliate_id}/end", response=AffiliateOut, summary="关联关系终止")
def affiliate_end(request: HttpRequest, affiliate_id: PathId, payload: EndIn) -> Any:
    a = aff_sel.affiliate_get_for(_auth(request), affiliate_id)
    aff_svc.affiliate_end(actor=_auth(request), affiliate=a, reason=payload.reason)
    return _affiliate_out(aff_sel.affiliate_get_for(_auth(request), affiliate_id))


class FlaggedOut(Schema):
    institution_id: int
    institution_name: str
    decision: DecisionOut


@router.get(
    "/exams/training-conflicts",
    response=Page[FlaggedOut],
    summary="存在培训评价冲突的评价机构（本辖区，EVL-9）",
)
def flagged_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    rows = aff_sel.flagged_institutions(_auth(request))
    return paginate(
        rows,
        page,
        lambda f: {"institution_id": f.institution.pk, "institution_name": f.institution.name,
                   "decision": decision_out(f.decision)},
    )  # fmt: skip

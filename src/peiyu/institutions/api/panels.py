"""Expert panels (SEL-8) over the API: draw, read (the organising officials see everything, an expert
only their own assignment), decline with replacement, score, close, and the reproduction check.

No `from __future__ import annotations` here: ninja must see the real types."""

from typing import Annotated, Any

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Reason
from peiyu.core.errors import NotFound
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..selectors import panels as selectors
from ..selectors import scope as app_selectors
from ..selectors.actions import panel_allowed_actions, panel_member_allowed_actions
from ..services import panels as services
from ..services import scores

router = Router(tags=["专家评议"])


class PanelDrawIn(Schema):
    applications: list[Id] = Field(..., min_length=1, max_length=500, description="申报 id")
    size: int = Field(..., description="专家人数")
    seed: str | None = Field(None, max_length=64, description="随机种子；留空由系统生成")


class DeclineIn(Schema):
    reason: Annotated[str, Reason("谢绝原因", max_length=200)] = Field(..., description="谢绝原因")


class ScoreIn(Schema):
    application: Id = Field(..., description="申报 id")
    score: float | str | None = Field(None, description="评分 0–100，最多一位小数")
    vote: str = Field("", description="for 推荐 / against 不推荐 / abstain 弃权")
    comment: str = Field("", description="评议意见")


class AggregateOut(Schema):
    count: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    votes: dict[str, int]
    recommended: bool | None


class ScoreOut(Schema):
    application: int
    application_number: str
    expert: int | None = None
    expert_name: str | None = None
    score: float
    vote: str
    comment: str
    submitted_at: str


class MemberOut(Schema):
    id: int
    expert: int
    name: str
    employer_name: str
    title: str
    position: int
    status: str
    status_label: str
    decline_reason: str
    replaces: int | None
    allowed_actions: list[str] = []


class PanelApplicationOut(Schema):
    id: int
    number: str
    institution: str
    occupation_code: str
    occupation_name: str
    aggregate: AggregateOut | None = None


class PanelOut(Schema):
    id: int
    view: str = Field(..., description="owner 组织单位视图 / expert 专家本人视图")
    call: str
    step: str
    status: str
    status_label: str
    size: int
    algorithm: str
    created_at: str
    seed: str | None = None
    candidates: list[int] | None = None
    excluded: list[dict[str, Any]] | None = None
    members: list[MemberOut] | None = None
    applications: list[PanelApplicationOut]
    scores: list[ScoreOut]
    my_member: MemberOut | None = None
    allowed_actions: list[str] = []


class ReproduceOut(Schema):
    panel: int
    algorithm: str
    seed: str
    candidates: list[int]
    order: list[int]
    recomputed: list[int]
    stored: list[int]
    matches: bool


def _member_out(m) -> dict:
    return {
        "id": m.pk,
        "expert": m.expert_id,
        "name": m.expert.name,
        "employer_name": m.expert.employer_name,
        "title": m.expert.title,
        "position": m.position,
        "status": m.status,
        "status_label": str(m.get_status_display()),
        "decline_reason": m.decline_reason,
        "replaces": m.replaces_id,
    }


def _score_out(s, *, with_expert: bool) -> dict:
    body = {
        "application": s.application_id,
        "application_number": s.application.number,
        "score": float(s.score),
        "vote": s.vote,
        "comment": s.comment,
        "submitted_at": timezone.localtime(s.submitted_at).isoformat(),
    }
    if with_expert:
        body["expert"] = s.member.expert_id
        body["expert_name"] = s.member.expert.name
    return body


def _app_out(a, aggregate=None) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "institution": a.institution.name,
        "occupation_code": a.occupation_code,
        "occupation_name": a.occupation_name,
        "aggregate": aggregate,
    }


def _base(panel, view: str) -> dict:
    return {
        "id": panel.pk,
        "view": view,
        "call": panel.call.code,
        "step": panel.step,
        "status": panel.status,
        "status_label": str(panel.get_status_display()),
        "size": panel.size,
        "algorithm": panel.algorithm,
        "created_at": timezone.localtime(panel.created_at).isoformat(),
    }


def _owner_out(user, panel) -> dict:
    aggregates = selectors.panel_aggregates(panel)
    apps = panel.applications.select_related("institution").order_by("number")
    return {
        **_base(panel, "owner"),
        "seed": panel.seed,
        "candidates": list(panel.candidates),
        "excluded": list(panel.excluded),
        "members": [
            {**_member_out(m), "allowed_actions": panel_member_allowed_actions(user, m, panel)}
            for m in selectors.panel_members(panel)
        ],
        "applications": [_app_out(a, aggregates.get(a.pk)) for a in apps],
        "scores": [_score_out(s, with_expert=True) for s in selectors.scores_visible_to(user, panel)],
        "allowed_actions": panel_allowed_actions(user, panel),
    }


def _expert_out(user, member) -> dict:
    panel = member.panel
    return {
        **_base(panel, "expert"),
        "applications": [_app_out(a) for a in panel.applications.all()],
        "scores": [_score_out(s, with_expert=False) for s in selectors.scores_visible_to(user, panel)],
        "my_member": {
            **_member_out(member),
            "allowed_actions": panel_member_allowed_actions(user, member, panel),
        },
        "allowed_actions": panel_allowed_actions(user, panel),
    }


def _detail(user, pk: int) -> dict:
    try:
        return _owner_out(user, selectors.panel_get_for(user, pk))
    except NotFound:
        return _expert_out(user, selectors.expert_assignment_get_for(user, pk))


def _list_row(p) -> dict:
    return {
        **_base(p, "owner"),
        "seed": p.seed,
        "applications": [_app_out(a) for a in p.applications.all()],
        "scores": [],
    }


@router.get("/directory/panels", response=Page[PanelOut], summary="本单位组织的专家组")
def panel_list(request, page: Query[PageQuery]):
    panels = selectors.panels_visible_to(request.user).prefetch_related("applications__institution")
    return paginate(panels, page, _list_row)


@router.get("/directory/expert/assignments", response=Page[PanelOut], summary="我的评议任务（专家）")
def expert_assignments(request, page: Query[PageQuery]):
    seats = selectors.assignments_for_expert(request.user)
    return paginate(seats, page, lambda m: _expert_out(request.user, m))


@router.post("/directory/panels", response={201: PanelOut}, summary="随机抽取专家组（SEL-8）")
def panel_draw(request, payload: PanelDrawIn):
    user = request.user
    apps = [app_selectors.application_get_for(user, pk) for pk in dict.fromkeys(payload.applications)]
    panel = services.panel_draw(actor=user, applications=apps, size=payload.size, seed=payload.seed)
    return Status(201, _owner_out(user, panel))


@router.get("/directory/panels/{panel_id}", response=PanelOut, summary="专家组详情")
def panel_detail(request, panel_id: PathId):
    return _detail(request.user, panel_id)


@router.post(
    "/directory/panels/{panel_id}/members/{member_id}/decline", response=MemberOut, summary="专家谢绝并补抽"
)
def panel_member_decline(request, panel_id: PathId, member_id: PathId, payload: DeclineIn):
    member = selectors.panel_member_get_for(request.user, panel_id, member_id)
    replacement = services.panel_member_decline(actor=request.user, member=member, reason=payload.reason)
    return _member_out(replacement)


@router.post("/directory/panels/{panel_id}/scores", response=ScoreOut, summary="提交评分与投票（专家）")
def score_submit(request, panel_id: PathId, payload: ScoreIn):
    member = selectors.expert_assignment_get_for(request.user, panel_id)
    application = member.panel.applications.filter(pk=payload.application).first()
    if application is None:
        raise NotFound()
    score = scores.score_submit(
        actor=request.user,
        panel=member.panel,
        application=application,
        score=payload.score,
        vote=payload.vote,
        comment=payload.comment,
    )
    return _score_out(score, with_expert=False)


@router.post("/directory/panels/{panel_id}/close", response=PanelOut, summary="结束评议")
def panel_close(request, panel_id: PathId):
    panel = selectors.panel_get_for(request.user, panel_id)
    panel = services.panel_close(actor=request.user, panel=panel)
    return _owner_out(request.user, panel)


@router.get("/directory/panels/{panel_id}/reproduce", response=ReproduceOut, summary="复算抽取结果（审计）")
def panel_reproduce(request, panel_id: PathId):
    panel = selectors.panel_get_for_audit(request.user, panel_id)
    return {"panel": panel.pk, **services.panel_reproduce_check(panel)}

"""API of question banks (EVL-2): the same services and scoped selectors as the pages. Lists show
metadata only (type, area, difficulty, status, statistics); an item's content is one route that needs
exam.items_view and audits every call. Another institution's staff and another region's official get
404; an official of the jurisdiction sees banks and counts, and 403 on content."""

from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from peiyu.core.cleaning_adapters import Text
from peiyu.core.errors import DomainError, PermissionDenied
from peiyu.core.lookups import one_or_404
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..models import RESPONSIBLE_DUTIES, EvaluationSession, Item, QuestionBank
from ..selectors import banks as sel
from ..selectors import items as item_sel
from ..services import banks as svc
from ..services import items as item_svc
from ..services.item_stats import item_stats_update

router = Router(tags=["exams"])


class BankOut(Schema):
    id: int
    institution_id: int
    institution_name: str = Field(description="评价机构")
    programme: str
    occupation_code: str = Field(description="职业（工种）编码")
    occupation_name: str
    level: str = Field(description="等级")
    direction: str = Field(description="方向")
    source: str = Field(description="题库来源：own 自行开发、purchased 购买、national 国家或省级题库")
    source_label: str
    provider_name: str
    provider_qualification: str
    purchase_contract: str
    responsibles: dict[str, str] = Field(
        description="责任人：writing 命题、transfer 传递、use 使用、grading 阅卷、archiving 归档"
    )
    blueprint_id: int | None
    approved_theory_items: int = Field(description="已审定理论试题数")
    approved_practical_sets: int = Field(description="已审定实操试题套数")


class BankDetailOut(BankOut):
    minimum_ok: bool | None = Field(description="是否达到最低题量（EVL-2）；策略未设定时为空")
    minimum_message: str
    status_counts: dict[str, int] = Field(description="各状态试题数")


class BankIn(Schema):
    occupation_code: str
    level: str
    direction: str = ""
    blueprint: int | None = None
    source: str = "own"
    provider_name: str = ""
    provider_qualification: str = ""
    purchase_contract: str = ""
    responsibles: dict[str, str] = Field(
        default_factory=dict, description=f"键：{'、'.join(RESPONSIBLE_DUTIES)}"
    )


class BankFilter(PageQuery):
    occupation: str = ""
    level: str = ""
    q: str = ""


class ItemOut(Schema):
    id: int
    bank_id: PathId
    code: str = Field(description="试题编号")
    item_type: str = Field(description="题型：single、multiple、true_false、fill、short、practical")
    area_code: str = Field(description="知识模块（权重表）")
    difficulty: int = Field(description="难度 1 易 … 5 难")
    status: str
    status_label: str
    version: int
    frozen: bool = Field(description="已组卷使用：修改只生成新版本")
    stat_responses: int
    facility: float | None = Field(description="通过率（难度系数）")
    discrimination: float | None = Field(description="区分度（点二列相关）")
    flagged: bool
    flag_reason: str


class ItemDetailOut(ItemOut):
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作")


class ItemFilter(PageQuery):
    item_type: str = ""
    area: str = ""
    difficulty: str = ""
    status: str = ""
    flagged: str = ""


class ItemIn(Schema):
    item_type: str = Field(description="题型")
    area_code: str
    difficulty: int = 3
    points: str = ""
    content: dict[str, Any] = Field(
        description="试题内容，格式见 ItemVersion：stem、options、answer、criteria …"
    )


class RevisionIn(Schema):
    area_code: str
    difficulty: int = 3
    points: str = ""
    content: dict[str, Any]


class ActionIn(Schema):
    action: str = Field(description="submit、review、approve、return、retire")
    reason: Annotated[str, Text(2000)] = ""


class ContentIn(Schema):
    version: int | None = Field(None, ge=1, description="版本（默认当前版本）")


class ContentOut(Schema):
    version: int
    content: dict[str, Any]


class StatsOut(Schema):
    items: int
    flagged: int
    responses: int


def _bank_out(b: QuestionBank) -> dict[str, Any]:
    theory, practical = sel.approved_counts(b.pk)
    return {**{f: getattr(b, f) for f in ("id", "institution_id", "programme", "occupation_code", "occupation_name",
                                          "level", "direction", "source", "provider_name", "provider_qualification",
                                          "purchase_contract", "blueprint_id")},
            "institution_name": b.institution.name, "source_label": b.get_source_display(),
            "responsibles": dict(b.responsibles or {}), "approved_theory_items": theory,
            "approved_practical_sets": practical}  # fmt: skip


def _bank_detail(b: QuestionBank) -> dict[str, Any]:
    out = _bank_out(b)
    try:
        check = sel.bank_minimum(b)
        out.update(minimum_ok=check.ok, minimum_message=check.message)
    except DomainError as exc:  # a profile without the parameter: say so instead of failing the read
        out.update(minimum_ok=None, minimum_message=exc.message)
    out["status_counts"] = sel.bank_status_counts(b)
    return out


def _item_out(it: Item) -> dict[str, Any]:
    return {**{f: getattr(it, f) for f in ("id", "bank_id", "code", "item_type", "area_code", "difficulty", "status",
                                           "version", "frozen", "stat_responses", "facility", "discrimination",
                                           "flagged", "flag_reason")},
            "status_label": it.get_status_display()}  # fmt: skip


def _item_detail(actor: Any, it: Item) -> dict[str, Any]:
    return {**_item_out(it), "allowed_actions": item_sel.item_allowed_actions(actor, it)}


@router.get("/exams/banks", response=Page[BankOut], summary="题库（本机构或本辖区，只含数量）")
def bank_list(request: Any, filters: Query[BankFilter]) -> Any:
    qs = sel.banks_filtered(request.auth, occupation=filters.occupation, level=filters.level, q=filters.q)
    return paginate(qs, filters, _bank_out)


@router.get("/exams/banks/{bank_id}", response=BankDetailOut, summary="题库详情与最低题量（EVL-2）")
def bank_get(request: Any, bank_id: PathId) -> Any:
    return _bank_detail(sel.bank_get_for(request.auth, bank_id))


@router.post("/exams/banks", response={201: BankDetailOut}, summary="建立题库")
def bank_create(request: Any, payload: BankIn) -> Any:
    org = getattr(request.auth, "primary_org", None)
    if org is None:
        raise PermissionDenied("您没有执行此操作的权限")
    bank = svc.bank_create(actor=request.auth, institution=org, data=payload.dict())
    return Status(201, _bank_detail(bank))


@router.get("/exams/banks/{bank_id}/items", response=Page[ItemOut], summary="题库试题（只含元数据）")
def item_list(request: Any, bank_id: PathId, filters: Query[ItemFilter]) -> Any:
    bank = sel.bank_get_for(request.auth, bank_id)
    qs = item_sel.items_of_bank(bank, item_type=filters.item_type, area=filters.area, difficulty=filters.difficulty,
                                status=filters.status, flagged=filters.flagged)  # fmt: skip
    return paginate(qs, filters, _item_out)


@router.post("/exams/banks/{bank_id}/items", response={201: ItemDetailOut}, summary="编写试题（草稿）")
def item_create(request: Any, bank_id: PathId, payload: ItemIn) -> Any:
    bank = sel.bank_get_for(request.auth, bank_id)
    data = {"area_code": payload.area_code, "difficulty": payload.difficulty, "points": payload.points,
            "content": payload.content}  # fmt: skip
    item = item_svc.item_create(actor=request.auth, bank=bank, item_type=payload.item_type, data=data)
    return Status(201, _item_detail(request.auth, item))


@router.get("/exams/items/{item_id}", response=ItemDetailOut, summary="试题（元数据）")
def item_get(request: Any, item_id: PathId) -> Any:
    return _item_detail(request.auth, item_sel.item_get_for(request.auth, item_id))


@router.post(
    "/exams/items/{item_id}/content",
    response=ContentOut,
    summary="查看试题内容（须有查看权限；每次查看记录留痕，故为写操作）",
)
def item_content(request: Any, item_id: PathId, payload: ContentIn) -> Any:
    item = item_sel.item_get_for(request.auth, item_id)
    content = item_svc.item_content(actor=request.auth, item=item, version=payload.version, purpose="api")
    return {"version": payload.version or item.version, "content": content}


@router.post("/exams/items/{item_id}/versions", response=ItemDetailOut, summary="修改试题（生成新版本）")
def item_revise(request: Any, item_id: PathId, payload: RevisionIn) -> Any:
    item = item_sel.item_get_for(request.auth, item_id)
    data = {"area_code": payload.area_code, "difficulty": payload.difficulty, "points": payload.points,
            "content": payload.content}  # fmt: skip
    return _item_detail(request.auth, item_svc.item_revise(actor=request.auth, item=item, data=data))


@router.post(
    "/exams/items/{item_id}/actions", response=ItemDetailOut, summary="提交审题、审题、审定、退回、停用"
)
def item_act(request: Any, item_id: PathId, payload: ActionIn) -> Any:
    item = item_sel.item_get_for(request.auth, item_id)
    item_svc.item_act(actor=request.auth, item=item, action=payload.action, reason=payload.reason)
    return _item_detail(request.auth, item_sel.item_get_for(request.auth, item_id))


@router.post(
    "/exams/sessions/{exam_session_id}/item-stats",
    response=StatsOut,
    summary="统计本批次试题的通过率和区分度",
)
def item_stats(request: Any, exam_session_id: PathId) -> Any:
    session = one_or_404(
        EvaluationSession.objects.filter(bank__in=sel.banks_visible_to(request.auth)), pk=exam_session_id
    )
    return item_stats_update(actor=request.auth, session=session)

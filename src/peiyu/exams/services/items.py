"""Writes of items (EVL-2; seed 001 Art. 17(2), seed 000 Art. 11(2)). An item is written (exam.bank_write),
submitted, reviewed (exam.bank_review) and approved (exam.bank_approve) by three different people: the
service refuses the same person twice, citing EVL-2, and stores the Decision either way. Every change
makes a new ItemVersion (content SM4-encrypted by its field, SM3 digest); a version is never edited. An
item that has appeared in a paper (`frozen`) keeps the version the paper used: a change makes a new
version that goes through review again. Reading an item's content needs exam.items_view of the bank's
institution, and every read is an audit event (`item_content`)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import REASON_MAX, clean_reason
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict, InvalidInput, InvalidTransition
from peiyu.core.models import Decision

from ..flows import ITEM_FLOW
from ..models import Item, ItemType, ItemVersion, QuestionBank
from ..rules import items as ir

ITEM_SUBJECT = "exams.item"
I = Item.Status  # noqa: E741
REVISABLE = (I.DRAFT, I.RETURNED, I.APPROVED)


def serialise(content: dict[str, Any]) -> str:
    """The stored text of a content: JSON with sorted keys, so the SM3 digest is reproducible."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def area_codes(bank: QuestionBank) -> list[str]:
    return list(bank.blueprint.areas.values_list("code", flat=True)) if bank.blueprint is not None else []


def clean_item(
    bank: QuestionBank, item_type: str, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(metadata, content) of an item from a form, the API or an import row; every problem per field.
    The knowledge area must be one of the bank's blueprint (EVL-2)."""
    content, errors = ir.clean_content(item_type, data.get("content") or data)
    meta: dict[str, Any] = {}
    area = str(data.get("area_code") or "").strip()
    if not bank.blueprint_id:
        errors.setdefault("area_code", []).append("本题库尚未选定权重表，请先由机构为题库选定权重表")
    else:
        check = ir.check_area(
            area, area_codes(bank), blueprint=bank.blueprint.title if bank.blueprint else ""
        )
        if not check.ok:
            errors.setdefault("area_code", []).append(check.message)
    meta["area_code"] = area
    problem = ir.check_difficulty(data.get("difficulty"))
    if problem:
        errors.setdefault("difficulty", []).append(problem)
    else:
        meta["difficulty"] = int(str(data.get("difficulty")).strip())
    raw_points = data.get("points")
    default = Decimal(100) if item_type == ItemType.PRACTICAL else Decimal(1)
    try:
        points = default if raw_points in (None, "") else Decimal(str(raw_points))
        if points <= 0 or points > 100 or points != points.quantize(Decimal("0.1")):
            raise InvalidOperation
        meta["points"] = points
    except (InvalidOperation, ValueError):
        errors.setdefault("points", []).append("参考分值应为0至100之间的数（最多一位小数）")
    if errors:
        raise InvalidInput("试题填写有误", fields=errors)
    return meta, content


def _next_code(bank: QuestionBank) -> str:
    n = Item.objects.filter(bank=bank).count() + 1
    while Item.objects.filter(bank=bank, code=f"{bank.pk}-{n:05d}").exists():
        n += 1
    return f"{bank.pk}-{n:05d}"


def _version(item: Item, number: int, content: dict[str, Any], points: Decimal, actor: Any) -> ItemVersion:
    body = serialise(content)
    return ItemVersion.objects.create(
        item=item,
        version=number,
        content=body,
        digest=sm3_hex(body.encode()),
        points=points,
        written_by=actor,
    )


def item_create(*, actor: Any, bank: QuestionBank, item_type: str, data: dict[str, Any]) -> Item:
    """Write a new item (version 1, 命题中) in the bank."""
    require(actor, "exam.bank_write", org_id=bank.institution_id)
    if item_type not in ItemType.values:
        raise InvalidInput("请选择题型", fields={"item_type": ["请选择题型"]})
    meta, content = clean_item(bank, item_type, data)
    with transaction.atomic():
        QuestionBank.objects.select_for_update().get(pk=bank.pk)  # one code at a time per bank
        item = Item.objects.create(
            bank=bank, code=_next_code(bank), item_type=item_type, area_code=meta["area_code"],
            difficulty=meta["difficulty"], written_by=actor,
        )  # fmt: skip
        version = _version(item, 1, content, meta["points"], actor)
        ITEM_FLOW.created(
            item, actor=actor, after={"version": 1, "digest": version.digest, "type": item_type}
        )
    return item


def item_revise(*, actor: Any, item: Item, data: dict[str, Any]) -> Item:
    """A new version of the item. A draft or returned item stays where it is; an approved one (frozen
    or not) goes back to review with the new version, while papers keep the version they used. An item
    under review waits for its verdict."""
    require(actor, "exam.bank_write", org_id=item.bank.institution_id)
    meta, content = clean_item(item.bank, item.item_type, data)
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("bank").get(pk=item.pk)
        if locked.status not in REVISABLE:
            raise Conflict(
                f"该试题当前状态为“{locked.get_status_display()}”，审题、审定完成前不能修改",
                code="item_not_revisable",
            )
        number = locked.version + 1
        version = _version(locked, number, content, meta["points"], actor)
        changes = {"version": number, "area_code": meta["area_code"], "difficulty": meta["difficulty"],
                   "written_by": actor, "reviewed_by": None, "approved_by": None, "approved_at": None}  # fmt: skip
        facts = {"version": number, "digest": version.digest, "frozen": locked.frozen}
        if locked.status == I.APPROVED:
            ITEM_FLOW.transition(
                locked, I.IN_REVIEW, actor=actor, reason="修改后重新审题", changes=changes, locked=True,
                audit_extra=facts,
            )  # fmt: skip
        else:
            for name, value in changes.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*changes, "updated_at"])
            audit_record(actor, "exam_item.revised", locked, after=facts)
    return locked


def item_content(
    *, actor: Any, item: Item, version: int | None = None, purpose: str = "view"
) -> dict[str, Any]:
    """The content of one version (the current one by default), for a holder of exam.items_view of the
    bank's institution; every read is an audit event with its purpose and digest."""
    require(actor, "exam.items_view", org_id=item.bank.institution_id)
    number = version or item.version
    row = item.versions.filter(version=number).first()
    if row is None:
        raise Conflict("该试题版本不存在", code="item_version_missing")
    audit_record(
        actor,
        "exam_item.content_viewed",
        item,
        after={"version": number, "digest": row.digest, "purpose": purpose},
    )
    content: dict[str, Any] = json.loads(row.content)
    return content


def item_submit(*, actor: Any, item: Item, reason: str = "") -> Item:
    require(actor, "exam.bank_write", org_id=item.bank.institution_id)
    ITEM_FLOW.transition(item, I.IN_REVIEW, actor=actor, reason=reason, changes={"return_reason": ""},
                         expected_from={I.DRAFT, I.RETURNED})  # fmt: skip
    return item


def _three_people(actor: Any, item: Item, step: str) -> Check:
    writer = item.versions.filter(version=item.version).values_list("written_by_id", flat=True).first()
    earlier: dict[str, int | None] = {"write": writer}
    if step == "approve":
        earlier["review"] = item.reviewed_by_id
    return ir.check_distinct_persons(step, actor.pk, earlier)


def _decide(actor: Any, item: Item, step: str, to: str, changes: dict[str, Any], reason: str = "") -> Item:
    """Review or approve under the three-person rule: the Decision is stored whether it passes or not;
    a refusal changes nothing else and cites EVL-2."""
    expected = I.IN_REVIEW if step == "review" else I.REVIEWED
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("bank").get(pk=item.pk)
        if locked.status != expected:
            raise InvalidTransition(
                f"该试题当前状态为“{locked.get_status_display()}”，不能{ir.STEP_LABELS[step]}",
                code="invalid_transition",
            )
        check = _three_people(actor, locked, step)
        decision = Decision.record(
            ITEM_SUBJECT,
            locked.pk,
            kind=f"item_{step}",
            outcome="done" if check.ok else "refused",
            checks=[check],
        )
        facts = {"decision": decision.pk, "version": locked.version}
        if check.ok:
            ITEM_FLOW.transition(locked, to, actor=actor, reason=reason, changes=changes, locked=True,
                                 audit_extra=facts)  # fmt: skip
        else:
            audit_record(actor, "exam_item.refused", locked, after={**facts, "step": step})
    refuse_failed([check], code="same_person", details={"decision": decision.pk})
    return locked


def item_review(*, actor: Any, item: Item, reason: str = "") -> Item:
    """审题通过: by a reviewer who did not write this version (EVL-2)."""
    require(actor, "exam.bank_review", org_id=item.bank.institution_id)
    return _decide(actor, item, "review", I.REVIEWED, {"reviewed_by": actor}, reason)


def item_approve(*, actor: Any, item: Item, reason: str = "") -> Item:
    """审定: by an approver who neither wrote nor reviewed this version (EVL-2)."""
    require(actor, "exam.bank_approve", org_id=item.bank.institution_id)
    return _decide(
        actor, item, "approve", I.APPROVED, {"approved_by": actor, "approved_at": timezone.now()}, reason
    )


def item_return(*, actor: Any, item: Item, reason: str = "") -> Item:
    """退回修改 with the reviewer's or approver's reason; the writer makes a new version."""
    reason = clean_reason(reason, label="退回意见", max_length=REASON_MAX)
    org = item.bank.institution_id
    reviewer = org in scope_for(actor, "exam.bank_review").org_ids
    require(actor, "exam.bank_review" if reviewer else "exam.bank_approve", org_id=org)
    ITEM_FLOW.transition(item, I.RETURNED, actor=actor, reason=reason, changes={"return_reason": reason},
                         expected_from={I.IN_REVIEW, I.REVIEWED})  # fmt: skip
    return item


def item_retire(*, actor: Any, item: Item, reason: str = "") -> Item:
    reason = clean_reason(reason, label="停用原因", max_length=REASON_MAX)
    require(actor, "exam.bank_approve", org_id=item.bank.institution_id)
    ITEM_FLOW.transition(item, I.RETIRED, actor=actor, reason=reason, expected_from={I.APPROVED})
    return item


ITEM_ACTIONS = {
    "submit": item_submit,
    "review": item_review,
    "approve": item_approve,
    "return": item_return,
    "retire": item_retire,
}


def item_act(*, actor: Any, item: Item, action: str, reason: str = "") -> Item:
    """One verb of ITEM_FLOW on the item, for the page and the API alike."""
    return dispatch(ITEM_ACTIONS, action, actor=actor, item=item, reason=reason)

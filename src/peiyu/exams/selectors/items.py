"""Reads of items (EVL-2): metadata only — type, knowledge area, difficulty, status, version, statistics.
An item's content is read only through `services.items.item_content`, which checks exam.items_view and
audits the view. The review queues of the to-do lists and the allowed verbs on an item are here too."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.lookups import one_or_404
from peiyu.core.workflow import Action

from ..flows import ITEM_FLOW
from ..models import Item, ItemType, QuestionBank
from .banks import bank_scope_q


def items_visible_to(actor: Any) -> QuerySet[Item]:
    return Item.objects.filter(bank_scope_q(actor, "bank__")).select_related("bank")


def item_get_for(actor: Any, item_id: object) -> Item:
    return one_or_404(items_visible_to(actor), pk=item_id)


def items_of_bank(
    bank: QuestionBank,
    *,
    item_type: str = "",
    area: str = "",
    difficulty: str = "",
    status: str = "",
    flagged: str = "",
    q: str = "",
) -> QuerySet[Item]:
    """A bank's items narrowed by the list's filters (unknown values narrow nothing)."""
    qs = Item.objects.filter(bank=bank)
    if item_type in ItemType.values:
        qs = qs.filter(item_type=item_type)
    if area:
        qs = qs.filter(area_code=area[:32])
    if str(difficulty).isdigit():
        qs = qs.filter(difficulty=int(difficulty))
    if status in Item.Status.values:
        qs = qs.filter(status=status)
    if flagged in ("1", "true", "on"):
        qs = qs.filter(flagged=True)
    if q:
        qs = qs.filter(code__icontains=q.strip()[:32])
    return qs.order_by("code", "pk")


def _queue(actor: Any, cap: str, status: str) -> QuerySet[Item]:
    orgs = scope_for(actor, cap).org_ids
    return (
        Item.objects.filter(bank__institution_id__in=sorted(orgs), status=status)
        .select_related("bank")
        .order_by("updated_at", "pk")
    )


def items_to_review(actor: Any) -> QuerySet[Item]:
    """Items submitted for review in the banks of the reviewer's institution, the oldest first."""
    return _queue(actor, "exam.bank_review", Item.Status.IN_REVIEW)


def items_to_approve(actor: Any) -> QuerySet[Item]:
    return _queue(actor, "exam.bank_approve", Item.Status.REVIEWED)


def items_flagged_for(actor: Any) -> QuerySet[Item]:
    """Items the statistics flag as doubtful, for the bank's reviewers and approvers."""
    orgs = scope_for(actor, "exam.bank_review").org_ids | scope_for(actor, "exam.bank_approve").org_ids
    return (
        Item.objects.filter(bank__institution_id__in=sorted(orgs), flagged=True)
        .exclude(status=Item.Status.RETIRED)
        .select_related("bank")
        .order_by("bank_id", "code")
    )


def item_allowed_actions(actor: Any, item: Item) -> list[str]:
    """The verbs of ITEM_FLOW open on the item for the actor (capability within the bank's
    institution); the three-person rule is checked by the service and shown by the page beforehand."""
    org = item.bank.institution_id

    def permits(action: Action) -> bool:
        return bool(action.capability) and org in scope_for(actor, action.capability).org_ids

    return ITEM_FLOW.allowed_actions(item, permits)


def item_may_revise(actor: Any, item: Item) -> bool:
    """A writer of the institution may make a new version of a draft, returned or approved item (an
    item under review waits for its verdict)."""
    return item.bank.institution_id in scope_for(actor, "exam.bank_write").org_ids and item.status in (
        Item.Status.DRAFT,
        Item.Status.RETURNED,
        Item.Status.APPROVED,
    )


def item_versions(item: Item) -> list[dict[str, Any]]:
    """The item's versions as metadata (who wrote each, when, its digest), newest first."""
    return [
        {"version": v.version, "written_by": v.written_by.username, "written_at": v.written_at, "digest": v.digest,
         "used": v.pk in used}
        for used in [set(item.paper_uses.values_list("version_id", flat=True))]
        for v in item.versions.select_related("written_by").order_by("-version")
    ]  # fmt: skip

"""Reads of question banks (EVL-2): the banks an actor may see (their institution's with any exam
capability; an official's jurisdiction with exam.supervise — metadata and counts only), one bank or 404,
a bank's counts against the profile's minimum, the blueprints a bank may use, and the verbs open to the
actor on a bank."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.checks import Check
from peiyu.core.lookups import one_or_404
from peiyu.core.policy import policy_for

from ..models import Blueprint, Item, ItemType, QuestionBank
from ..rules.banks import check_bank_minimum

BANK_CAPS = (
    "exam.manage",
    "exam.supervise",
    "exam.bank_write",
    "exam.bank_review",
    "exam.bank_approve",
    "exam.items_view",
)


def approved_counts(bank_id: int) -> tuple[int, int]:
    """(approved theory items, approved practical sets) of a bank: what EVL-2's minimum counts."""
    counts = Item.objects.filter(bank_id=bank_id, status=Item.Status.APPROVED).aggregate(
        practical=Count("id", filter=Q(item_type=ItemType.PRACTICAL)),
        theory=Count("id", filter=~Q(item_type=ItemType.PRACTICAL)),
    )
    return int(counts["theory"]), int(counts["practical"])


def bank_scope_q(actor: Any, prefix: str = "") -> Q:
    """Banks the actor may see: their institution's (any exam capability) or, for an official, those of
    their jurisdiction (exam.supervise)."""
    q = Q(pk__in=[])
    for cap in BANK_CAPS:
        scope = scope_for(actor, cap)
        if scope.granted:
            q |= scope.q(region=f"{prefix}region_code", org=f"{prefix}institution_id")
    return q


def banks_visible_to(actor: Any) -> QuerySet[QuestionBank]:
    return QuestionBank.objects.filter(bank_scope_q(actor)).select_related("institution", "blueprint")


def bank_get_for(actor: Any, bank_id: object) -> QuestionBank:
    return one_or_404(banks_visible_to(actor), pk=bank_id)


def banks_filtered(
    actor: Any, *, occupation: str = "", level: str = "", q: str = ""
) -> QuerySet[QuestionBank]:
    qs = banks_visible_to(actor)
    occupation = (occupation or "").strip()[:50]
    if occupation:
        qs = qs.filter(Q(occupation_code=occupation) | Q(occupation_name__contains=occupation))
    if (level or "").strip():
        qs = qs.filter(level=level.strip()[:16])
    text = (q or "").strip()[:100]
    if text:
        qs = qs.filter(Q(occupation_name__contains=text) | Q(institution__name__contains=text))
    return qs.annotate(
        theory=Count("items", filter=Q(items__status=Item.Status.APPROVED) & ~Q(items__item_type=ItemType.PRACTICAL)),
        practical=Count("items", filter=Q(items__status=Item.Status.APPROVED, items__item_type=ItemType.PRACTICAL)),
    ).order_by("institution__name", "occupation_code", "level", "pk")  # fmt: skip


def bank_minimum(bank: QuestionBank) -> Check:
    """The bank's approved counts against `bank_min_theory_items` / `bank_min_practical_sets` of the
    profile in force for its programme and region (EVL-2)."""
    policy = policy_for(bank.programme, bank.region_code, on=timezone.localdate())
    theory, practical = approved_counts(bank.pk)
    return check_bank_minimum(
        theory,
        practical,
        min_theory=int(policy["bank_min_theory_items"]),
        min_practical=int(policy["bank_min_practical_sets"]),
    )


def bank_status_counts(bank: QuestionBank) -> dict[str, int]:
    """How many items of the bank are in each status (metadata only)."""
    rows = Item.objects.filter(bank=bank).values("status").annotate(n=Count("id")).order_by()
    return {r["status"]: r["n"] for r in rows}


def blueprints_for(institution_id: int, occupation_code: str, level: str) -> QuerySet[Blueprint]:
    """The active blueprints a bank of the institution for the occupation and level may use: reference
    blueprints (the standard's, or labelled samples) and the institution's own copies, its own first,
    then the standard's before samples."""
    return (
        Blueprint.objects.filter(occupation_code=occupation_code, level=level, is_active=True)
        .filter(Q(institution__isnull=True) | Q(institution_id=institution_id))
        .order_by("-institution_id", "is_sample", "-pk")
    )


def bank_permits(actor: Any, bank: QuestionBank) -> dict[str, bool]:
    """What the actor may do on this bank, from capability and scope (the services check again)."""
    org = bank.institution_id

    def has(cap: str) -> bool:
        return org in scope_for(actor, cap).org_ids

    return {
        "manage": has("exam.manage"),
        "write": has("exam.bank_write"),
        "review": has("exam.bank_review"),
        "approve": has("exam.bank_approve"),
        "view_content": has("exam.items_view"),
        "stats": has("exam.bank_review") or has("exam.bank_approve") or has("exam.manage"),
    }

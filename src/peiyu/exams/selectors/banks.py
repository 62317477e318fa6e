"""Reads of question banks."""

from __future__ import annotations

from django.db.models import Count, Q

from ..models import Item, ItemType


def approved_counts(bank_id: int) -> tuple[int, int]:
    """(approved theory items, approved practical sets) of a bank: what EVL-2's minimum counts."""
    counts = Item.objects.filter(bank_id=bank_id, status=Item.Status.APPROVED).aggregate(
        practical=Count("id", filter=Q(item_type=ItemType.PRACTICAL)),
        theory=Count("id", filter=~Q(item_type=ItemType.PRACTICAL)),
    )
    return int(counts["theory"]), int(counts["practical"])

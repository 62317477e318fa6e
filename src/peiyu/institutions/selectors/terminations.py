"""Reads of a termination (注销, DIR-6): the work still pending under a listing, as the later apps
report it through the extension point `listing.pending`. The write is in services.terminations."""

from __future__ import annotations

from typing import Any

from peiyu.core.registry import extensions

from ..models import Listing

# Extension point the later apps (training, exams, certificates) contribute to from their hooks
# (core.registry.register_extension): fn(listing) → [{"label": "在训学员", "count": 12, "url": "..."}] —
# work a termination must not drop.
PENDING_POINT = "listing.pending"


def pending_work(listing: Listing) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for fn in extensions(PENDING_POINT):
        items.extend(fn(listing))
    return items

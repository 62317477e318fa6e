"""The region tree (GB/T 2260): public reference data (CAT-4), not scoped."""

from __future__ import annotations

from django.db.models import QuerySet

from peiyu.core.lookups import one_or_404

from ..models import Region


def regions_children(parent_code: str | None) -> QuerySet[Region]:
    qs = Region.objects.active()
    return qs.filter(parent_id=parent_code) if parent_code else qs.filter(level=Region.Level.PROVINCE)


def region_get(code: str) -> Region:
    return one_or_404(Region.objects.all(), "行政区划代码不存在", pk=code)

"""What the catalog's search form offers (regions, levels, occupations), kept per process for a
while since it is reference data."""

from __future__ import annotations

import threading
import time
from typing import Any

from peiyu.accounts.models import Region
from peiyu.catalogs.selectors import level_rows_in_force, occupation_rows_in_force

from .catalog_filters import PLACEHOLDER_REGION_NAMES
from .catalog_rows import forget_region_names, labels

# Regions, levels and occupations are reference data: each process keeps what the form offers for
# CHOICES_TTL seconds (a region renamed or an occupation added shows within that time).
CHOICES_TTL = 300.0
_choices_memo: dict[str, Any] = {}
_choices_lock = threading.Lock()


def choices_memo() -> dict[str, Any]:
    """The form's reference data, read at most every CHOICES_TTL seconds."""
    with _choices_lock:
        data = _choices_memo.get("data")
        if data is not None and time.monotonic() - data["loaded"] <= CHOICES_TTL:
            return data
    regions = [
        (code, name, level, parent)
        for code, name, level, parent in Region.objects.active()
        .filter(level__lte=Region.Level.CITY)
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
        if name not in PLACEHOLDER_REGION_NAMES
    ]
    levels = level_rows_in_force()
    occupations = occupation_rows_in_force()
    data = {
        "loaded": time.monotonic(),
        "regions": tuple(regions),
        "levels": tuple((kind, name) for kind, name, _aliases in levels),
        "level_aliases": tuple((name, tuple(aliases or ())) for _kind, name, aliases in levels),
        "occupations": tuple(occupations),
    }
    with _choices_lock:
        _choices_memo["data"] = data
    return data


def forget_memos() -> None:
    """Drop the process-local region names and form choices (tests; after reference data loads)."""
    forget_region_names()
    with _choices_lock:
        _choices_memo.clear()


def catalog_filter_choices() -> dict[str, Any]:
    """What the search form offers: programmes, kinds, statuses, levels (kind, name), occupations
    (code, name, programme) and regions (provinces and their cities: code, name, level, parent
    code). `version` changes whenever the lists are read again."""
    data = choices_memo()
    text = labels()
    return {
        "version": data["loaded"],
        "programmes": tuple(text["programme"].items()),
        "kinds": tuple(text["kind"].items()),
        "statuses": tuple(text["status_filter"].items()),
        "levels": data["levels"],
        "occupations": data["occupations"],
        "regions": data["regions"],
    }

"""Human-readable reference numbers (申报编号, 公示编号, 受理编号, 目录编号): a prefix, the date and six
random digits. Random rather than sequential so a number reveals nothing about volumes and cannot be
guessed from a neighbour; the model's unique index is the final guard."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models


def reference_number(
    prefix: str, model: type[models.Model], field: str = "number", on: dt.date | None = None
) -> str:
    from django.utils import timezone

    day = on or timezone.localdate()
    for _ in range(20):
        candidate = f"{prefix}{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not model._default_manager.filter(**{field: candidate}).exists():
            return candidate
    raise RuntimeError("could not draw a free reference number")

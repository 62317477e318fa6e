"""The API's JSON: datetimes in ISO 8601 with the platform's offset (Asia/Shanghai, `+08:00`), the same
moment the pages show as `2026-11-17 19:00`, never a UTC `Z` a client would have to convert for display."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

__all__ = ["LocalTimeJSONEncoder", "LocalTimeJSONRenderer", "local_iso"]


def local_iso(value: dt.datetime) -> str:
    """An aware datetime as the API writes it: in the platform's time zone (settings.TIME_ZONE; no
    request activates another), to the second (or the millisecond when it has a fraction) — also for
    the hot paths that write their answer themselves."""
    local = value.astimezone(timezone.get_default_timezone())
    return local.isoformat(timespec="seconds" if not local.microsecond else "milliseconds")


class LocalTimeJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            return local_iso(o)
        return super().default(o)


class LocalTimeJSONRenderer(JSONRenderer):
    encoder_class = LocalTimeJSONEncoder

"""The API's JSON: datetimes in ISO 8601 with the platform's offset (Asia/Shanghai, `+08:00`), the same
moment the pages show as `2026-11-17 19:00`, never a UTC `Z` a client would have to convert for display."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

__all__ = ["LocalTimeJSONEncoder", "LocalTimeJSONRenderer"]


class LocalTimeJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
            return o.isoformat(timespec="seconds" if not o.microsecond else "milliseconds")
        return super().default(o)


class LocalTimeJSONRenderer(JSONRenderer):
    encoder_class = LocalTimeJSONEncoder

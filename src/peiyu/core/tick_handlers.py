"""Foundation tick handlers: expired sessions, and a warning for missing holiday data
(registered by core.hooks)."""

from __future__ import annotations

import datetime as dt
import logging

logger = logging.getLogger("peiyu.tick")


def clear_expired_sessions(now: dt.datetime) -> int:
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return int(deleted)


def check_calendar(now: dt.datetime) -> int:
    from .calendar import years_without_data

    today = now.date()
    missing = years_without_data(today, today + dt.timedelta(days=400))
    for year in missing:
        logger.warning("%s年没有官方节假日数据：请管理员录入", year)
    return 0

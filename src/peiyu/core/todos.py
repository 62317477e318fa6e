"""Foundation to-dos: calendar data for the coming year, and the audit chain's weekly check
(registered by core.hooks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .permissions import has_capability
from .registry import TodoItem


def calendar_todo(user: Any) -> list[TodoItem]:
    if not has_capability(user, "calendar.manage"):
        return []
    from .calendar import years_without_data

    today = timezone.localdate()
    missing = years_without_data(today, today + dt.timedelta(days=400))
    return [
        TodoItem(
            title=_("录入%(year)d年节假日安排") % {"year": year},
            url=reverse("admin:core_holiday_add"),
            deadline=dt.date(year, 1, 1),
            detail=_("该年尚无官方节假日数据，工作日暂按周一至周五计算"),
            rule="SEL-7 CRT-3",
            kind="calendar",
            overdue=dt.date(year, 1, 1) <= today,
        )
        for year in missing
    ]


def audit_todo(user: Any) -> list[TodoItem]:
    if not has_capability(user, "audit.verify"):
        return []
    from peiyu.audit.models import AuditEvent

    week_ago = timezone.now() - dt.timedelta(days=7)
    if AuditEvent.objects.filter(action="audit.verified", at__gte=week_ago).exists():
        return []
    return [
        TodoItem(
            title=_("校验审计哈希链（每周）"),
            url=reverse("audit:verify"),
            deadline=timezone.localdate(),
            detail=_("最近7天未校验审计链"),
            rule="SEC-2",
            kind="audit",
        )
    ]

"""The demo's call in the making (journey 12): a draft of the Liaoning department's next call, its quotas,
exclusions and founding cutoff pre-filled from the profile, which the provincial official completes and
publishes (申报通知管理 → the draft → 发布), or starts anew (起草申报通知)."""

from __future__ import annotations

import datetime as dt

from peiyu.accounts.models import User

from ..models import Call
from ..services.calls import call_create
from .support import ALL_DTE

DRAFT_CODE = "liaoning-dte-2027-draft"


def draft(official: User, today: dt.date) -> Call:
    existing = Call.objects.filter(code=DRAFT_CODE).first()
    if existing is not None:
        return existing
    return call_create(
        actor=official,
        code=DRAFT_CODE,
        region_code="210000",
        title="（演示）辽宁省数字技术工程师培育项目第三批培训机构和评价机构申报",
        programme="dte",
        kinds=["training", "evaluation"],
        occupation_codes=ALL_DTE,
        levels=["初级", "中级", "高级"],
        opens_on=today + dt.timedelta(days=7),
        deadline=today + dt.timedelta(days=60),
        body="演示用草稿：核对申报数量等预填项后发布。申报条件与程序同辽宁省第二批申报通知（004）。",
        source="演示数据，依据 004",
    )

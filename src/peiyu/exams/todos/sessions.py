"""To-dos of exam sessions on the workbench, from the deadlines stored on each session (rules.sessions):
for the institution's exam managers, sessions to announce (by `announce_by`), eligibility reviews to
finish (by `review_due_on`) and rooms to prepare; for the bureaus of the region (and, for DTE, the
coordination group), the sessions whose exam starts within STARTING_SOON_DAYS. One query each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.scoping import scope_for
from peiyu.core.registry import TodoItem

from ..models import EvaluationSession
from ..rules.sessions import STARTING_SOON_DAYS

S = EvaluationSession.Status
LIMIT = 200


def _own(user: Any, status: str) -> list[EvaluationSession]:
    orgs = scope_for(user, "exam.manage").org_ids
    if not orgs:
        return []
    return list(
        EvaluationSession.objects.filter(institution_id__in=sorted(orgs), status=status).order_by(
            "theory_starts_at", "pk"
        )[:LIMIT]
    )


def _item(
    s: EvaluationSession, title: str, deadline: dt.date | None, kind: str, detail: str = ""
) -> TodoItem:
    today = timezone.localdate()
    return TodoItem(
        title=title % {"title": s.title},
        url=reverse("exams:session_detail", args=[s.pk]),
        deadline=deadline,
        rule="EVL-5",
        detail=detail
        or _("批次 %(n)s · 理论考试 %(at)s")
        % {"n": s.number, "at": timezone.localtime(s.theory_starts_at).strftime("%Y-%m-%d %H:%M")},
        kind=kind,
        overdue=deadline is not None and deadline < today,
    )


def sessions_to_announce(user: Any) -> list[TodoItem]:
    return [
        _item(s, _("发布考核公告：%(title)s"), s.announce_by, "exam_session_announce")
        for s in _own(user, S.DRAFT)
    ]


def reviews_to_finish(user: Any) -> list[TodoItem]:
    return [
        _item(s, _("完成资格审核：%(title)s"), s.review_due_on, "exam_session_review")
        for s in _own(user, S.ELIGIBILITY)
    ]


def rooms_to_prepare(user: Any) -> list[TodoItem]:
    return [
        _item(s, _("编排考场和座位：%(title)s"), timezone.localdate(s.theory_starts_at), "exam_session_rooms")
        for s in _own(user, S.ROOMS)
    ]


def sessions_starting_soon(user: Any) -> list[TodoItem]:
    """The bureau's view: sessions of its region whose theory exam starts within the coming days."""
    supervise, group = scope_for(user, "exam.supervise"), scope_for(user, "supervision.manage")
    q = Q(pk__in=[])
    if supervise.region_prefixes:
        q |= supervise.q(region="region_code")
    if group.region_prefixes:
        q |= group.q(region="region_code") & Q(programme="dte")
    if q == Q(pk__in=[]):
        return []
    now = timezone.now()
    rows = (
        EvaluationSession.objects.filter(
            q, theory_starts_at__gte=now, theory_starts_at__lte=now + dt.timedelta(days=STARTING_SOON_DAYS)
        )
        .exclude(status__in=[S.DRAFT, S.CANCELLED])
        .select_related("institution")
        .order_by("theory_starts_at", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            title=_("即将开考：%(inst)s · %(title)s") % {"inst": s.institution.name, "title": s.title},
            url=reverse("exams:session_detail", args=[s.pk]),
            deadline=timezone.localdate(s.theory_starts_at),
            rule="EVL-3",
            detail=_("%(state)s · 可安排外部质量督导") % {"state": s.get_status_display()},
            kind="exam_session_soon",
        )
        for s in rows
    ]

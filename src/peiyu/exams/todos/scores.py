"""To-dos of the score notice on the institution's workbench (EVL-5): objections to answer (accept for
re-marking or dismiss) by their `due_on`, accepted objections waiting for the re-marking, sessions
graded and ready for their notice, and notices ended but held (an objection unsettled, or a re-marking
that changed a result and needs a new notice)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 200


def score_todos(user: Any) -> list[TodoItem]:
    from ..models import EvaluationSession, ScoreNotice, ScoreObjection
    from ..selectors.scores import manages, objections_visible_to, result_sessions_visible_to

    today = timezone.localdate()
    items: list[TodoItem] = []
    open_ = objections_visible_to(user).filter(
        status__in=[ScoreObjection.Status.OPEN, ScoreObjection.Status.ACCEPTED]
    )
    for obj in open_.order_by("due_on", "id")[:LIMIT]:
        session = obj.notice.session
        if not manages(user, session):
            continue
        accepted = obj.status == ScoreObjection.Status.ACCEPTED
        items.append(
            TodoItem(
                title=(_("成绩异议待录入复核成绩：%(no)s") if accepted else _("成绩异议待处理：%(no)s"))
                % {"no": obj.tracking_number},
                url=reverse("exams:score_objection_detail", args=[obj.pk]),
                deadline=obj.due_on,
                rule="EVL-5",
                detail=_("%(session)s %(title)s") % {"session": session.number, "title": session.title},
                kind="score_objection",
                overdue=bool(obj.due_on and obj.due_on < today),
            )
        )
    sessions = result_sessions_visible_to(user).filter(
        status__in=[EvaluationSession.Status.GRADING, EvaluationSession.Status.NOTICE]
    )
    for session in sessions.order_by("theory_starts_at", "id")[:LIMIT]:
        if not manages(user, session):
            continue
        if session.status == EvaluationSession.Status.GRADING:
            items.append(
                TodoItem(
                    title=_("考核批次待发布成绩公示：%(title)s") % {"title": session.title},
                    url=reverse("exams:score_results", args=[session.pk]),
                    deadline=session.grading_due_on,
                    rule="EVL-5",
                    detail=session.number,
                    kind="score_notice_due",
                    overdue=bool(session.grading_due_on and session.grading_due_on < today),
                )
            )
            continue
        ended = session.score_notices.filter(status=ScoreNotice.Status.PUBLISHED, ends_on__lt=today).first()
        if ended is not None:
            items.append(
                TodoItem(
                    title=_("成绩公示期满待生成证书数据：%(title)s") % {"title": session.title},
                    url=reverse("exams:score_results", args=[session.pk]),
                    deadline=ended.ends_on,
                    rule="EVL-5",
                    detail=session.number,
                    kind="score_notice_ended",
                    overdue=True,
                )
            )
    return items

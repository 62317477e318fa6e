"""To-dos of registration (EVL-8) on the workbench: an evaluation institution's sessions with
registrations waiting for the eligibility review, each with its deadline (the session's stored review
deadline, else the closing day of registration); a candidate's registrations returned for correction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.registry import TodoItem

LIMIT = 200


def review_todos(user: Any) -> list[TodoItem]:
    from ..models import EvaluationSession, Registration

    scope = scope_for(user, "exam.manage")
    if not scope.org_ids:
        return []
    today = timezone.localdate()
    rows = (
        EvaluationSession.objects.filter(
            institution_id__in=scope.org_ids, registrations__status=Registration.Status.SUBMITTED
        )
        .distinct()
        .order_by("registration_closes_on", "pk")[:LIMIT]
    )
    items = []
    for s in rows:
        waiting = s.registrations.filter(status=Registration.Status.SUBMITTED).count()
        due = s.review_due_on or s.registration_closes_on
        items.append(
            TodoItem(
                title=f"报名待资格审核：{s.number} {s.occupation_name}{s.level}（{waiting}人）",
                url=reverse("exams:registration_session", args=[s.pk]) + "?status=submitted",
                deadline=due,
                rule="EVL-8",
                detail=f"审核期限 {due.isoformat()}",
                kind="exam_registration_review",
                overdue=due < today,
            )
        )
    return items


def returned_todos(user: Any) -> list[TodoItem]:
    from ..models import Registration

    if not getattr(user, "is_authenticated", False):
        return []
    rows = Registration.objects.filter(
        person__user_id=user.pk, status=Registration.Status.RETURNED
    ).select_related("session")[:LIMIT]
    return [
        TodoItem(
            title=f"报名被退回补正：{r.session.occupation_name}{r.session.level}",
            url=reverse("exam_public:registration_mine", args=[r.pk]),
            deadline=r.session.registration_closes_on,
            rule="EVL-8",
            detail=r.review_reason[:100],
            kind="exam_registration_returned",
            overdue=r.session.registration_closes_on < timezone.localdate(),
        )
        for r in rows
    ]

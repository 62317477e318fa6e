"""To-dos of registration (EVL-8) on the workbench: an evaluation institution's sessions with
registrations waiting for the eligibility review, each with its deadline (the session's stored review
deadline, else the closing day of registration); a candidate's registrations returned for correction, and
the exams she is to sit (each sitting of an approved registration that has not ended: when, where, her
admission ticket), dated by the sitting's day."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.registry import TodoItem
from peiyu.core.templatetags.display import local

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


def sittings_ahead(user: Any) -> list[TodoItem]:
    """The candidate's exams to sit (EVL-6): her theory sitting (unless exempt) and practical sitting of
    each approved registration, until the sitting has ended (none of a cancelled session)."""
    from ..models import EvaluationSession, Registration

    if not getattr(user, "is_authenticated", False):
        return []
    now = timezone.now()
    rows = (
        Registration.objects.filter(person__user_id=user.pk, status=Registration.Status.APPROVED)
        .exclude(session__status=EvaluationSession.Status.CANCELLED)
        .select_related("session", "theory_sitting__room__site", "practical_sitting__room__site")
        .order_by("pk")[:LIMIT]
    )
    items: list[tuple[Any, TodoItem]] = []
    for r in rows:
        for sitting in (None if r.theory_exempt else r.theory_sitting, r.practical_sitting):
            if sitting is None or sitting.ends_at <= now:
                continue
            place = f"{sitting.room.site.name} {sitting.room.name}（{sitting.room.site.address}）"
            ticket = f"准考证号 {r.ticket_number}" if r.ticket_number else "准考证尚未生成"
            items.append((
                sitting.starts_at,
                TodoItem(
                    title=f"参加{sitting.get_kind_display()}：{r.session.occupation_name}{r.session.level}，"
                    f"{local(sitting.starts_at)}",
                    url=reverse("exam_public:registration_mine", args=[r.pk]),
                    deadline=timezone.localdate(sitting.starts_at),
                    rule="EVL-6",
                    detail=f"{place} · {ticket}",
                    kind="exam_sitting_ahead",
                    overdue=False,
                ),
            ))  # fmt: skip
    return [item for _at, item in sorted(items, key=lambda pair: pair[0])]

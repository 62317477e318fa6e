"""To-dos of exam incidents (EVL-11): a severe incident reported to the user's organisation (the local
HRSS bureau, the recommending industry authority, the coordination group) until it is acknowledged, with
the report deadline; overdue once the deadline has passed. Pending resumption requests of the proctor's
sittings (EVL-6), due at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem


def incidents_to_acknowledge(user: Any) -> list[TodoItem]:
    from ..selectors.incidents import reports_awaiting

    today = timezone.localdate()
    items = []
    for incident, report in reports_awaiting(user):
        due = dt.date.fromisoformat(report["due_on"])
        items.append(
            TodoItem(
                title=_("考务事件报告待签收：%(session)s %(reason)s")
                % {"session": incident.session.title, "reason": incident.get_reason_display()},
                url=reverse("exams:incident_detail", args=[incident.pk]),
                deadline=due,
                rule="EVL-11",
                detail=incident.description[:120],
                kind="exam_incident",
                overdue=due < today,
            )
        )
    return items


def resumptions_to_decide(user: Any) -> list[TodoItem]:
    from ..models import ResumeRequest
    from ..selectors.proctor import sittings_proctored_by

    pending = ResumeRequest.objects.filter(
        status=ResumeRequest.Status.PENDING, attempt__sitting__in=sittings_proctored_by(user)
    ).select_related("attempt__registration", "attempt__sitting")
    return [
        TodoItem(
            title=_("续考申请待确认：准考证号 %(ticket)s") % {"ticket": p.attempt.registration.ticket_number},
            url=reverse("exams:proctor_console", args=[p.attempt.sitting_id]),
            deadline=timezone.localdate(),
            rule="EVL-6",
            kind="exam_resume",
        )
        for p in pending[:50]
    ]

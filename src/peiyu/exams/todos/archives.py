"""To-dos of evaluation archives (EVL-10): the institution's records whose retention period has ended, to
be disposed of with a reason or kept on."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 100


def records_past_retention(user: Any) -> list[TodoItem]:
    from ..selectors.archives import records_past_retention

    return [
        TodoItem(
            title=_("档案保管期满：%(title)s（%(session)s）")
            % {"title": r.title, "session": r.session.number},
            url=reverse("exams:archive_session", args=[r.session_id]) + f"#record-{r.pk}",
            deadline=r.retain_until,
            rule="EVL-10",
            detail=_("保管期限至 %(on)s，可说明依据后销毁")
            % {"on": r.retain_until.isoformat() if r.retain_until else ""},
            kind="exam_archive_retention",
        )
        for r in records_past_retention(user)[:LIMIT]
    ]

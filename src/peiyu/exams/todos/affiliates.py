"""To-dos of the training conflict (EVL-9): the bureaus' flagged institutions of their jurisdiction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem


def flagged_institutions(user: Any) -> list[TodoItem]:
    from ..selectors.affiliates import flagged_institutions

    return [
        TodoItem(
            title=_("评价机构存在培训评价冲突：%(inst)s") % {"inst": f.institution.name},
            url=reverse("exams:affiliate_list") + "#flagged",
            deadline=timezone.localdate(f.decision.created_at),
            rule="EVL-9",
            detail="；".join(str(c.get("message", "")) for c in f.hits)[:200],
            kind="exam_training_conflict",
        )
        for f in flagged_institutions(user)
    ]

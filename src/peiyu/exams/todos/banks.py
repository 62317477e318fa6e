"""To-dos of question banks on the workbench: items waiting for the reviewer (审题) and for the approver
(审定) of the institution, and items the statistics flag as doubtful (EVL-2)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 100


def _rows(items: Any, title: str, kind: str) -> list[TodoItem]:
    return [
        TodoItem(
            title=title % {"code": it.code, "bank": str(it.bank), "type": it.get_item_type_display()},
            url=reverse("exams:item_detail", args=[it.pk]),
            rule="EVL-2",
            detail=it.flag_reason if kind == "item_flagged" else it.get_status_display(),
            kind=kind,
        )
        for it in items[:LIMIT]
    ]


def review_todos(user: Any) -> list[TodoItem]:
    from ..selectors.items import items_to_review

    return _rows(items_to_review(user), _("试题待审题：%(bank)s · %(type)s %(code)s"), "item_review")


def approve_todos(user: Any) -> list[TodoItem]:
    from ..selectors.items import items_to_approve

    return _rows(items_to_approve(user), _("试题待审定：%(bank)s · %(type)s %(code)s"), "item_approve")


def flagged_todos(user: Any) -> list[TodoItem]:
    from ..selectors.items import items_flagged_for

    return _rows(items_flagged_for(user), _("存疑试题待复查：%(bank)s · %(code)s"), "item_flagged")

"""To-dos of invalidation (CRT-7): the institution's statements awaited (by the stored deadline), and the
official's findings ready for a decision (the statement arrived, or its deadline passed without one)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 100


def statements_due(user: Any) -> list[TodoItem]:
    from ..selectors.invalidations import statements_due

    today = timezone.localdate()
    return [
        TodoItem(
            title=_("证书无效认定：请说明情况（%(number)s %(cause)s）")
            % {"number": inv.certificate.number, "cause": inv.get_cause_display()},
            url=reverse("certificates:invalidation_detail", args=[inv.pk]),
            deadline=inv.statement_due,
            rule="CRT-7",
            detail=_("主管部门认定前，须由发证机构就查实情况作出事实说明"),
            kind="certificate_invalidation_statement",
            overdue=inv.statement_due is not None and inv.statement_due < today,
        )
        for inv in statements_due(user)[:LIMIT]
    ]


def decisions_due(user: Any) -> list[TodoItem]:
    from ..models import Invalidation
    from ..selectors.invalidations import decisions_due

    today = timezone.localdate()
    return [
        TodoItem(
            title=(
                _("证书无效认定：机构已说明情况，待决定（%(number)s）")
                if inv.status == Invalidation.Status.STATED
                else _("证书无效认定：机构逾期未说明，待决定（%(number)s）")
            )
            % {"number": inv.certificate.number},
            url=reverse("certificates:invalidation_detail", args=[inv.pk]),
            deadline=inv.statement_due,
            rule="CRT-7",
            detail=str(inv.get_cause_display()),
            kind="certificate_invalidation_decision",
            overdue=inv.status == Invalidation.Status.OPENED
            and bool(inv.statement_due and inv.statement_due < today),
        )
        for inv in decisions_due(user, today)[:LIMIT]
    ]

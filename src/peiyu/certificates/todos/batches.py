"""To-dos of the issuance pipeline (CRT-3) on each workbench, overdue from the deadlines stored when each
step started: the institution's sessions whose certificate data is still to be made (on the DTE route by
the day it is due at the province, `cert_submit_days` after the exam), batches to submit (by
`submit_due`), to correct after a return, to issue (by `issue_due`) and, on the skill route, to report
to the city; the province's batches to confirm and to forward (both by `confirm_due`: one step of the
province's); the coordination group office's batches to approve (no deadline is set for it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 200


def _item(batch: Any, title: str, kind: str, due: Any = None) -> TodoItem:
    today = timezone.localdate()
    return TodoItem(
        title=title % {"number": batch.number},
        url=reverse("certificates:batch_detail", args=[batch.pk]),
        deadline=due,
        rule="CRT-3",
        detail=f"{batch.session.title}（{batch.institution.name}）",
        kind=kind,
        overdue=bool(due and due < today),
    )


def institution_todos(user: Any) -> list[TodoItem]:
    from peiyu.exams.selectors.scores import exam_days

    from ..models import IssuanceBatch
    from ..rules.batches import PROVINCE_CG
    from ..selectors.batches import batches_visible_to, issues_for, route_and_submit_due, sessions_ready

    B = IssuanceBatch.Status
    ready = sessions_ready(user)
    days = exam_days([s.pk for s in ready])
    items = []
    for s in ready:
        due = route_and_submit_due(s.programme, s.region_code, days[s.pk])[2] if s.pk in days else None
        items.append(
            TodoItem(
                title=_("考核批次待生成证书数据：%(title)s") % {"title": s.title},
                url=reverse("certificates:batch_new") + f"?session={s.pk}",
                deadline=due,
                rule="SEC-2 CRT-3" if due else "SEC-2",
                detail=s.number,
                kind="certificate_batch_new",
                overdue=bool(due and due < timezone.localdate()),
            )
        )
    wanted = [B.DRAFT, B.RETURNED, B.APPROVED, B.ISSUED]
    for batch in batches_visible_to(user).filter(status__in=wanted).order_by("pk")[:LIMIT]:
        if not issues_for(user, batch):
            continue
        dte = batch.route == PROVINCE_CG
        if batch.status == B.DRAFT:
            items.append(
                _item(
                    batch, _("证书数据待报送省级：%(number)s"), "certificate_batch_submit", batch.submit_due
                )
                if dte
                else _item(batch, _("证书待颁发：%(number)s"), "certificate_batch_issue")
            )
        elif batch.status == B.RETURNED:
            items.append(_item(batch, _("证书数据被退回待更正：%(number)s"), "certificate_batch_returned",
                               batch.submit_due))  # fmt: skip
        elif batch.status == B.APPROVED:
            items.append(_item(batch, _("证书数据已审核通过，待颁发证书：%(number)s"), "certificate_batch_issue",
                               batch.issue_due))  # fmt: skip
        elif not dte:
            items.append(_item(batch, _("证书已颁发，待报市级：%(number)s"), "certificate_batch_report"))
    return items


def province_todos(user: Any) -> list[TodoItem]:
    from ..models import IssuanceBatch
    from ..selectors.batches import batches_visible_to, confirms_for

    B = IssuanceBatch.Status
    items: list[TodoItem] = []
    rows = (
        batches_visible_to(user).filter(status__in=[B.SUBMITTED, B.CONFIRMED]).order_by("confirm_due", "pk")
    )
    for batch in rows[:LIMIT]:
        if not confirms_for(user, batch):
            continue
        if batch.status == B.SUBMITTED:
            items.append(_item(batch, _("证书数据待省级确认：%(number)s"), "certificate_batch_confirm",
                               batch.confirm_due))  # fmt: skip
        else:
            items.append(
                # confirming and forwarding are one step of the province's (CRT-3): the same deadline
                _item(
                    batch,
                    _("证书数据待转报协调小组办公室：%(number)s"),
                    "certificate_batch_forward",
                    batch.confirm_due,
                )
            )
    return items


def office_todos(user: Any) -> list[TodoItem]:
    from ..models import IssuanceBatch
    from ..selectors.batches import approves_for, batches_visible_to

    rows = (
        batches_visible_to(user).filter(status=IssuanceBatch.Status.FORWARDED).order_by("forwarded_at", "pk")
    )
    return [
        _item(batch, _("证书数据待审核：%(number)s"), "certificate_batch_approve")
        for batch in rows[:LIMIT]
        if approves_for(user, batch)
    ]

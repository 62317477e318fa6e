"""To-dos of training classes on the workbench: officials — class-opening applications waiting for
their bureau's decision (TRN-12); institutions — announced classes past their start date and not
started (or, for 合格证类, without an opening application)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 200


def opening_todos(user) -> list[TodoItem]:
    from ..selectors.classes import openings_waiting_for

    items = []
    for k in openings_waiting_for(user):
        requested = timezone.localdate(k.opening_requested_at) if k.opening_requested_at else None
        items.append(
            TodoItem(
                title=_("开班申请待审核：%(inst)s · %(title)s")
                % {"inst": k.plan.institution.name, "title": k.title},
                url=reverse("training:class_detail", args=[k.pk]),
                deadline=k.starts_on,
                rule="TRN-12",
                detail=_("申请于 %(on)s，计划开班日期 %(start)s")
                % {"on": requested.isoformat() if requested else "—", "start": k.starts_on.isoformat()},
                kind="class_opening",
                overdue=k.starts_on < timezone.localdate(),
            )
        )
    return items


def late_start_todos(user) -> list[TodoItem]:
    from peiyu.accounts.scoping import scope_for

    from ..models import TrainingClass
    from ..rules.process import needs_opening

    scope = scope_for(user, "training.manage")
    if not scope.org_ids:
        return []
    today = timezone.localdate()
    late = (
        TrainingClass.objects.filter(
            plan__institution_id__in=scope.org_ids,
            status=TrainingClass.Status.ANNOUNCED,
            starts_on__lte=today,
        )
        .select_related("plan")
        .order_by("starts_on", "pk")[:LIMIT]
    )
    items = []
    for k in late:
        opening = needs_opening(k.plan.cert_type)
        items.append(
            TodoItem(
                title=(
                    _("已到开班日期，尚未提出开班申请：%(title)s")
                    if opening
                    else _("已到开班日期，尚未开班：%(title)s")
                )
                % {"title": k.title},
                url=reverse("training:class_detail", args=[k.pk]),
                deadline=k.starts_on,
                rule="TRN-12" if opening else "TRN-3",
                detail=_("计划开班日期 %(start)s") % {"start": k.starts_on.isoformat()},
                kind="class_start",
                overdue=k.starts_on < today,
            )
        )
    return items

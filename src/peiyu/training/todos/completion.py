"""To-dos of completion (TRN-6, TRN-12): the institution's training reports to submit with their
deadline (overdue flagged); for the officials of the class region (and an industry authority of an
industry-led plan), reports not submitted after their deadline; for trainees, evaluations to give."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 200


def report_todos(user) -> list[TodoItem]:
    from peiyu.accounts.scoping import scope_for

    from ..models import TrainingReport
    from ..selectors.completion import reports_visible_to

    manage = scope_for(user, "training.manage")
    supervise = scope_for(user, "training.supervise")
    if not (manage.granted or supervise.granted):
        return []
    today = timezone.localdate()
    items: list[TodoItem] = []
    drafts = reports_visible_to(user).filter(status=TrainingReport.Status.DRAFT)
    if manage.granted:
        for r in drafts.filter(klass__plan__institution_id__in=sorted(manage.org_ids)).order_by(
            "due_on", "pk"
        )[:LIMIT]:
            overdue = bool(r.due_on and r.due_on < today)
            items.append(
                TodoItem(
                    title=_("报送培训情况报告：%(cls)s") % {"cls": r.klass.title},
                    url=reverse("training:report_detail", args=[r.pk]),
                    deadline=r.due_on,
                    rule="TRN-6",
                    detail=_("已逾期，仍可报送（将标记为逾期）")
                    if overdue
                    else ("" if r.due_on else _("政策配置未设定报送期限")),
                    kind="training_report",
                    overdue=overdue,
                )
            )
    if supervise.granted:
        overdue_qs = drafts.filter(due_on__lt=today)
        if manage.granted:
            overdue_qs = overdue_qs.exclude(klass__plan__institution_id__in=sorted(manage.org_ids))
        for r in overdue_qs.order_by("due_on", "pk")[:LIMIT]:
            items.append(
                TodoItem(
                    title=_("培训情况报告逾期未报送：%(inst)s · %(cls)s")
                    % {"inst": r.klass.plan.institution.name, "cls": r.klass.title},
                    url=reverse("training:report_detail", args=[r.pk]),
                    deadline=r.due_on,
                    rule="TRN-6",
                    detail=_("逾期 %(n)d 日") % {"n": (today - r.due_on).days},  # type: ignore[operator]  # due_on set
                    kind="training_report_overdue",
                    overdue=True,
                )
            )
    return items


def evaluation_todos(user) -> list[TodoItem]:
    from ..selectors.completion import evaluations_to_give

    if not getattr(user, "is_authenticated", False):
        return []
    return [
        TodoItem(
            title=_("评价培训：%(cls)s") % {"cls": e.klass.title},
            url=reverse("training:my_training") + f"#evaluate-{e.pk}",
            rule="TRN-12",
            detail=e.klass.plan.institution.name,
            kind="training_evaluation",
        )
        for e in evaluations_to_give(user)[:LIMIT]
    ]

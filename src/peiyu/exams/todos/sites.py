"""To-dos of exam sites on the workbench: the bureau's reported sites waiting for acceptance, due within
the profile's `site_review_working_days` working days of the report (EVL-1; the seeds set no time limit,
so the profiles carry the platform's working target); the institution's returned sites and accepted sites
changed and not yet reported again."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.calendar import add_working_days
from peiyu.core.registry import TodoItem

LIMIT = 200


def sites_awaiting_acceptance(user: Any) -> list[TodoItem]:
    from ..selectors.sites import site_policy, sites_awaiting_acceptance

    today = timezone.localdate()
    items = []
    for site in sites_awaiting_acceptance(user)[:LIMIT]:
        reported = timezone.localdate(site.reported_at) if site.reported_at else today
        days = site_policy(site.institution_id, site.region_id, reported).review_working_days
        deadline = add_working_days(reported, days) if days is not None else None
        items.append(
            TodoItem(
                title=_("考核站点待受理：%(inst)s · %(name)s")
                % {"inst": site.institution.name, "name": site.name},
                url=reverse("exams:site_detail", args=[site.pk]),
                deadline=deadline,
                rule="EVL-1",
                detail=_("报送于 %(on)s") % {"on": reported.isoformat()},
                kind="exam_site_acceptance",
                overdue=deadline is not None and deadline < today,
            )
        )
    return items


def sites_to_report_again(user: Any) -> list[TodoItem]:
    from ..models import ExamSite
    from ..selectors.sites import sites_to_report_again

    items = []
    for site in sites_to_report_again(user)[:LIMIT]:
        returned = site.status == ExamSite.Status.RETURNED
        items.append(
            TodoItem(
                title=(
                    _("考核站点被退回：%(name)s") if returned else _("考核站点已变更，待重新报送：%(name)s")
                )
                % {"name": site.name},
                url=reverse("exams:site_detail", args=[site.pk]),
                rule="EVL-1",
                detail=site.return_reason[:100]
                if returned
                else _("变更报送受理前，该站点不能用于新的考核批次"),
                kind="exam_site_returned" if returned else "exam_site_changed",
            )
        )
    return items

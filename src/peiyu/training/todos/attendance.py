"""To-dos of attendance (TRN-5): open anomalies, per class, on the lists of the class's institution
(to explain) and of the officials who supervise it (to verify)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.accounts.scoping import scope_for
from peiyu.core.registry import TodoItem

LIMIT = 100


def anomaly_todos(user) -> list[TodoItem]:
    if not (scope_for(user, "training.manage").granted or scope_for(user, "training.supervise").granted):
        return []
    from ..models import Anomaly
    from ..selectors.attendance import anomalies_visible_to

    rows = (
        anomalies_visible_to(user)
        .filter(status=Anomaly.Status.OPEN)
        .values("klass_id", "klass__number", "klass__title")
        .annotate(n=Count("pk"), first=Min("created_at"))
        .order_by("first")[:LIMIT]
    )
    url = reverse("training:anomaly_list")
    return [
        TodoItem(
            title=_("考勤异常待核实：%(number)s %(title)s（%(n)s 条）")
            % {"number": r["klass__number"], "title": r["klass__title"], "n": r["n"]},
            url=f"{url}?status=open&klass={r['klass_id']}",
            rule="TRN-5",
            detail=_("同一学员同时段多班、签到不在课次时间内或同一设备多人签到，请核实并说明"),
            kind="attendance_anomaly",
        )
        for r in rows
    ]

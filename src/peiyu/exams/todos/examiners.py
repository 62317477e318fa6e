"""Workbench to-dos of the examiners area: an institution's sittings without an internal quality
supervisor (EVL-3 逢考必督), a supervisor's assignments with the sitting's time, an examiner's panels
with candidates she has not scored, a leader's panel ready to confirm (EVL-6)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.registry import TodoItem

from ..models import PanelConfirmation, ScoreEntry
from ..selectors.panels import my_panels, session_candidates
from ..selectors.supervision import my_assignments, sittings_without_internal


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def supervision_gaps(user: Any) -> list[TodoItem]:
    org_ids = sorted(scope_for(user, "exam.manage").org_ids)
    if not org_ids:
        return []
    now = timezone.now()
    return [
        TodoItem(
            title=f"{s.session.title} {s.get_kind_display()}（{_when(s.starts_at)}）未安排内部质量督导员",
            url=reverse("exams:session_supervision", kwargs={"sid": s.session_id}),
            deadline=timezone.localdate(s.starts_at),
            rule="EVL-3",
            detail="逢考必督：内部质量督导员未到岗不能开考",
            kind="exam_supervision",
        )
        for s in sittings_without_internal(org_ids, since=now)[:20]
    ]


def supervision_tasks(user: Any) -> list[TodoItem]:
    out = []
    for a in my_assignments(user)[:20]:
        if a.reported_at is not None:
            continue
        what = "到岗签到" if a.checked_in_at is None else "填写督导记录"
        out.append(
            TodoItem(
                title=f"督导 {a.sitting.session.title} {a.sitting.get_kind_display()}（{_when(a.sitting.starts_at)}）：{what}",
                url=reverse("exams:supervision_assignment", kwargs={"pk": a.pk}),
                deadline=timezone.localdate(a.sitting.starts_at),
                rule="EVL-3",
                kind="exam_supervision",
            )
        )
    return out


def scoring_tasks(user: Any) -> list[TodoItem]:
    out = []
    for panel in my_panels(user)[:20]:
        if PanelConfirmation.objects.filter(panel=panel).exists():
            continue
        candidates = session_candidates(panel.session).count()
        done = ScoreEntry.objects.filter(panel=panel, examiner__user=user).count()
        leader = panel.members.filter(examiner__user=user, role="leader").exists()
        if done < candidates:
            title = f"{panel.session.title} {panel.get_kind_display()}：还有 {candidates - done} 名考生待评分"
        elif leader:
            title = f"{panel.session.title} {panel.get_kind_display()}：请组长确认本组成绩"
        else:
            continue
        out.append(
            TodoItem(
                title=title,
                url=reverse("exams:scoring_sheet", kwargs={"pk": panel.pk}),
                deadline=panel.session.practical_on,
                rule="EVL-6",
                kind="exam_scoring",
            )
        )
    return out

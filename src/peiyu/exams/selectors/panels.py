"""Reads of examiner panels (EVL-6): the institution sees its sessions' panels (exam.manage), the bureaus
those of their region (exam.supervise), an examiner the panels she sits on (exam.mark); anyone else gets
404. Also the session's policy in force, the previous batch's panel (rotation), the candidates a panel
scores and the criteria of the practical set."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import PermissionDenied
from peiyu.core.lookups import one_or_404
from peiyu.core.policy import Policy, policy_for

from ..models import EvaluationSession, Item, Panel, PanelMember, Paper, Registration
from .papers import paper_content

MANAGE = "exam.manage"
SUPERVISE = "exam.supervise"
MARK = "exam.mark"
OPEN_SESSION = Q(status__in=["eligibility", "rooms", "papers", "exam", "grading"])


def _session_q(actor: Any, prefix: str = "") -> Q:
    manage = scope_for(actor, MANAGE).q(org=f"{prefix}institution_id")
    supervise = scope_for(actor, SUPERVISE).q(region=f"{prefix}region_code")
    return manage | supervise


def session_for_panels(actor: Any, session_id: object) -> EvaluationSession:
    """A session whose panels the actor may see (its institution, the bureaus of its region)."""
    if not (scope_for(actor, MANAGE).granted or scope_for(actor, SUPERVISE).granted):
        raise PermissionDenied("您没有查看考评组的权限", code="permission_denied")
    qs = EvaluationSession.objects.filter(_session_q(actor)).select_related("institution", "site")
    return one_or_404(qs, pk=session_id)


def _member_q(actor: Any) -> Q:
    if not scope_for(actor, MARK).granted:
        return Q(pk__in=[])
    return Q(members__examiner__user_id=actor.pk)


def panels_visible_to(actor: Any) -> QuerySet[Panel]:
    q = _session_q(actor, "session__") | _member_q(actor)
    return Panel.objects.filter(q).distinct().select_related("session", "session__institution", "decision")


def panel_get_for(actor: Any, panel_id: object) -> Panel:
    return one_or_404(panels_visible_to(actor), pk=panel_id)


def may_manage(actor: Any, session: EvaluationSession) -> bool:
    return session.institution_id in scope_for(actor, MANAGE).org_ids


def membership(actor: Any, panel: Panel) -> PanelMember | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return panel.members.filter(examiner__user_id=actor.pk).select_related("examiner").first()


def my_panels(actor: Any) -> QuerySet[Panel]:
    """The current panels the actor sits on, newest session first."""
    if not scope_for(actor, MARK).granted:
        return Panel.objects.none()
    return (
        Panel.objects.filter(is_current=True, members__examiner__user_id=actor.pk)
        .exclude(kind=Panel.Kind.MARKING)
        .select_related("session", "session__institution")
        .order_by("-session__theory_starts_at", "kind")
    )


def session_day(session: EvaluationSession) -> dt.date:
    return session.practical_on or timezone.localdate(session.theory_starts_at)


def session_policy(session: EvaluationSession) -> Policy:
    """The profile in force for the session's programme and region on its exam day."""
    return policy_for(session.programme, session.region_code, on=session_day(session))


def current_panel(session: EvaluationSession, kind: str) -> Panel | None:
    return session.panels.filter(kind=kind, is_current=True).order_by("-drawn_at").first()


def previous_panel(session: EvaluationSession, kind: str) -> Panel | None:
    """The current panel of the same kind of the institution's previous session of the same occupation
    and level (the batch before, by exam time; cancelled sessions do not count)."""
    return (
        Panel.objects.filter(
            kind=kind,
            is_current=True,
            session__institution_id=session.institution_id,
            session__occupation_code=session.occupation_code,
            session__level=session.level,
            session__theory_starts_at__lt=session.theory_starts_at,
        )
        .exclude(session=session)
        .exclude(session__status=EvaluationSession.Status.CANCELLED)
        .select_related("session")
        .order_by("-session__theory_starts_at", "-drawn_at")
        .first()
    )


def session_candidates(session: EvaluationSession) -> QuerySet[Registration]:
    """The candidates a panel scores and recusal reads: the session's approved registrations."""
    return (
        Registration.objects.filter(session=session, status=Registration.Status.APPROVED)
        .select_related("person", "employer", "training_org")
        .order_by("ticket_number", "id")
    )


REVIEW_CRITERIA = [{"key": "1", "criterion": "综合评审", "points": "100"}]


def practical_criteria(
    session: EvaluationSession, *, now: dt.datetime | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """(where they come from, the criteria: key, criterion, points) of the practical set: the session's
    sealed practical paper (opened only from its time, digest checked), else the first approved practical
    set of the session's bank (by code). Keys are "<position>.<n>" so two tasks' criteria stay apart."""
    paper = (
        session.papers.filter(kind=Paper.Kind.PRACTICAL)
        .exclude(status=Paper.Status.VOIDED)
        .order_by("form")
        .first()
    )
    items: list[dict[str, Any]] = []
    if paper is not None:
        content = paper_content(paper, now=now or timezone.now())
        items = [i for i in content.get("items", []) if i.get("criteria")]
        source = f"技能操作试卷 {paper.form} 卷"
    elif session.bank_id is not None:
        item = (
            Item.objects.filter(bank_id=session.bank_id, item_type="practical", status="approved")
            .order_by("code")
            .first()
        )
        if item is not None:
            version = item.versions.filter(version=item.version).first()
            body = json.loads(version.content) if version is not None else {}
            items = [{"position": 1, **body}]
            source = f"题库实操试题 {item.code}"
    if not items:
        return "", []
    criteria: list[dict[str, Any]] = []
    for task in items:
        for n, c in enumerate(task.get("criteria") or [], start=1):
            label = str(c.get("criterion") or f"评分项{n}")
            if len(items) > 1:
                label = f"{str(task.get('stem', ''))[:20]}：{label}"
            criteria.append(
                {"key": f"{task.get('position', 1)}.{n}", "criterion": label, "points": str(c.get("points"))}
            )
    return source, criteria

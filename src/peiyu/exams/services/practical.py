"""Practical assessment and comprehensive review (EVL-6, EVL-7; seed 001 Art. 20-21): each member of the
session's current practical (or review) panel scores each candidate on 100 points, per criterion of the
practical set (rules.scores.criteria_score: the marks' sum scaled to 100, one decimal); the panel
leader confirms the panel's scores once every member has scored every candidate (组长评分负责制), and
the candidate's practical (review) score is then set: **the mean of the panel examiners' scores, one
decimal, half up** (rules.scores.panel_score). Only the panel's own members score (exam.mark; anyone
else gets 404); nothing changes after the confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_text
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.models import Decision

from ..models import EvaluationSession, Panel, PanelConfirmation, PanelMember, Registration, ScoreEntry
from ..rules import scores as rules
from ..selectors.panels import (
    REVIEW_CRITERIA,
    membership,
    practical_criteria,
    session_candidates,
    session_policy,
)

MARK = "exam.mark"
PART = {Panel.Kind.PRACTICAL: ScoreEntry.Part.PRACTICAL, Panel.Kind.REVIEW: ScoreEntry.Part.REVIEW}
SCORING_STATUSES = (EvaluationSession.Status.EXAM, EvaluationSession.Status.GRADING)


def require_member(actor: Any, panel: Panel) -> PanelMember:
    """The actor's seat on the panel: 403 without the examiner capability, 404 when not a member."""
    if not scope_for(actor, MARK).granted:
        raise PermissionDenied("只有考评员可以评分", code="permission_denied")
    member = membership(actor, panel)
    if member is None:
        raise NotFound()
    return member


def criteria_for(panel: Panel) -> tuple[str, list[dict[str, Any]]]:
    """(source, criteria) the panel scores by: the practical set's criteria, or one 100-point item for the
    comprehensive review."""
    if panel.kind == Panel.Kind.REVIEW:
        return "综合评审", [dict(c) for c in REVIEW_CRITERIA]
    return practical_criteria(panel.session)


def _open_for_scoring(panel: Panel) -> None:
    if panel.kind not in PART:
        raise Conflict("该考评组不在此评分", code="panel_kind")
    if not panel.is_current:
        raise Conflict("该考评组已被重新抽取，不能评分", code="panel_not_current")
    if PanelConfirmation.objects.filter(panel=panel).exists():
        raise Conflict("组长已确认本组成绩，不能再修改", code="panel_confirmed", rule="EVL-6")
    if panel.session.status not in SCORING_STATUSES:
        raise Conflict(f"批次{panel.session.get_status_display()}，不在评分阶段", code="not_scoring")


def _marks(
    raw: Mapping[str, Any], criteria: list[dict[str, Any]]
) -> tuple[dict[str, Decimal], dict[str, list[str]]]:
    marks: dict[str, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for c in criteria:
        key = str(c["key"])
        text = str(raw.get(key, "") if raw.get(key) is not None else "").strip()
        if not text:
            continue
        try:
            marks[key] = Decimal(text)
        except InvalidOperation:
            errors[f"mark_{key}"] = [f"“{c['criterion']}”的得分应为数字"]
    return marks, errors


def score_enter(
    *, actor: Any, panel: Panel, registration: Registration, marks: Mapping[str, Any], comment: str = ""
) -> ScoreEntry:
    """A member's score of one candidate, per criterion (again until the leader confirms)."""
    member = require_member(actor, panel)
    _open_for_scoring(panel)
    if not session_candidates(panel.session).filter(pk=registration.pk).exists():
        raise NotFound()
    source, criteria = criteria_for(panel)
    if not criteria:
        raise Conflict(
            "本批次没有技能操作评分细则：请先封存技能操作试卷，或在题库中审定实操试题", code="no_criteria"
        )
    values, errors = _marks(marks, criteria)
    score, problems = rules.criteria_score(values, criteria)
    for key, message in problems.items():
        errors.setdefault(f"mark_{key}", [message])
    note = ""
    try:
        note = clean_text(comment, max_length=300, label="评语", field="comment")
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput("评分有误", fields=errors)
    part = PART[Panel.Kind(panel.kind)]
    with transaction.atomic():
        Panel.objects.select_for_update().get(pk=panel.pk)
        _open_for_scoring(panel)
        before = ScoreEntry.objects.filter(
            registration=registration, part=part, examiner=member.examiner
        ).first()
        entry, _created = ScoreEntry.objects.update_or_create(
            registration=registration, part=part, examiner=member.examiner,
            defaults={"panel": panel, "score": score, "comment": note,
                      "criteria": {"source": source, "marks": {k: str(v) for k, v in values.items()}}},
        )  # fmt: skip
        audit_record(actor, "exam_score.entered", entry, before={"score": str(before.score)} if before else None,
                     after={"panel": panel.pk, "registration": registration.pk, "part": part, "score": str(score)})  # fmt: skip
    return entry


def panel_confirm(*, actor: Any, panel: Panel, note: str = "") -> PanelConfirmation:
    """The leader confirms the panel's scores: refused (EVL-6) until every member has scored every
    candidate; then each candidate's practical (review) score is the mean of the members' scores."""
    member = require_member(actor, panel)
    if member.role != PanelMember.Role.LEADER:
        raise PermissionDenied("只有考评组长可以确认本组成绩", code="not_leader", rule="EVL-6")
    note = clean_text(note, max_length=300, label="说明", field="note")
    policy = session_policy(panel.session)
    with transaction.atomic():
        locked = Panel.objects.select_for_update().select_related("session").get(pk=panel.pk)
        _open_for_scoring(locked)
        part = PART[Panel.Kind(locked.kind)]
        candidates = list(session_candidates(locked.session))
        members = list(locked.members.values_list("examiner_id", flat=True))
        entries = list(
            ScoreEntry.objects.filter(
                panel=locked, part=part, examiner_id__in=members, registration__in=candidates
            )
        )
        complete = rules.check_panel_complete(members=len(members), candidates=len(candidates), entries=len(entries),
                                              minimum=int(policy["examiner_panel_min"]))  # fmt: skip
        refuse_failed([complete], code="panel_incomplete")
        by_reg: dict[int, list[Decimal]] = {}
        for e in entries:
            by_reg.setdefault(e.registration_id, []).append(e.score)
        field = "practical_score" if part == ScoreEntry.Part.PRACTICAL else "review_score"
        results: dict[str, str | None] = {}
        for reg in candidates:
            value = rules.panel_score(by_reg.get(reg.pk, []))
            setattr(reg, field, value)
            reg.save(update_fields=[field, "updated_at"])
            results[str(reg.pk)] = None if value is None else str(value)
        aggregate = Check("EVL-6", True, "各考生成绩取考评组全体考评员评分的平均分（保留一位小数）",
                          {"part": part, "scores": results}, source=rules.SOURCE_EVL6)  # fmt: skip
        decision = Decision.record("exams.panel", locked.pk, kind="panel_confirmation", outcome="confirmed",
                                   checks=[complete, aggregate], policy=policy, rules=("EVL-6",))  # fmt: skip
        confirmation = PanelConfirmation.objects.create(panel=locked, confirmed_by=member.examiner,
                                                        confirmed_at=timezone.now(), note=note, decision=decision)  # fmt: skip
        audit_record(actor, "exam_panel.confirmed", locked, after={"part": part, "scores": results,
                                                                   "decision": decision.pk}, reason=note)  # fmt: skip
    return confirmation

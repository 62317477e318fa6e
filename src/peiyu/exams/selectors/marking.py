"""Reads of subjective marking (EVL-6): the sessions an examiner marks (she sits on their current
marking panel) and her next short answer to mark — one she has not marked that still needs a first,
second or (beyond the margin) third mark — shown blind: the stem, the reference answer and criteria,
the candidate's answer; never the candidate's name or the other marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from ..models import Attempt, EvaluationSession, Examiner, Marking, Panel
from ..rules.marking import needs_third
from .cbt import content_by_id, items_by_position, paper_key

SCORED = (Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED)


def sessions_marked_by(actor: Any) -> QuerySet[EvaluationSession]:
    examiner = Examiner.objects.filter(user=actor, is_active=True).first() if actor.is_authenticated else None
    if examiner is None:
        return EvaluationSession.objects.none()
    panels = Panel.objects.filter(kind=Panel.Kind.MARKING, is_current=True, members__examiner=examiner)
    return EvaluationSession.objects.filter(pk__in=panels.values("session_id")).order_by("-theory_starts_at")


def next_to_mark(
    examiner: Examiner, session: EvaluationSession, margin: Any, *, now: dt.datetime
) -> dict[str, Any] | None:
    """The examiner's next answer to mark in `session`, with how many remain for her."""
    attempts = list(
        Attempt.objects.filter(sitting__session=session, status__in=SCORED)
        .only("pk", "paper_id", "answers")
        .order_by("pk")
    )
    marks: dict[tuple[int, int], list[Marking]] = {}
    for m in Marking.objects.filter(attempt__sitting__session=session).order_by("round"):
        marks.setdefault((m.attempt_id, m.position), []).append(m)
    todo = []
    for attempt in attempts:
        for position, _points in paper_key(attempt.paper_id, now=now).subjective:
            done = marks.get((attempt.pk, position), [])
            if any(m.examiner_id == examiner.pk for m in done):
                continue
            if len(done) < 2 or (len(done) == 2 and needs_third(done[0].score, done[1].score, margin)):
                todo.append((attempt, position, len(done) + 1))
    if not todo:
        return None
    attempt, position, round_ = todo[0]
    item = items_by_position(content_by_id(attempt.paper_id, now=now))[str(position)]
    return {
        "attempt": attempt,
        "position": position,
        "round": round_,
        "stem": item["stem"],
        "reference": item.get("answer", ""),
        "criteria": item.get("criteria") or [],
        "points": item["points"],
        "response": (attempt.answers or {}).get(str(position), ""),
        "remaining": len(todo),
    }

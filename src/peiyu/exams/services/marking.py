"""Marking of subjective items (EVL-6): examiners of the session's current marking panel (Panel kind
marking, drawn by the examiners' area) mark each short answer blind — the page shows neither the
candidate nor the other marks; the first two marks of an answer are rounds 1 and 2 (whoever comes
first), a third examiner marks it (round 3) when they differ by more than `marking_margin_points`;
the final mark follows rules.marking.final_mark. When every short answer of an attempt is final, its
subjective and total scores are written and the registration's theory score (EVL-7, on 100 points)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..models import Attempt, EvaluationSession, Examiner, Marking, Panel, Registration
from ..rules.marking import final_mark, margin_check, mark_check, needs_third
from ..selectors.cbt import paper_key

MARK = "exam.mark"
SCORED = (Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED)


def marking_examiner(actor: Any, session: EvaluationSession) -> Examiner:
    """The actor's examiner record when she sits on the session's current marking panel (else 404)."""
    require(actor, MARK)
    examiner = Examiner.objects.filter(user=actor, is_active=True).first()
    if (
        examiner is None
        or not Panel.objects.filter(
            session=session, kind=Panel.Kind.MARKING, is_current=True, members__examiner=examiner
        ).exists()
    ):
        raise NotFound()
    return examiner


def margin_for(session: EvaluationSession) -> Decimal:
    policy = policy_for(session.programme, session.region_code, on=timezone.localdate())
    return Decimal(policy["marking_margin_points"])


def mark_record(*, actor: Any, attempt: Attempt, position: int, score: Any, comment: str = "") -> Marking:
    session = attempt.sitting.session
    examiner = marking_examiner(actor, session)
    comment = clean_text(comment, field="comment", max_length=300)
    try:
        value = Decimal(str(score).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("请填写评分", fields={"score": ["请填写数字评分"]}) from None
    now = timezone.now()
    key = paper_key(attempt.paper_id, now=now)
    points = dict(key.subjective).get(int(position))
    if points is None:
        raise NotFound()
    check = mark_check(value, Decimal(points) / 10)
    if not check.ok:
        raise InvalidInput(check.message, fields={"score": [check.message]}, rules=["EVL-6"])
    margin = margin_for(session)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status not in SCORED:
            raise Conflict("该答卷未交卷或已作废，不能评分", code="attempt_not_markable")
        marks = list(Marking.objects.filter(attempt=locked, position=position).order_by("round"))
        if any(m.examiner_id == examiner.pk for m in marks):
            raise Conflict("您已评过这道题", code="already_marked")
        if len(marks) >= 3 or (len(marks) == 2 and not needs_third(marks[0].score, marks[1].score, margin)):
            raise Conflict("这道题已完成评分", code="marking_complete")
        try:
            with transaction.atomic():
                marking = Marking.objects.create(
                    attempt=locked, position=position, round=len(marks) + 1, examiner=examiner, score=value,
                    comment=comment,
                )  # fmt: skip
        except IntegrityError:
            raise Conflict("另一位考评员刚刚评完这一轮，请评下一题", code="round_taken") from None
        after: dict[str, Any] = {"position": position, "round": marking.round, "score": str(value)}
        if marking.round == 2:
            check2 = margin_check(marks[0].score, value, margin)
            after["third_needed"] = not check2.ok
            Decision.record(
                locked._meta.label_lower, locked.pk, kind="double_marking", outcome="third" if not check2.ok else "mean",
                checks=[check2], policy=policy_for(session.programme, session.region_code, on=timezone.localdate()),
            )  # fmt: skip
        audit_record(actor, "exam_marking.recorded", locked, after=after)
        _finish_if_final(locked, key.subjective, key.total, margin)
    return marking


def _finish_if_final(
    attempt: Attempt, subjective: tuple[tuple[int, int], ...], total: int, margin: Decimal
) -> None:
    by_position: dict[int, list[Decimal]] = {}
    for m in Marking.objects.filter(attempt=attempt).order_by("position", "round"):
        by_position.setdefault(m.position, []).append(m.score)
    finals = [final_mark(by_position.get(pos, []), margin) for pos, _points in subjective]
    if any(f is None for f in finals):
        return
    subjective_score = sum((f for f in finals if f is not None), Decimal("0.0"))
    objective = attempt.objective_score or Decimal("0.0")
    attempt.subjective_score = subjective_score
    attempt.score = objective + subjective_score
    attempt.save(update_fields=["subjective_score", "score"])
    theory = (attempt.score * 1000 / Decimal(total)).quantize(Decimal("0.1")) if total else Decimal("0.0")
    Registration.objects.filter(pk=attempt.registration_id).update(theory_score=theory)
    audit_record(
        None,
        "exam_attempt.marked",
        attempt,
        after={
            "subjective_score": str(subjective_score),
            "score": str(attempt.score),
            "theory_score": str(theory),
        },
    )

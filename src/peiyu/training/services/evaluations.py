"""Trainees' evaluations of their training (学员评价, TRN-12; SUB-3 reads them for claims): given once by
the trainee themself for a completed or failed enrolment, seen aggregated by the supervising bureau."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound

from ..models import Enrolment, TraineeEvaluation

SCORES = {"content": "培训内容", "teaching": "师资授课", "organisation": "组织管理", "overall": "总体满意度"}
COMMENT_MAX = 500
EVALUABLE = (Enrolment.Status.COMPLETED, Enrolment.Status.FAILED)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "是")
    return bool(value)


def evaluation_clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, label in SCORES.items():
        try:
            value = int(str(data.get(name, "")).strip())
        except (TypeError, ValueError):
            errors[name] = [f"请为“{label}”打分（1–5）"]
            continue
        if not 1 <= value <= 5:
            errors[name] = [f"“{label}”的评分应为1至5"]
        out[name] = value
    comment = collect(
        errors, "comment", clean_text, data.get("comment"), max_length=COMMENT_MAX, multiline=True
    )
    out["comment"] = comment or ""
    out["fees_as_published"] = _bool(data.get("fees_as_published", True))
    if errors:
        raise InvalidInput("评价填写有误", fields=errors)
    return out


def evaluation_submit(*, actor, enrolment: Enrolment, data: dict[str, Any]) -> TraineeEvaluation:
    """The trainee evaluates a class they completed or failed; once only."""
    trainee_user = enrolment.trainee.user_id
    if trainee_user is None or trainee_user != getattr(actor, "pk", None):
        raise NotFound()
    fields = evaluation_clean(data)
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
        if locked.status not in EVALUABLE:
            raise Conflict("结业后才能评价培训", code="enrolment_not_finished")
        if TraineeEvaluation.objects.filter(enrolment=locked).exists():
            raise Conflict("您已评价过该培训班", code="evaluation_exists")
        try:
            with transaction.atomic():
                evaluation = TraineeEvaluation.objects.create(enrolment=locked, **fields)
        except IntegrityError as exc:
            raise Conflict("您已评价过该培训班", code="evaluation_exists") from exc
        audit_record(
            actor,
            "trainee_evaluation.submitted",
            evaluation,
            after={k: fields[k] for k in (*SCORES, "fees_as_published")} | {"enrolment": locked.pk},
            region_code=locked.klass.region_id,
        )
    return evaluation

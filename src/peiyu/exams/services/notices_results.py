"""A candidate's result (EVL-7) as the score notice needs it: before publishing, every candidate's
result set by the examiners area's `results.results_compute` (which also requires the panels'
confirmation by their leaders); after a re-marking during the notice, the one candidate's result judged
again by the same rule (`rules.scores.check_result`), with the same parameters (`session_policy`,
`results.review_required`), the same absent rule (no score in any required part) and the same table
(`flows.RESULT_FLOW`) — `results_compute` itself runs only in grading, and a re-marking happens while the
notice runs."""

from __future__ import annotations

from typing import Any

from peiyu.audit.services import audit_record
from peiyu.core.models import Decision

from ..flows import RESULT_FLOW
from ..models import EvaluationSession, Registration
from ..rules.scores import check_result
from ..selectors.panels import session_policy
from .results import results_compute, review_required

R = Registration.Result


def compute_results(*, actor: Any, session: EvaluationSession) -> None:
    """Every approved candidate's result with EVL-7 (inside the caller's transaction)."""
    results_compute(actor=actor, session=session)


def result_recompute(*, actor: Any, registration: Registration, reason: str) -> str:
    """One candidate's result from her stored scores (EVL-7), a Decision, the move through RESULT_FLOW
    when it changed; returns the result. A voided result stays voided."""
    if registration.result == R.VOIDED:
        return str(registration.result)
    session = registration.session
    policy = session_policy(session)
    required = review_required(session)
    check = check_result(
        theory=registration.theory_score,
        practical=registration.practical_score,
        review=registration.review_score,
        pass_score=int(policy["pass_score"]),
        review_required=required,
        theory_exempt=registration.theory_exempt,
    )
    parts = [
        registration.practical_score,
        *([] if registration.theory_exempt else [registration.theory_score]),
        *([registration.review_score] if required else []),
    ]
    outcome = R.PASSED if check.ok else (R.ABSENT if all(p is None for p in parts) else R.FAILED)
    decision = Decision.record(
        "exams.registration",
        registration.pk,
        kind="exam_result",
        outcome=outcome.value,
        checks=[check],
        policy=policy,
        rules=("EVL-7",),
    )
    if registration.result != outcome:
        RESULT_FLOW.transition(
            registration,
            outcome,
            actor=actor,
            reason=f"{reason}：{check.message}",
            changes={"result_decision": decision},
        )
    else:
        registration.result_decision = decision
        registration.save(update_fields=["result_decision", "updated_at"])
        audit_record(
            actor,
            "exam_result.recomputed",
            registration,
            after={"result": outcome.value, "decision": decision.pk},
        )
    return outcome.value

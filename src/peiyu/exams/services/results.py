"""A session's results (EVL-7; seed 001 Art. 21, seed 003 §4(4)): once the theory scores are in and the
leaders have confirmed the practical panel (and the review panel where the level requires the
comprehensive review), each approved candidate's result is judged by rules.scores.check_result —
theory and practical (professional ability, for DTE) each at least the profile's `pass_score`, the
review too from `comprehensive_review_from_level` up; a candidate exempt from theory by an Art. 23
route is judged without it and shown as exempt; a candidate with no score in any required part is
absent — and stored on Registration.result (through the result's transition table) with its Decision.
Idempotent: a candidate whose scores and rules give the same result keeps her decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.catalogs.selectors import levels_by_kind
from peiyu.core.errors import Conflict
from peiyu.core.models import Decision

from ..flows import RESULT_FLOW
from ..models import EvaluationSession, Panel, PanelConfirmation, Registration
from ..rules.scores import check_result, review_required_for
from ..selectors.panels import current_panel, session_candidates, session_policy

MANAGE = "exam.manage"
R = Registration.Result
COMPUTABLE = (EvaluationSession.Status.GRADING,)


def review_required(session: EvaluationSession) -> bool:
    """From the profile's `comprehensive_review_from_level` and the programme's level ladder."""
    policy = session_policy(session)
    kind = "skill" if session.programme == "skill" else "professional"
    ladder = [lv.name for lv in levels_by_kind().get(kind, [])]
    return review_required_for(
        session.level, from_level=policy.get("comprehensive_review_from_level"), ladder=ladder
    )


def _confirmed(session: EvaluationSession, kind: str) -> bool:
    panel = current_panel(session, kind)
    return panel is not None and PanelConfirmation.objects.filter(panel=panel).exists()


def results_compute(*, actor: Any, session: EvaluationSession) -> dict[str, int]:
    """Judge every approved candidate of the session (during grading). Refused while the practical
    panel (or the required review panel) has not been confirmed by its leader. Returns the counts of
    each result and how many changed."""
    require(actor, MANAGE, org_id=session.institution_id)
    policy = session_policy(session)
    pass_score = int(policy["pass_score"])
    with transaction.atomic():
        locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status not in COMPUTABLE:
            raise Conflict(
                f"批次{locked.get_status_display()}，只能在阅卷评分阶段计算结果", code="not_grading"
            )
        required = review_required(locked)
        missing = [label for kind, label, needed in (
            (Panel.Kind.PRACTICAL, "技能操作考评组", True), (Panel.Kind.REVIEW, "综合评审组", required),
        ) if needed and not _confirmed(locked, kind)]  # fmt: skip
        if missing:
            raise Conflict("、".join(missing) + "的成绩尚未经组长确认，不能计算结果", code="panel_not_confirmed",
                           rule="EVL-6")  # fmt: skip
        counts = {R.PASSED.value: 0, R.FAILED.value: 0, R.ABSENT.value: 0, "changed": 0, "voided": 0}
        for reg in session_candidates(locked).select_for_update(of=("self",)):
            if reg.result == R.VOIDED:
                counts["voided"] += 1
                continue
            check = check_result(theory=reg.theory_score, practical=reg.practical_score, review=reg.review_score,
                                 pass_score=pass_score, review_required=required,
                                 theory_exempt=reg.theory_exempt)  # fmt: skip
            parts = [reg.practical_score, *([] if reg.theory_exempt else [reg.theory_score]),
                     *([reg.review_score] if required else [])]  # fmt: skip
            outcome = R.PASSED if check.ok else (R.ABSENT if all(p is None for p in parts) else R.FAILED)
            counts[outcome.value] += 1
            old = reg.result_decision
            if reg.result == outcome and old is not None and old.checks == [check.as_dict()]:
                continue
            decision = Decision.record("exams.registration", reg.pk, kind="exam_result", outcome=outcome.value,
                                       checks=[check], policy=policy, rules=("EVL-7",))  # fmt: skip
            if reg.result == outcome:
                reg.result_decision = decision
                reg.save(update_fields=["result_decision", "updated_at"])
                audit_record(actor, "exam_result.recomputed", reg, after={"result": outcome.value,
                                                                          "decision": decision.pk})  # fmt: skip
            else:
                RESULT_FLOW.transition(reg, outcome, actor=actor, reason=check.message,
                                       changes={"result_decision": decision}, locked=True)  # fmt: skip
            counts["changed"] += 1
        audit_record(actor, "exam_result.computed", locked, after={**counts, "pass_score": pass_score,
                                                                   "review_required": required})  # fmt: skip
    return counts


def result_void(*, actor: Any, registration_id: int, decision: Decision, reason: str) -> Registration:
    """A candidate's evaluation result declared invalid by an official's finding (CRT-7, seed 001
    Art. 29: 宣布有关参评人员……评价成绩部分或全部无效): the result becomes 成绩无效 with the finding's
    decision, through the result's transition table (logged and audited). The caller — the certificates'
    invalidation, which holds the capability and the jurisdiction — runs it inside its own transaction;
    nothing recomputes a voided result back (notices_results.result_recompute)."""
    locked = Registration.objects.select_for_update().filter(pk=registration_id).first()
    if locked is None:
        raise Conflict("找不到这张证书所依据的评价成绩", code="result_not_found")
    if locked.result == R.VOIDED:
        return locked
    RESULT_FLOW.transition(
        locked, R.VOIDED, actor=actor, reason=reason, changes={"result_decision": decision}, locked=True
    )
    return locked

"""Score release and the score notice (成绩公示, EVL-5; seed 001 Art. 19 and 21), the session's steps
`publish_notice` (grading → notice) and `remark` (notice → grading).

Publishing: when grading is done — every approved candidate has the score of each part her result
needs, or is marked absent — the institution (exam.manage) publishes the notice. Each candidate's result
is set with EVL-7 (examiners' `results_compute`), her scores are released to her, and the list goes on
the public notice page with names and ticket numbers masked for the profile's `score_notice_working_days`
PRC working days, the first day per `notice_counts_publication_day` — the period counted and written
the way every public notice is (institutions' `period_end`/`period_text`, ADR 0008). The publication is
a stored Decision with the policy version.

Going back to grading (`remark`): when a re-marking after an accepted objection changes a candidate's
result, the notice is withdrawn with a reason, the session returns to grading and is noticed again for a
full period (ADR 0011)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.calendar import is_working_day, period_warning
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_reason, clean_text
from peiyu.core.errors import Conflict
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import Policy, policy_for
from peiyu.institutions.rules.notices import period_text
from peiyu.institutions.services.notices import period_end

from ..flows import SCORE_NOTICE_FLOW, SESSION_FLOW
from ..models import EvaluationSession, Registration, ScoreNotice
from ..rules import notices as rules
from ..selectors.panels import session_policy
from ..selectors.scores import candidates, current_notice
from .notices_results import compute_results
from .results import review_required

S = EvaluationSession.Status
R = Registration.Result
BODY_MAX = 2000
SUBJECT = "exams.evaluationsession"


def score_policy(session: EvaluationSession, on: dt.date | None = None) -> Policy:
    """The profile in force for the session's programme and region (on `on`, today by default)."""
    return policy_for(session.programme, session.region_code, on=on or timezone.localdate())


def notice_period(session: EvaluationSession, on: dt.date | None = None) -> dict[str, Any]:
    """What a notice of this session published on `on` (today) would run: shown before publishing and
    stored by it. PolicyMissing when the profile sets no `score_notice_working_days` or does not say
    whether the day of publication counts (never defaulted in code)."""
    starts = on or timezone.localdate()
    policy = score_policy(session, starts)
    days = int(policy["score_notice_working_days"])
    counts = bool(policy["notice_counts_publication_day"])
    ends = period_end(starts, days, counts_publication_day=counts)
    return {
        "days": days,
        "starts_on": starts,
        "ends_on": ends,
        "counts_publication_day": counts,
        "text": period_text(starts_on=starts, ends_on=ends, days=days, counts_publication_day=counts),
        "calendar_warning": period_warning(starts, ends),
        "policy": policy,
    }


def notice_period_text(notice: ScoreNotice) -> str:
    """A published notice's period as stored: "2026-04-01 至 2026-04-08（5个工作日），自发布次日起算"."""
    return period_text(
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        days=notice.working_days,
        counts_publication_day=notice.counts_publication_day,
    )


def grading_check(session: EvaluationSession) -> Check:
    """Whether grading is done (EVL-5): the tickets of candidates still missing a part's score. A
    candidate marked absent or voided, or with no score at all (absent from the exam), is done; one
    with some parts scored and another missing is not (the panel records a score for everyone who sat
    its part)."""
    regs = list(candidates(session))
    required = review_required(session)
    pass_score = int(session_policy(session)["pass_score"])
    incomplete = []
    for r in regs:
        if r.result in (R.ABSENT, R.VOIDED) or _absent(r):
            continue
        review_due = required and _passed_both(r, pass_score)
        missing = rules.parts_missing(
            theory=r.theory_score,
            practical=r.practical_score,
            review=r.review_score,
            theory_exempt=r.theory_exempt,
            review_due=review_due,
        )
        if missing:
            incomplete.append(f"{r.ticket_number or r.pk}（{'、'.join(missing)}）")
    return rules.check_grading_complete(candidates=len(regs), incomplete=incomplete)


def _absent(r: Registration) -> bool:
    """No score in any part: absent from the exam (results_compute stores her as 缺考)."""
    return r.theory_score is None and r.practical_score is None and r.review_score is None


def _passed_both(r: Registration, pass_score: int) -> bool:
    theory_ok = r.theory_exempt or (r.theory_score is not None and r.theory_score >= pass_score)
    return theory_ok and r.practical_score is not None and r.practical_score >= pass_score


def _locked_session(session: EvaluationSession) -> EvaluationSession:
    return EvaluationSession.objects.select_for_update().get(pk=session.pk)


def notice_publish(*, actor: Any, session: EvaluationSession, body: str = "") -> ScoreNotice:
    """Release the scores and publish the session's score notice (grading → notice)."""
    require(actor, "exam.manage", org_id=session.institution_id)
    body = clean_text(body, field="body", max_length=BODY_MAX, multiline=True) or ""
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_session(session)
        if locked.status != S.GRADING:
            raise Conflict(
                "批次不在阅卷评分阶段，不能发布成绩公示", code="session_not_grading", rule=rules.RULE
            )
        complete = grading_check(locked)
        refuse_failed([complete], code="grading_incomplete")
        compute_results(actor=actor, session=locked)
        period = notice_period(locked, today)
        policy: Policy = period["policy"]
        check = rules.notice_published(
            days=period["days"],
            period=period["text"],
            facts={
                "candidates": complete.facts["candidates"],
                "published": today.isoformat(),
                "ends_on": period["ends_on"].isoformat(),
                "first_day_working": is_working_day(today),
                "counts_publication_day": period["counts_publication_day"],
                "calendar_warning": period["calendar_warning"],
            },
        )
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="score_notice",
            outcome="published",
            checks=[complete, check],
            policy=policy,
        )
        now = timezone.now()
        notice = ScoreNotice.objects.create(
            session=locked,
            number=reference_number("CJGS", ScoreNotice),
            starts_on=today,
            ends_on=period["ends_on"],
            working_days=period["days"],
            counts_publication_day=period["counts_publication_day"],
            body=body,
            published_by=actor,
            published_at=now,
            decision=decision,
        )
        SCORE_NOTICE_FLOW.created(
            notice, actor=actor, after={"session": locked.number, "ends_on": notice.ends_on.isoformat()}
        )
        released = candidates(locked).filter(released_at__isnull=True).update(released_at=now)
        audit_record(
            actor,
            "exam_scores.released",
            locked,
            after={"notice": notice.number, "released": released},
        )
        SESSION_FLOW.transition(
            locked, S.NOTICE, actor=actor, reason=f"成绩公示 {notice.number}：{period['text']}", locked=True
        )
    session.refresh_from_db(fields=["status", "updated_at"])
    return notice


def session_remark(*, actor: Any, session: EvaluationSession, reason: str) -> EvaluationSession:
    """Take a session in notice back to grading (notice → grading): the notice in force is withdrawn
    with the reason; once the scores are settled the institution publishes a new notice, which runs a
    full period again. Used when a re-marking changed a result (ADR 0011); released scores stay visible
    to their candidates, marked as under review."""
    require(actor, "exam.manage", org_id=session.institution_id)
    reason = clean_reason(reason, field="reason")
    with transaction.atomic():
        locked = _locked_session(session)
        if locked.status != S.NOTICE:
            raise Conflict("批次不在成绩公示阶段", code="session_not_in_notice", rule=rules.RULE)
        notice = current_notice(locked)
        if notice is not None and notice.status == ScoreNotice.Status.PUBLISHED:
            SCORE_NOTICE_FLOW.transition(notice, ScoreNotice.Status.WITHDRAWN, actor=actor, reason=reason)
        SESSION_FLOW.transition(locked, S.GRADING, actor=actor, reason=f"退回复核成绩：{reason}", locked=True)
    session.refresh_from_db(fields=["status", "updated_at"])
    return locked


def _publish(*, actor: Any, session: EvaluationSession, reason: str = "", body: str = "") -> Any:
    return notice_publish(actor=actor, session=session, body=body)


def _remark(*, actor: Any, session: EvaluationSession, reason: str = "", body: str = "") -> Any:
    return session_remark(actor=actor, session=session, reason=reason)


def _finalise(*, actor: Any, session: EvaluationSession, reason: str = "", body: str = "") -> Any:
    from .passing import session_finalise

    return session_finalise(actor=actor, session=session)


# The session's score steps for `core.actions.dispatch` (pages and API; the sessions area may merge it
# into its own table of session actions).
SCORE_SESSION_ACTIONS: dict[str, Callable[..., Any]] = {
    "publish_notice": _publish,
    "remark": _remark,
    "finalise": _finalise,
}

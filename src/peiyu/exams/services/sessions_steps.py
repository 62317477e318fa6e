"""The steps of an exam session (EVL-5; seed 001 Art. 19) after its creation, each through
flows.SESSION_FLOW: announce (the entry still valid — SUP-7, DIR-1 — and the public texts free of
prohibited claims, TRN-9), open registration (within its dates), close registration (by hand, or by the
tick after the closing day), finish the eligibility review (no registration still waiting), prepare the
papers (rooms ready: every admitted candidate seated, every sitting with its proctor), start the exam
(the session's parallel theory forms sealed), start grading (every sitting closed), or cancel with a
reason before the exam. Each step with checks stores them as a Decision with the profile version; a
refusal is stored and committed, then raised (400 with the rule ids). The score notice's steps
(publish_notice, remark, finalise) belong to the scores area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.calendar import add_working_days
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import InvalidTransition
from peiyu.core.models import Decision
from peiyu.training.rules.claims import check_public_texts

from ..flows import SESSION_FLOW
from ..models import EvaluationSession
from ..rules import sessions as rs
from ..selectors import sessions as sel
from ..selectors.papers import session_papers_ready
from .sessions import SUBJECT, entry_checks, last_exam_day, manage_session, session_policy

S = EvaluationSession.Status


# --- the steps ------------------------------------------------------------------------------------------------


def _expect(locked: EvaluationSession, verb: str) -> None:
    if not SESSION_FLOW.action(verb).open_from(locked.status, SESSION_FLOW):
        raise InvalidTransition(
            f"考核批次当前状态为“{locked.get_status_display()}”，不能办理“{SESSION_FLOW.action(verb).label}”",
            details={"status": locked.status, "action": verb},
        )


StepChecks = Callable[[EvaluationSession, dt.date], list[Check]]


def _step(
    actor: Any,
    session: EvaluationSession,
    verb: str,
    checks: StepChecks | None = None,
    *,
    changes: Callable[[EvaluationSession, dt.date], dict[str, Any]] | None = None,
    reason: str = "",
) -> EvaluationSession:
    """Lock, check the move, run `checks` (stored as a Decision, a refusal committed then raised), move."""
    manage_session(actor, session)
    today = timezone.localdate()
    refused: list[Check] = []
    refusal = None
    with transaction.atomic():
        locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
        _expect(locked, verb)
        found = checks(locked, today) if checks else []
        decision = None
        if found:
            policy = session_policy(locked.programme, locked.region_code, today)
            ok = all(c.ok for c in found)
            decision = Decision.record(
                SUBJECT,
                locked.pk,
                kind=f"session_{verb}",
                outcome="done" if ok else "refused",
                checks=found,
                policy=policy,
            )
            if not ok:
                audit_record(
                    actor,
                    "evaluation_session.step_refused",
                    locked,
                    after={"action": verb, "decision": decision.pk, "rules": decision.rules},
                )
                refused, refusal = found, decision
        if not refused:
            extra = dict(changes(locked, today)) if changes else {}
            if decision is not None:
                extra["decision"] = decision
            SESSION_FLOW.transition(
                locked, SESSION_FLOW.action(verb).to, actor=actor, reason=reason, changes=extra, locked=True
            )
    if refused:
        refuse_failed(
            refused, code="session_step_refused", details={"decision": refusal.pk if refusal else None}
        )
    session.refresh_from_db(
        fields=["status", "decision", "announced_at", "review_due_on", "grading_due_on", "cancelled_reason"]
    )
    return locked


def _entry_still_valid(s: EvaluationSession, today: dt.date) -> list[Check]:
    return entry_checks(
        s.listing,
        occupation_code=s.occupation_code,
        level=s.level,
        exam_on=timezone.localdate(s.theory_starts_at),
        today=today,
    )


def _announce_checks(s: EvaluationSession, today: dt.date) -> list[Check]:
    texts = check_public_texts(
        {"title": s.title, "announcement": s.announcement},
        labels={"title": "批次名称", "announcement": "考核公告"},
    )
    return [*_entry_still_valid(s, today), texts]


def session_announce(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    """Publish the announcement (public at /exam/sessions/<number>/): the entry still valid (SUP-7,
    DIR-1) and the public texts free of prohibited claims (TRN-9)."""
    return _step(
        actor, session, "announce", _announce_checks, changes=lambda s, t: {"announced_at": timezone.now()}
    )


def _opening_checks(s: EvaluationSession, today: dt.date) -> list[Check]:
    opens = s.registration_opens_on
    timely = Check(
        "EVL-5",
        opens <= today <= s.registration_closes_on,
        f"报名时间为{opens}至{s.registration_closes_on}"
        if opens <= today <= s.registration_closes_on
        else f"报名时间为{opens}至{s.registration_closes_on}，今天不在报名时间内",
        {
            "opens_on": opens.isoformat(),
            "closes_on": s.registration_closes_on.isoformat(),
            "today": today.isoformat(),
        },
        rs.SOURCE_EVL5,
        True,
    )
    return [*_entry_still_valid(s, today), timely]


def session_open_registration(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    return _step(actor, session, "open_registration", _opening_checks)


def session_close_registration(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    """Registration closes (by hand, or by the tick after the closing day); the review deadline counts
    from the day it closed."""
    return _step(
        actor,
        session,
        "close_registration",
        changes=lambda s, t: {"review_due_on": add_working_days(t, rs.REVIEW_WORKING_DAYS)},
    )


def _review_checks(s: EvaluationSession, today: dt.date) -> list[Check]:
    approved = sel.approved_registrations(s).count()
    return [
        rs.check_registrations_settled(sel.waiting_registrations(s.pk)),
        rs.check_candidates_admitted(approved),
    ]


def session_finish_review(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    return _step(actor, session, "finish_review", _review_checks)


def session_prepare_papers(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    """Rooms are ready (every admitted candidate seated, every sitting with its proctor): papers next."""
    return _step(actor, session, "prepare_papers", lambda s, t: [rs.check_rooms_ready(sel.rooms_facts(s))])


def _exam_checks(s: EvaluationSession, today: dt.date) -> list[Check]:
    return [*_entry_still_valid(s, today), session_papers_ready(s.pk)]


def session_start_exam(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    """The exam starts only with the session's parallel forms sealed, the entry still valid (SUP-7)."""
    return _step(
        actor,
        session,
        "start_exam",
        _exam_checks,
        changes=lambda s, t: {
            "grading_due_on": add_working_days(max(t, last_exam_day(s)), rs.GRADING_WORKING_DAYS)
        },
    )


def session_start_grading(*, actor: Any, session: EvaluationSession) -> EvaluationSession:
    """Every sitting is closed: grading starts."""

    def closed(s: EvaluationSession, today: dt.date) -> list[Check]:
        still = [
            f"{x.get_kind_display()}（{x.room.name}）" for x in sel.sittings_of(s) if x.status != "closed"
        ]
        return [
            Check(
                "EVL-5",
                not still,
                "各场次均已结束" if not still else "、".join(still) + "尚未结束",
                {"open": still},
                rs.SOURCE_EVL5,
                True,
            )
        ]

    return _step(actor, session, "start_grading", closed)


def session_cancel(*, actor: Any, session: EvaluationSession, reason: str) -> EvaluationSession:
    text = clean_reason(reason, label="取消原因")
    return _step(actor, session, "cancel", changes=lambda s, t: {"cancelled_reason": text}, reason=text)


SESSION_ACTIONS: dict[str, Callable[..., EvaluationSession]] = {
    "announce": lambda actor, s, data: session_announce(actor=actor, session=s),
    "open_registration": lambda actor, s, data: session_open_registration(actor=actor, session=s),
    "close_registration": lambda actor, s, data: session_close_registration(actor=actor, session=s),
    "finish_review": lambda actor, s, data: session_finish_review(actor=actor, session=s),
    "prepare_papers": lambda actor, s, data: session_prepare_papers(actor=actor, session=s),
    "start_exam": lambda actor, s, data: session_start_exam(actor=actor, session=s),
    "start_grading": lambda actor, s, data: session_start_grading(actor=actor, session=s),
    "cancel": lambda actor, s, data: session_cancel(actor=actor, session=s, reason=data.get("reason", "")),
}


def session_act(
    *, actor: Any, session: EvaluationSession, action: str, data: dict[str, Any]
) -> EvaluationSession:
    """One verb of the session's page or `POST /exams/sessions/{id}/actions`."""
    return dispatch(SESSION_ACTIONS, action, actor, session, data)


# --- the tick -------------------------------------------------------------------------------------------------


def sessions_close_registration_due(now: dt.datetime) -> int:
    """`peiyu tick`: close the registration of sessions whose closing day has passed (idempotent: a
    closed session is no longer in registration)."""
    today = timezone.localdate(now)
    changed = 0
    for session in EvaluationSession.objects.filter(status=S.REGISTRATION, registration_closes_on__lt=today):
        try:
            session_close_registration(actor=None, session=session)
        except InvalidTransition:
            continue  # moved meanwhile
        changed += 1
    return changed

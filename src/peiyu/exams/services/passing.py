"""After the score notice: the passing list frozen as certificate data (EVL-5 `finalise`, SEC-2; seed 001
Art. 19 and 22; the input of the certificates app, issue 14).

The session moves notice → certificates when its notice's last day has passed, no objection is open or
accepted and not yet re-marked, and no re-marking changed a result during the notice (else it must go
back to grading and be noticed again, ADR 0011). The institution's button is refused before that,
citing EVL-5; `peiyu tick` does it for every session whose notice has ended (idempotent; a session held
by an objection waits on the institution's to-do list).

The list: one row per passed candidate (see PassingList), the rows' SM3 digest, the last exam day (for
DTE the day `cert_submit_days` counts from, CRT-3), a Decision with the checks — made once, never
changed (`selectors.scores.passing_list_for` checks the digest on every read)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.errors import Conflict, DomainError
from peiyu.core.identifiers import mask_id_number
from peiyu.core.models import Decision

from ..flows import SCORE_NOTICE_FLOW, SESSION_FLOW
from ..models import EvaluationSession, PassingList, Registration, ScoreNotice
from ..rules import notices as rules
from ..selectors.scores import candidates, current_notice, material_changes, rows_digest, unsettled_objections
from .notices import notice_period_text, score_policy

logger = logging.getLogger("peiyu.exams.passing")
S = EvaluationSession.Status
SUBJECT = "exams.evaluationsession"


def _score(value: Any) -> str | None:
    return None if value is None else str(value)


def passing_rows(session: EvaluationSession) -> list[dict[str, Any]]:
    """The certificate data of the session's passed candidates, in ticket order."""
    rows = []
    for r in candidates(session).filter(result=Registration.Result.PASSED):
        rows.append(
            {
                "registration": r.pk,
                "person": r.person_id,
                "name": r.person.name,
                "id_masked": mask_id_number(r.person.id_number),
                "id_index": r.person.id_index,
                "occupation_code": session.occupation_code,
                "occupation_name": session.occupation_name,
                "level": session.level,
                "direction": session.direction,
                "theory": _score(r.theory_score),
                "theory_exempt": r.theory_exempt,
                "practical": _score(r.practical_score),
                "review": _score(r.review_score),
                "result": str(r.result),
                "ticket_number": r.ticket_number,
                "training_certificate": r.training_certificate_number or None,
                "training_enrolment": r.training_enrolment_id,
            }
        )
    return rows


def exam_day(session: EvaluationSession) -> dt.date:
    """The last day of the exam: the latest of its theory, practical and review days."""
    days = [timezone.localtime(session.theory_starts_at).date()]
    days += [d for d in (session.practical_on, session.review_on) if d is not None]
    return max(days)


def finalise_checks(session: EvaluationSession, notice: ScoreNotice, today: dt.date) -> list[Check]:
    return [
        rules.check_notice_ended(today=today, ends_on=notice.ends_on, period=notice_period_text(notice)),
        rules.check_objections_settled(open_numbers=unsettled_objections(session)),
        rules.check_no_material_change(changed=[str(t) for t in material_changes(notice)]),
    ]


def session_finalise(*, actor: Any, session: EvaluationSession, today: dt.date | None = None) -> PassingList:
    """Freeze the passing list and move the session to certificates (notice → certificates). `actor`
    None: the tick."""
    if actor is not None:
        require(actor, "exam.manage", org_id=session.institution_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != S.NOTICE:
            raise Conflict("批次不在成绩公示阶段", code="session_not_in_notice", rule=rules.RULE)
        notice = current_notice(locked)
        if notice is None or notice.status != ScoreNotice.Status.PUBLISHED:
            raise Conflict("批次没有进行中的成绩公示", code="no_score_notice", rule=rules.RULE)
        checks = finalise_checks(locked, notice, today)
        refuse_failed(checks, code="notice_not_finished")
        rows = passing_rows(locked)
        exam_on = exam_day(locked)
        frozen = Check(
            "SEC-2",
            True,
            f"合格名单{len(rows)}人，经成绩公示后生成证书数据",
            {"count": len(rows), "notice": notice.number, "exam_on": exam_on.isoformat()},
            "000 第十一条（六）；001 第二十二条",
        )
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="passing_list",
            outcome="frozen",
            checks=[*checks, frozen],
            policy=score_policy(locked),
            rules=["EVL-7"],
        )
        passing = PassingList.objects.create(
            session=locked,
            notice=notice,
            rows=rows,
            count=len(rows),
            digest=rows_digest(rows),
            exam_on=exam_on,
            created_by=actor,
            decision=decision,
        )
        audit_record(
            actor,
            "exam_passing_list.created",
            passing,
            after={"session": locked.number, "count": len(rows), "digest": passing.digest},
        )
        reason = f"成绩公示 {notice.number} 期满（{notice.ends_on:%Y-%m-%d}），生成证书数据{len(rows)}人"
        SCORE_NOTICE_FLOW.transition(notice, ScoreNotice.Status.CLOSED, actor=actor, reason=reason)
        SESSION_FLOW.transition(locked, S.CERTIFICATES, actor=actor, reason=reason, locked=True)
    session.refresh_from_db(fields=["status", "updated_at"])
    return passing


def notices_end_due(now: dt.datetime) -> int:
    """`peiyu tick`: finalise each session whose score notice has ended; one waiting on an objection or
    a re-notice stays (the institution's to-do list says why). Each session its own transaction; safe to
    run twice."""
    today = timezone.localdate(now)
    due = list(
        ScoreNotice.objects.filter(
            status=ScoreNotice.Status.PUBLISHED, ends_on__lt=today, session__status=S.NOTICE
        )
        .order_by("ends_on", "id")
        .values_list("session_id", flat=True)
        .distinct()
    )
    done = 0
    for session in EvaluationSession.objects.filter(pk__in=due).order_by("pk"):
        try:
            session_finalise(actor=None, session=session, today=today)
        except DomainError as exc:
            logger.info("score notice of %s not finalised: %s", session.number, exc.message)
        else:
            done += 1
    return done

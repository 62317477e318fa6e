"""Sessions past their exam step: the theory exam under way now (candidates answering, one computer
crashed and waiting for the proctor's approval, one submitted, and journey 13's candidate not yet
started), and finished sessions — in grading, in score notice with an objection open, and with their
certificate data after the notice — each reached by the services: the sitting opened with its internal
supervisor checked in, the candidates' attempts through the computer-based exam, subjective items marked
by two examiners, the practical scored by a drawn panel and confirmed by its leader, results computed,
the notice published."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from peiyu.audit.services import audit_record

from ..models import Attempt, EvaluationSession, Registration, ScoreNotice
from ..selectors.cbt import content_by_id, items_by_position
from ..services import cbt, marking, notices, objections, panels, passing, practical, results, sittings
from ..services import sessions_steps as steps
from .flow import Staff, account, advance, check_in, self_register, supervise
from .support import CANDIDATE, FACTS, exam_now


def _answers(attempt: Attempt, right: float, rng: random.Random, upto: int | None = None) -> dict[str, Any]:
    """Responses to the first `upto` items of the attempt's form, each right with probability `right`."""
    content = content_by_id(attempt.paper_id, now=timezone.now())
    out: dict[str, Any] = {}
    for position, item in list(items_by_position(content).items())[:upto]:
        kind, key = item["type"], item.get("answer")
        if kind in ("single", "multiple"):
            wrong = "B" if key != "B" else "C"
            out[position] = key if rng.random() < right else wrong
        elif kind == "true_false":
            out[position] = key if rng.random() < right else ("F" if key == "T" else "T")
        else:
            out[position] = "断开电源后验电、挂接地线，按图接线，通电前检查绝缘。"
    return out


def _sit(reg: Registration, id_number: str, right: float, rng: random.Random, *, submit: bool,
         upto: int | None = None) -> Attempt:  # fmt: skip
    started = cbt.cbt_start(id_number=id_number, ticket_number=reg.ticket_number or "", address="10.51.0.21")
    attempt = started.attempt
    cbt.answers_save(attempt=attempt, revision=attempt.revision, answers=_answers(attempt, right, rng, upto))
    if submit:
        attempt = cbt.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
    return attempt


def _open(session: EvaluationSession, staff: Staff, starts: dt.datetime) -> None:
    exam_now(session, starts)
    supervise(session, staff, check_in=False)
    check_in(session, staff)
    sittings.sitting_open(actor=staff.proctor, sitting=session.sittings.get(kind="theory"))


def live(session: EvaluationSession, staff: Staff, rng: random.Random) -> EvaluationSession:
    """Journey 13: the theory exam started twenty minutes ago; 李晓红 has not started yet."""
    username, name, first17 = CANDIDATE
    from peiyu.core.identifiers import id_with_check

    she = account(staff.platform, username, name, "trainee")

    mine: list[Registration] = []

    def her(s: EvaluationSession) -> None:
        mine.append(self_register(s, she, name, id_with_check(first17), FACTS))

    session = advance(session, staff, rng, to="exam", n=6, prefix="cd_cand_x", extra=her)
    _open(session, staff, timezone.now() - dt.timedelta(minutes=20))
    others = list(Registration.objects.filter(session=session).exclude(pk=mine[0].pk).select_related("person")
                  .order_by("ticket_number"))  # fmt: skip
    for i, reg in enumerate(others[:5]):
        _sit(reg, reg.person.id_number, 0.8, rng, submit=i == 0, upto=None if i == 0 else 12 + 6 * i)
    crashed = others[1]  # her laptop froze: the spare computer waits for the proctor's approval
    cbt.cbt_start(
        id_number=crashed.person.id_number, ticket_number=crashed.ticket_number or "", address="10.51.0.37"
    )
    return session


def finished(session: EvaluationSession, staff: Staff, rng: random.Random, *, prefix: str, stop: str = "notice",
             finalise: bool = False) -> EvaluationSession:  # fmt: skip
    """A session whose exam was this morning: every candidate submitted, the sittings closed, grading
    started; then (unless `stop` is grading) marked, scored, results computed and the notice published
    with one objection open — or, with `finalise`, the notice over and the certificate data made."""
    session = advance(session, staff, rng, to="exam", n=5, prefix=prefix)
    _open(session, staff, timezone.now() - dt.timedelta(minutes=30))
    regs = list(
        Registration.objects.filter(session=session).select_related("person").order_by("ticket_number")
    )
    for i, reg in enumerate(regs):
        _sit(reg, reg.person.id_number, (0.92, 0.85, 0.7, 0.45, 0.8)[i % 5], rng, submit=True)
    check_in(session, staff, kind=None)
    for sitting in session.sittings.order_by("pk"):
        if sitting.status == "scheduled":
            sittings.sitting_open(actor=staff.proctor, sitting=sitting)
        sittings.sitting_close(actor=staff.proctor, sitting=sitting)
    steps.session_start_grading(actor=staff.admin, session=session)
    if stop == "grading":
        return session
    mark(session, staff)
    score_practical(session, staff, rng)
    results.results_compute(actor=staff.admin, session=session)
    notice = notices.notice_publish(actor=staff.admin, session=session)
    if finalise:
        # demo history: the notice ran its period and ended yesterday; the tick or the admin finalises
        days = (notice.ends_on - notice.starts_on).days + 2
        ScoreNotice.objects.filter(pk=notice.pk).update(starts_on=notice.starts_on - dt.timedelta(days=days),
                                                        ends_on=notice.ends_on - dt.timedelta(days=days))  # fmt: skip
        audit_record(None, "demo.notice_back_dated", notice, after={"days": days})
        passing.session_finalise(actor=staff.admin, session=session)
    else:
        failed = (
            Registration.objects.filter(session=session, result="failed").order_by("ticket_number").first()
        )
        target = failed or regs[-1]
        objections.objection_submit(
            notice=notice, registration_id=target.pk, name="刘建明", phone="13980012345",
            content="本人实操考核时接线正确且通电试验成功，对技能操作成绩有异议，申请复核评分记录。",
        )  # fmt: skip
    session.refresh_from_db()
    return session


def mark(session: EvaluationSession, staff: Staff) -> None:
    """Two examiners of the drawn marking panel mark each short answer alike."""
    panel = panels.panel_draw(
        actor=staff.admin, session=session, kind="marking", seed=f"demo-m-{session.number}"
    )
    members = [m.examiner.user for m in panel.members.select_related("examiner__user").order_by("pk")][:2]
    for attempt in Attempt.objects.filter(registration__session=session, status="submitted").order_by("pk"):
        content = content_by_id(attempt.paper_id, now=timezone.now())
        for position, item in items_by_position(content).items():
            if item["type"] != "short":
                continue
            score = Decimal(item["points"]) - (attempt.pk % 2)
            for user in members:
                marking.mark_record(actor=user, attempt=attempt, position=int(position), score=score)


def score_practical(session: EvaluationSession, staff: Staff, rng: random.Random) -> None:
    panel = panels.panel_draw(
        actor=staff.admin, session=session, kind="practical", seed=f"demo-p-{session.number}"
    )
    _source, criteria = practical.criteria_for(panel)
    members = list(panel.members.select_related("examiner__user").order_by("role", "pk"))
    for reg in Registration.objects.filter(session=session, status="approved").order_by("ticket_number"):
        share = Decimal(rng.choice((55, 68, 74, 82, 90))) / 100
        for m in members:
            marks = {
                str(c["key"]): str((Decimal(str(c["points"])) * share).quantize(Decimal("1")))
                for c in criteria
            }
            practical.score_enter(actor=m.examiner.user, panel=panel, registration=reg, marks=marks)
    leader = next(m for m in members if m.role == "leader")
    practical.panel_confirm(
        actor=leader.examiner.user, panel=panel, note="三名考评员独立评分，组长复核无误。"
    )

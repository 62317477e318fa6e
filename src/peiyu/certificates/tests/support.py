"""Finalised sessions for the certificates tests: a Chengdu 电工四级 skill session and a Hubei AI 初级 DTE
session, each graded, its score notice published and ended, its passing list frozen through exams'
services (the input of issuance, not the behaviour under test)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from peiyu.exams.models import EvaluationSession, ExamSite, PassingList
from peiyu.exams.services import notices, passing
from peiyu.exams.tests import factories
from peiyu.exams.tests.scores_support import BEIJING, PUBLISH_AT, THEORY_AT, confirm_panel, graded_session

AFTER_NOTICE = dt.datetime(2026, 4, 20, 9, 0, tzinfo=BEIJING)
# Hubei candidates (theory, practical): three pass, one fails
HUBEI: list[tuple[str, str, str]] = [
    ("周一鸣", "78.0", "81.0"),
    ("吴思远", "88.0", "90.0"),
    ("郑未过", "52.0", "64.0"),
    ("孙晓彤", "66.0", "70.0"),
]


def _finalise(world: Any, session: EvaluationSession, actor: Any, time_machine: Any) -> PassingList:
    time_machine.move_to(PUBLISH_AT, tick=False)
    notices.notice_publish(actor=actor, session=session)
    time_machine.move_to(AFTER_NOTICE, tick=False)
    return passing.session_finalise(actor=actor, session=session)


FILING_CODE = "S510100000123"  # the Chengdu unified filing code of cd_social1's 电工 entry


def chengdu_skill_session(world: Any, time_machine: Any, *, site_serial: str = "") -> EvaluationSession:
    """电工四级 of 成都 cd_social1 (its entry filed as FILING_CODE), passing list of three (王小明, 李小红,
    赵免考), exam on 2026-04-02; the exam site's serial `site_serial` when given."""
    from peiyu.institutions.models import Listing

    Listing.objects.filter(pk=world.listings["cd_elec"].pk).update(filing_code=FILING_CODE)
    time_machine.move_to(PUBLISH_AT, tick=False)
    session = graded_session(world)
    if site_serial:
        ExamSite.objects.filter(pk=session.site_id).update(serial=site_serial)
    _finalise(world, session, world.cd_exam_admin, time_machine)
    session.refresh_from_db()
    return session


def hubei_dte_session(world: Any, time_machine: Any, *, group: int = 1) -> EvaluationSession:
    """人工智能工程技术人员 初级 of 湖北 hb_eval, passing list of three, exam on 2026-04-02; `group` tells
    the candidates of several such sessions apart (their ID numbers)."""
    time_machine.move_to(PUBLISH_AT, tick=False)
    session = factories.session(world, status="grading", listing_key="hb_ai", level="初级", starts=THEORY_AT)
    for i, (name, theory, practical) in enumerate(HUBEI, start=1):
        person = factories.person(name, f"420106199203{group:02d}{i:02d}2")
        factories.registration(
            session, person, theory_score=Decimal(theory), practical_score=Decimal(practical)
        )
    confirm_panel(world, session, "practical")
    _finalise(world, session, world.hb_eval_admin, time_machine)
    session.refresh_from_db()
    return session

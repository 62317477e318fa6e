"""State for the score-notice tests: a Chengdu 电工四级 session in grading whose theory exam was on
2026-04-01 and practical the day after, with candidates scored (or not) directly on their registrations —
the examiners' and the computer-based exam's output, not the behaviour under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from peiyu.core.models import Decision
from peiyu.exams.models import EvaluationSession, Panel, PanelConfirmation, PanelMember, Registration
from peiyu.exams.tests import factories
from tests.personas import _user

BEIJING = factories.BEIJING
THEORY_AT = dt.datetime(2026, 4, 1, 9, 0, tzinfo=BEIJING)
PUBLISH_AT = dt.datetime(2026, 4, 3, 10, 0, tzinfo=BEIJING)  # a Friday before the Qingming holiday
# (theory, practical) per candidate: two pass, one fails practical, one is exempt from theory and passes
SCORES: list[tuple[str, str | None, str | None, bool]] = [
    ("王小明", "82.0", "75.0", False),
    ("李小红", "91.5", "88.0", False),
    ("张大力", "70.0", "55.0", False),
    ("赵免考", None, "80.0", True),
]


def graded_session(world: Any, *, complete: bool = True, level: str = "四级") -> EvaluationSession:
    session = factories.session(world, status="grading", starts=THEORY_AT, level=level)
    for i, (name, theory, practical, exempt) in enumerate(SCORES, start=1):
        user = _user(world, f"cand{i}", world.orgs["cd_social1"], "trainee") if i == 1 else None
        person = factories.person(name, f"51010719900101{i:02d}1"[:17], user=user)
        factories.registration(
            session,
            person,
            theory_score=Decimal(theory) if theory else None,
            practical_score=Decimal(practical) if (practical and (complete or i != 3)) else None,
            theory_exempt=exempt,
            route="theory_exempt_degree" if exempt else "standard",
        )
    confirm_panel(world, session, "practical")
    if session.review_required:
        confirm_panel(world, session, "review")
    return session


def confirm_panel(world: Any, session: EvaluationSession, kind: str) -> Panel:
    """A drawn panel whose leader (考评员1) has confirmed its scores: what results_compute waits for."""
    decision = Decision.record("exams.panel", session.pk, kind="panel_draw", outcome="drawn", checks=[])
    panel = Panel.objects.create(session=session, kind=kind, seed="0" * 16, drawn_at=THEORY_AT,
                                 drawn_by=world.cd_exam_admin, decision=decision)  # fmt: skip
    for i, examiner in enumerate(world.examiners[:3]):
        PanelMember.objects.create(panel=panel, examiner=examiner, role="leader" if i == 0 else "member")
    PanelConfirmation.objects.create(panel=panel, confirmed_by=world.examiners[0], confirmed_at=THEORY_AT,
                                     decision=decision)  # fmt: skip
    return panel


def regs(session: EvaluationSession) -> list[Registration]:
    return list(
        Registration.objects.filter(session=session).select_related("person").order_by("ticket_number")
    )

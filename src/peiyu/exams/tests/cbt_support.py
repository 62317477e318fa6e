"""The state the computer-based exam tests start from: a Chengdu electrician session in its exam step
with two sealed forms, an open theory sitting proctored by cd_proctor, and approved candidates with
seats and admission tickets (built directly through the models, see factories)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from peiyu.exams.models import EvaluationSession, Panel, PanelMember, Paper, Registration, Sitting
from peiyu.exams.selectors.cbt import forget_cached_papers

from . import factories


@dataclass
class Exam:
    world: Any
    session: EvaluationSession
    sitting: Sitting
    papers: list[Paper]
    candidates: list[tuple[Registration, str]] = field(default_factory=list)  # (registration, ID number)

    @property
    def start(self) -> dt.datetime:
        return self.session.theory_starts_at


def build_exam(
    world: Any, *, candidates: int = 3, short: bool = True, starts: dt.datetime | None = None
) -> Exam:
    forget_cached_papers()
    social = world.orgs["cd_social1"]
    bank = factories.bank(social, world.users["cd_setter"], per_cell=1.0)
    session = factories.session(world, status="exam", bank_=bank, starts=starts)
    items = None
    if not short:
        items = [it for it in bank.items.order_by("id") if it.item_type != "short"]
    papers = [factories.sealed_paper(session, form=f, items=items) for f in ("A", "B")]
    sitting = factories.sitting(session, proctor=world.users["cd_proctor"], status="open")
    exam = Exam(world, session, sitting, papers)
    for i in range(candidates):
        first17 = f"51010719900101{i:02d}2"[:17]
        person = factories.person(f"考生{i + 1}", first17)
        reg = factories.registration(session, person, seat=f"{i + 1:02d}", theory_sitting=sitting)
        exam.candidates.append((reg, person.id_number))
    return exam


def marking_panel(exam: Exam, examiners: list[Any]) -> Panel:
    from peiyu.core.models import Decision

    decision = Decision.record("exams.evaluationsession", exam.session.pk, kind="panel_draw", outcome="drawn",
                               checks=[])  # fmt: skip
    panel = Panel.objects.create(session=exam.session, kind=Panel.Kind.MARKING, seed="s", drawn_at=timezone.now(),
                                 drawn_by=exam.world.users["cd_exam_admin"], decision=decision)  # fmt: skip
    for e in examiners:
        PanelMember.objects.create(panel=panel, examiner=e)
    return panel

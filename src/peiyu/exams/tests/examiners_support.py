"""Test state of the examiners area: a Chengdu 电工 session in its exam step with an approved practical
set in its bank and three approved candidates (one trained at the employer institution)."""

from __future__ import annotations

from typing import Any

from peiyu.exams.models import EvaluationSession, QuestionBank, Registration

from . import factories


def session_with_candidates(world: Any, *, level: str = "四级", n: int = 3, status: str = "exam", starts: Any = None
                            ) -> tuple[EvaluationSession, list[Registration]]:  # fmt: skip
    social = world.orgs["cd_social1"]
    bank = QuestionBank.objects.filter(institution=social, level=level).first() or factories.bank(
        social, world.users["cd_setter"], level=level, per_cell=0, practical=1
    )
    sess = factories.session(world, status=status, level=level, bank_=bank, starts=starts)
    regs = []
    base = Registration.objects.count()
    for i in range(n):
        k = base + i + 1
        who = factories.person(f"考生{'甲乙丙丁戊己庚辛壬癸'[k % 10]}", f"51010719950101{k:02d}2")
        regs.append(factories.registration(sess, who))
    return sess, regs

"""Fixtures of the evaluation tests: the personas' world on DAY with the policy profiles and reference
data; Chengdu's district bureau and social evaluation organisations (institutions' chengdu_setup); a
filed social organisation listed for 电工 五级…二级 and an employer listed for 车工; a Hubei DTE
evaluation institution listed for AI 初级/中级 and a Hubei training institution; the exam staff of the
Chengdu organisation (exam administrator, question setter, reviewer, approver, proctor, internal
supervisor) and five examiners. Build further state with `factories`."""

from __future__ import annotations

import pytest

from . import factories


@pytest.fixture
def exams(db, time_machine):
    time_machine.move_to(factories.DAY, tick=False)
    return factories.build()

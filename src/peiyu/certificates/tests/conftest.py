"""Fixtures of the certificates tests: the evaluation tests' world (`exams`: the personas, policy
profiles, Chengdu's filed social organisation listed for 电工, the Hubei DTE evaluation institution listed
for AI 初级/中级, their staff and the officials) — build sessions with passing lists with `support`."""

from __future__ import annotations

from peiyu.exams.tests.conftest import exams

__all__ = ["exams"]

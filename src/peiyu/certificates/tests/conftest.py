"""Fixtures of the certificates tests: the evaluation tests' world (`exams`: the personas, policy
profiles, Chengdu's filed social organisation listed for 电工, the Hubei DTE evaluation institution listed
for AI 初级/中级, their staff and the officials) — build sessions with passing lists with `support`."""

from __future__ import annotations

import pytest

from peiyu.exams.tests.conftest import exams

__all__ = ["exams"]


@pytest.fixture(autouse=True)
def _verification_tallies():
    """Hits a test counted in this process and not yet written to the (cleared) cache do not carry over
    into the next test's budgets (services.verification keeps them per process)."""
    from peiyu.certificates.services.verification import lookup_tallies_forget

    lookup_tallies_forget()
    yield
    lookup_tallies_forget()

"""SEL-6 under concurrency: many officials recommend at once against one city's quota; the quota row
lock makes the count exact on PostgreSQL (row locks) and SQLite (BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading

import pytest

from peiyu.core.errors import RuleViolation
from peiyu.institutions.models import Application
from peiyu.institutions.services import review
from tests.personas import _user

from . import factories as f

N = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_recommendations_never_exceed_the_city_quota(directory, ln_call, today_in_call):
    # Dalian may recommend 2 evaluation institutions per occupation (004 一（三）)
    dl = directory.orgs["dl"]
    officials = [_user(directory, f"dl_official_{i}", dl, "city_official") for i in range(N)]
    apps = []
    for i in range(N):
        org = f.new_institution(directory, f"race{i}", "210202", f"52210202MJ0R0000{i}")
        user = getattr(directory, f"race{i}_admin")
        apps.append(f.submitted(user, ln_call, kind="evaluation", form=f.dte_form(org, kind="evaluation")))
    barrier = threading.Barrier(N)
    outcomes: list[str] = []

    def act(official, app):
        from django.db import connections

        try:
            barrier.wait()
            review.application_pass(
                actor=official, application=Application(pk=app.pk), recommendation_reason="择优推荐"
            )
            outcomes.append("ok")
        except RuleViolation as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(o, a)) for o, a in zip(officials, apps, strict=True)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("ok") == 2, outcomes
    assert outcomes.count("quota_exhausted") == N - 2, outcomes
    moved = Application.objects.filter(pk__in=[a.pk for a in apps], step="province_expert_review").count()
    assert moved == 2

"""Shared test personas and helpers. Personas come from two different cities (Shenyang and Dalian,
Liaoning) plus other provinces, so every scoping test can prove the negative case."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_caches():
    from django.core.cache import cache

    from peiyu.core import calendar, policy

    cache.clear()
    policy._local.clear()
    calendar._years.clear()
    yield


@pytest.fixture
def world(db):
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def policies(db):
    from peiyu.core.policy import load_policy_files

    load_policy_files()

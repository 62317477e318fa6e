"""Fixtures of the directory's tests: the personas' world with policies, occupations and trades loaded,
the shipped Liaoning call, a Chengdu district and trades, and form data that passes every check."""

from __future__ import annotations

import datetime as dt

import pytest

from . import factories
from .catalog_data import catalog_listings


@pytest.fixture
def directory(world, policies):
    factories.load_reference()
    factories.chengdu_setup(world)
    return world


@pytest.fixture
def ln_call(directory):
    return factories.liaoning_call(directory)


@pytest.fixture
def today_in_call(time_machine):
    time_machine.move_to(
        dt.datetime(2023, 6, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    )


@pytest.fixture
def catalog(world):
    """The catalog's test listings in every status (catalog_data)."""
    return catalog_listings(world)

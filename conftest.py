"""Shared test personas and helpers. Personas come from two different cities (Shenyang and Dalian,
Liaoning) plus other provinces, so every scoping test can prove the negative case."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_caches():
    from django.core.cache import caches

    from peiyu.core import calendar, policy

    for each in caches.all():
        each.clear()
    policy._local.clear()
    calendar._years.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page fetched in English activates English for the
    thread (as every request activates its own), which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _audit_rows_flushable(request):
    """Transactional tests end with a flush (DELETE on SQLite), which the append-only trigger refuses:
    lift the trigger for the flush only, then put it back."""
    transactional = any(
        name in request.fixturenames
        for name in ("transactional_db", "live_server", "django_db_serialized_rollback")
    )
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        transactional = True
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    from peiyu.audit import triggers

    if connection.vendor == "sqlite":
        triggers.remove(connection)
        with connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditevent")
        triggers.install(connection)


@pytest.fixture
def world(db):
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def policies(db):
    from peiyu.core.policy import load_policy_files

    load_policy_files()


@pytest.fixture
def login_as(db):
    """A test client signed in as `user`, past TOTP as an official would be (django-otp's session
    marker of a confirmed device)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user):
        c = Client()
        c.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = c.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return c

    return make

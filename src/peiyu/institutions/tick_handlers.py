"""Time-based states of the directory advanced by `peiyu tick` (registered by institutions.hooks):
calls closing at their deadline, notices ending, listings expiring and forfeited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def notices_due(now: dt.datetime) -> int:
    from .services.notices import notices_end_due

    return notices_end_due(timezone.localtime(now).date())


def listings_due(now: dt.datetime) -> int:
    from .services.expiry import listings_expire_due

    return listings_expire_due(timezone.localtime(now).date())


def calls_due(now: dt.datetime) -> int:
    from .services.calls import calls_close_due

    return calls_close_due(timezone.localtime(now).date())

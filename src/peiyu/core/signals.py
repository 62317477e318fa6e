"""Cache invalidation for reference data read on hot paths (calendar, policy); connected by core.hooks."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from .models import Holiday, PolicyVersion


def _holiday_changed(sender: type[Holiday], instance: Holiday, **kwargs: Any) -> None:
    from .calendar import forget_year

    forget_year(instance.date.year)


def _policy_changed(sender: type[PolicyVersion], instance: PolicyVersion, **kwargs: Any) -> None:
    from .policy import bump_generation

    bump_generation()


def connect() -> None:
    """Idempotent (each receiver has a dispatch_uid)."""
    for signal in (post_save, post_delete):
        signal.connect(_holiday_changed, sender=Holiday, dispatch_uid="core.holiday_changed")
    post_save.connect(_policy_changed, sender=PolicyVersion, dispatch_uid="core.policy_changed")

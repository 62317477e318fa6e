"""What evaluation plugs in: its menu entries, workbench to-dos, `peiyu tick` handlers, demo section and
background tasks. Each area registers its own in its block below."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _  # noqa: F401 - used by the areas' blocks

from peiyu.core.registry import (  # noqa: F401 - used by the areas' blocks
    NavItem,
    register_demo_section,
    register_nav,
    register_task,
    register_tick,
    register_todo,
)

MANAGE_OR_SUPERVISE = "exam.manage|exam.supervise"


def register() -> None:
    _sites()
    _banks()
    _papers()
    _plans_and_sessions()
    _registrations()
    _examiners()
    _cbt()
    _scores()
    _archives()


def _sites() -> None:
    pass


def _banks() -> None:
    pass


def _papers() -> None:
    pass


def _plans_and_sessions() -> None:
    pass


def _registrations() -> None:
    pass


def _examiners() -> None:
    pass


def _cbt() -> None:
    pass


def _scores() -> None:
    pass


def _archives() -> None:
    pass

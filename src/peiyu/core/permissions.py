"""Dependency inversion for core: the accounts app installs the capability checker at start-up,
so core can deny by default without importing a domain app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_checker: Callable[[Any, str], bool] | None = None


def set_capability_checker(fn: Callable[[Any, str], bool]) -> None:
    global _checker
    _checker = fn


def has_capability(user: Any, capability: str) -> bool:
    return bool(_checker and _checker(user, capability))


_scope_provider: Callable[[Any, str], Any] | None = None


def set_scope_provider(fn: Callable[[Any, str], Any]) -> None:
    global _scope_provider
    _scope_provider = fn


def scope_for(user: Any, capability: str) -> Any:
    """The accounts app's Scope for (user, capability); raises if accounts is not installed."""
    if _scope_provider is None:
        raise RuntimeError("no scope provider installed")
    return _scope_provider(user, capability)

"""Endpoints that take several verbs (a page's `action=…` field, an API route's `action`) run them
through one table in the app's services layer, shared by the page and the API:

    REVIEW_ACTIONS = {"pass": …, "return": …, "reject": …}
    def application_act(*, actor, application, action, **given):
        return dispatch(REVIEW_ACTIONS, action, actor, application, ReviewInput(**given))

An unknown verb is a 400 (`unknown_action`) in Chinese, never a KeyError."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .errors import InvalidInput

T = TypeVar("T")

UNKNOWN_ACTION = "无效的操作"


def dispatch(table: Mapping[str, Callable[..., T]], action: str | None, /, *args: Any, **kwargs: Any) -> T:
    """Run the verb `action` of `table` with the given arguments."""
    handler = table.get(action or "")
    if handler is None:
        raise InvalidInput(UNKNOWN_ACTION, code="unknown_action", fields={"action": [UNKNOWN_ACTION]})
    return handler(*args, **kwargs)

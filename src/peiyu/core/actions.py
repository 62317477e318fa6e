"""Endpoints that take several verbs (a page's `action=…` field, an API route's `action`) run them
through one table in the app's services layer, shared by the page and the API:

    REVIEW_ACTIONS = {"pass": …, "return": …, "reject": …}
    def application_act(*, actor, application, action, **given):
        return dispatch(REVIEW_ACTIONS, action, actor, application, ReviewInput(**given))

An unknown verb is a 400 (`unknown_action`) in Chinese, never a KeyError."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext, gettext_noop

from .errors import InvalidInput

T = TypeVar("T")

UNKNOWN_ACTION = gettext_noop("无效的操作")


def dispatch(table: Mapping[str, Callable[..., T]], action: str | None, /, *args: Any, **kwargs: Any) -> T:
    """Run the verb `action` of `table` with the given arguments."""
    handler = table.get(action or "")
    if handler is None:
        message = gettext(UNKNOWN_ACTION)  # a page in English says so; the API speaks Chinese (ADR 0002)
        raise InvalidInput(message, code="unknown_action", fields={"action": [message]})
    return handler(*args, **kwargs)

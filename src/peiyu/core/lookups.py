"""Lookups every app shares: `one_or_404`, the one lookup every `*_get_for` selector ends with (missing,
out of scope or a malformed key all look the same, a NotFound: 404, DESIGN §5), and `filter_given`, a
list's optional filters. Imports only core.errors, so any layer of any app may use it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from .errors import NotFound

M = TypeVar("M", bound=models.Model)


def one_or_404(queryset: models.QuerySet[M], /, message: str | None = None, **lookup: Any) -> M:
    """The one row of a (scoped) queryset matching `lookup`. None, or a key that is not a valid value
    (an id that is not a whole number), is NotFound, with `message` when given."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise (NotFound() if message is None else NotFound(message)) from exc


def filter_given(queryset: models.QuerySet[M], /, **lookups: Any) -> models.QuerySet[M]:
    """`queryset` narrowed by each lookup whose value is given (a list's optional filters: an empty
    string or None leaves that field unfiltered)."""
    given = {field: value for field, value in lookups.items() if value}
    return queryset.filter(**given) if given else queryset

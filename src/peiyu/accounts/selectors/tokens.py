"""A user's own API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ApiToken


def api_tokens_of(actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")

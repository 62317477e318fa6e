"""What the account pages share: a refusal as field messages for the form that caused it."""

from __future__ import annotations

from django.http import QueryDict

from peiyu.core.errors import DomainError


def form_errors(exc: DomainError) -> dict[str, list[str]]:
    """Field messages, and the refusal's own message under "form" (shown above the form)."""
    errors = {k: list(v) for k, v in (exc.fields or {}).items()}
    errors.setdefault("form", [exc.text])
    return errors


def typed(post: QueryDict, names: tuple[str, ...]) -> dict[str, str]:
    """What the person typed (passwords excluded by the caller), to show again after a failed save."""
    return {name: post.get(name, "").strip() for name in names}


def revoke_failed(post: QueryDict, exc: DomainError) -> dict[str, object]:
    """A refused role revocation, shown in that role's row: the assignment, the reason typed, and the
    messages (the reason's own, else the refusal's)."""
    fields = exc.fields or {}
    return {
        "assignment": post.get("assignment", ""),
        "reason": post.get("reason", "").strip(),
        "errors": list(fields.get("reason") or [exc.text]),
    }

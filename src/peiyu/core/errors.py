"""Domain errors. Services raise these; the API maps each to an HTTP status and a stable code, and
views turn them into field or page messages. Nothing user-caused may surface as a 500."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """Base: `code` is stable (clients match on it), `message` is the Chinese text shown to people,
    `rules` the RULES.md ids that refuse (`rule=` is the one-rule spelling), `fields` the messages per
    input field. One shape everywhere: `as_dict()` → {code, message, rules, fields} (+ details)."""

    status = 400
    code = "domain_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        rule: str | None = None,
        rules: Sequence[str] | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        ids = [*([rule] if rule else []), *(rules or ())]
        self.rules: list[str] = list(dict.fromkeys(r for r in ids if r))
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        self.details = dict(details or {})

    @property
    def rule(self) -> str | None:
        """The rule ids as one text ("TRN-1/TRN-10"), None when no rule refuses."""
        return "/".join(self.rules) or None

    @property
    def text(self) -> str:
        """The message with the rule ids it does not name yet, for a page ("名额已满（SEL-6）"); the
        one formatter is peiyu.core.checks.rule_message."""
        from .checks import rule_message

        return rule_message(self.message, self.rules)

    @property
    def plain_message(self) -> str:
        """The message without the bracketed rule ids `rule_tags` shows beside it (an error page)."""
        from .checks import refusal_parts

        return refusal_parts(self)[0]

    @property
    def rule_tags(self) -> list[str]:
        """The rule ids to show as tags beside `plain_message`: each id once, unless the text names it."""
        from .checks import refusal_parts

        return refusal_parts(self)[1]

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "rules": list(self.rules),
            "fields": {k: list(v) for k, v in self.fields.items()},
        }
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class RuleViolation(DomainError):
    """One or more rules of RULES.md refuse the action; `rules` carries their ids."""

    status = 400
    code = "rule_violation"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    """Missing and out of scope look the same (DESIGN §5)."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "记录不存在或不在您的管辖范围内", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class Conflict(DomainError):
    """The state changed under the caller (state machine, quota, duplicate)."""

    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PolicyMissing(DomainError):
    status = 409
    code = "policy_missing"

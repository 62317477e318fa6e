"""The result type of every pure rule function (DESIGN conventions §2), the one formatter of the
Chinese text that names failed rules, and the one way to turn failed checks into a refusal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import DomainError, RuleViolation

__all__ = [
    "Check",
    "failure_message",
    "join_messages",
    "refusal_parts",
    "refusal_text",
    "refuse_failed",
    "rule_message",
]


@dataclass(frozen=True)
class Check:
    rule: str  # the RULES.md id, e.g. "SEL-3"
    ok: bool
    message: str = ""  # Chinese, shown to people; says what passed or failed and why
    facts: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # seed and article, e.g. "004 §2(3)"
    blocking: bool = (
        False  # a failure refuses the action outright; others an official may override with a reason
    )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# sentence-final and separating punctuation a part must not end with before "；" or "（…）"
_TRAILING = "。；;，,.！!？?、 \u3000\n"


# "（TRN-8）", "（TRN-8、TRN-9）", "(SEL-6)": the rule ids rule_message and failure_message add
_BRACKETED_IDS = re.compile(
    r"\s*[（(]\s*([A-Z]{2,5}-\d+[a-z]?(?:\s*[、,，/]\s*[A-Z]{2,5}-\d+[a-z]?)*)\s*[）)]"
)
_ID_LIST = re.compile(r"\s*[、,，/]\s*")


def _mentions(text: str, rule: str) -> bool:
    """`rule` is named in `text` as itself ("TRN-1" is not named by "TRN-10")."""
    return re.search(rf"(?<![A-Za-z0-9-]){re.escape(rule)}(?![0-9])", text) is not None


def rule_message(message: str, rules: Iterable[str | None]) -> str:
    """The message with the rule ids it does not name yet in brackets: "…不能超过40%（TRN-4）";
    never "违反TRN-9（TRN-9）", never "…。（TRN-4）"."""
    text = str(message).strip()
    missing = [r for r in dict.fromkeys(r for r in rules if r) if not _mentions(text, r)]
    if not missing:
        return text
    return text.rstrip(_TRAILING) + "（" + "、".join(missing) + "）"


def join_messages(messages: Iterable[str]) -> str:
    """Messages joined by "；", each without its sentence-final punctuation (never "。；"), the same
    text once, empty ones left out."""
    parts = [str(m).strip().rstrip(_TRAILING) for m in messages]
    return "；".join(dict.fromkeys(p for p in parts if p))


def failure_message(checks: Iterable[Check], *, lead: str = "") -> str:
    """One Chinese text for several failed checks: their messages joined by "；" (never "。；"), each
    rule's id once in brackets after its last message (unless its messages name it), the same text
    once; `lead` before them (e.g. "不符合申报条件："). "a；b（TRN-8）；c（TRN-9）"."""
    by_rule: dict[str, list[str]] = {}
    for check in checks:
        part = str(check.message or "不符合规则").strip().rstrip(_TRAILING)
        texts = by_rule.setdefault(check.rule or "", [])
        if part and part not in texts:
            texts.append(part)
    groups = []
    for rule, texts in by_rule.items():
        named = all(_mentions(t, rule) for t in texts) if rule else True
        joined = "；".join(texts)
        groups.append(joined if named else rule_message(joined, [rule]))
    return lead + "；".join(g for g in groups if g)


def refusal_text(error: DomainError, *, fields: bool = True) -> str:
    """A refusal as one line for a page message: its message, then (with `fields`) the field messages it
    does not already say, joined by "；" (never "。；"), then the rule ids it does not name."""
    parts = [error.message.strip()]
    if fields:
        parts += [m.strip() for ms in error.fields.values() for m in ms if m.strip() not in error.message]
    kept = list(dict.fromkeys(p.rstrip(_TRAILING) if i < len(parts) - 1 else p for i, p in enumerate(parts)))
    return rule_message("；".join(p for p in kept if p), error.rules)


def refusal_parts(error: DomainError) -> tuple[str, list[str]]:
    """A refusal for a page that shows its rules as tags beside the message: the message without the
    bracketed ids the tags show ("名额已满（SEL-6）" → "名额已满"), and the ids to show as tags — each
    rule id once: as a tag, or in the text where a sentence names it ("违反TRN-9"), never both."""
    ids = set(error.rules)

    def drop(found: re.Match[str]) -> str:
        return "" if set(_ID_LIST.split(found[1])) <= ids else found[0]

    text = _BRACKETED_IDS.sub(drop, error.message.strip()).strip()
    return text, [r for r in error.rules if not _mentions(text, r)]


def refuse_failed(
    checks: Iterable[Check],
    *,
    code: str,
    lead: str = "",
    blocking_only: bool = False,
    fields: Mapping[str, Sequence[str]] | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Raise one RuleViolation for the checks that failed (only the blocking ones with `blocking_only`):
    every failed rule id in `rules` (in order, once), the message from `failure_message`, `fields`, and
    `details` with the failed checks added under "checks" unless given. Nothing failed: return."""
    failed = [c for c in checks if not c.ok and (c.blocking or not blocking_only)]
    if not failed:
        return
    body = dict(details or {})
    body.setdefault("checks", [c.as_dict() for c in failed])
    raise RuleViolation(
        failure_message(failed, lead=lead),
        code=code,
        rules=[c.rule for c in failed],
        fields=fields,
        details=body,
    )

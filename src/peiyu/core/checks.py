"""The result type of every pure rule function (DESIGN conventions §2)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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

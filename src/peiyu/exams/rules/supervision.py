"""Rules of quality supervision (EVL-3; seed 001 Art. 17(4)): every sitting is supervised (逢考必督)."""

from __future__ import annotations

from collections.abc import Iterable

from peiyu.core.checks import Check

SOURCE_EVL3 = "001 第十七条（四）"


def check_internal_supervisor(assignments: Iterable[tuple[str, bool]]) -> Check:
    """A sitting starts only when an internal quality supervisor is assigned to it and has checked in.
    `assignments`: (kind, checked_in) of each supervisor assigned to the sitting."""
    rows = list(assignments)
    internal = [checked for kind, checked in rows if kind == "internal"]
    present = any(internal)
    if present:
        message = "内部质量督导员已到岗"
    elif internal:
        message = "内部质量督导员尚未到岗，不能开考（逢考必督）"
    else:
        message = "本场次未安排内部质量督导员，不能开考（逢考必督）"
    return Check(
        "EVL-3",
        present,
        message,
        {
            "internal_assigned": len(internal),
            "internal_present": sum(internal),
            "external": len(rows) - len(internal),
        },
        source=SOURCE_EVL3,
        blocking=True,
    )

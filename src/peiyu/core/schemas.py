"""API schemas shared by the apps: a stored Decision as every app shows it (the checks with their rule
ids and the policy version in force)."""

import datetime as dt
from typing import Any

from ninja import Schema


class DecisionOut(Schema):
    id: int
    kind: str
    outcome: str
    rules: list[str]
    checks: list[dict[str, Any]]
    policy_name: str
    policy_version: int | None
    policy_chain: str
    created_at: dt.datetime


def decision_out(d) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "outcome": d.outcome,
        "rules": list(d.rules),
        "checks": list(d.checks),
        "policy_name": d.policy_name,
        "policy_version": d.policy_version,
        "policy_chain": d.policy_chain,
        "created_at": d.created_at,
    }

"""Cleaning of the text and date fields that plans and classes share, and of the reason every
withdrawal, cancellation or revocation needs: every problem named per field in Chinese, whatever type
a form or an API body sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peiyu.core.errors import InvalidInput

REASON_MAX = 2000  # a stated reason (cancellation, withdrawal) kept in full, in the record and the audit


def clean_texts(data: dict[str, Any], caps: dict[str, int], errors: dict[str, list[str]]) -> dict[str, str]:
    """Each field of `caps` stripped; longer than its cap → a field error."""
    out: dict[str, str] = {}
    for name, cap in caps.items():
        raw = data.get(name)
        value = "" if raw is None else str(raw).strip()
        if len(value) > cap:
            errors[name] = [f"不能超过{cap}个字"]
        out[name] = value
    return out


def clean_dates(
    data: dict[str, Any], labels: dict[str, str], errors: dict[str, list[str]]
) -> dict[str, dt.date]:
    """Each field of `labels` as a date (a date, or text 年-月-日); otherwise a field error."""
    out: dict[str, dt.date] = {}
    for name, label in labels.items():
        raw = data.get(name)
        try:
            out[name] = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw or ""))
        except ValueError:
            errors[name] = [f"请填写{label}（年-月-日）"]
    return out


def clean_reason(reason: Any, label: str, cap: int) -> str:
    """The stated reason (`label`, e.g. 退训原因), stripped: missing or longer than `cap` → a field error
    on "reason", never a silently shortened one."""
    value = "" if reason is None else str(reason).strip()
    if not value:
        raise InvalidInput(f"请填写{label}", fields={"reason": [f"请填写{label}"]})
    if len(value) > cap:
        raise InvalidInput(f"{label}过长", fields={"reason": [f"不能超过{cap}个字"]})
    return value

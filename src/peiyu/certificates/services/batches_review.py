"""The reviewers' steps of the DTE route (CRT-3; 000 Art. 3 and 8, 003 §4(4)): the province confirms
(returning some candidates with reasons if need be) within its stored deadline and forwards to the
coordination group office, which approves (again possibly returning some: partial approval) and so
starts the institution's issuing deadline; either returns the whole batch with a reason while it is
with them. Confirmation is the province's: a national scope (the office) does not confirm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.core import calendar
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import InvalidInput

from ..flows import BATCH_FLOW, ENTRY_FLOW
from ..models import BatchEntry, IssuanceBatch
from ..rules import batches as rules
from ..selectors import batches as sel
from .batches import _locked, _require_office, _require_province, _require_route, batch_policy

B = IssuanceBatch.Status
E = BatchEntry.Status


def _returns(locked: IssuanceBatch, returns: Mapping[Any, Any] | None) -> list[tuple[BatchEntry, str]]:
    """The candidates returned one by one ({entry id: reason}), each with its reason."""
    wanted = {str(k): v for k, v in (returns or {}).items()}
    if not wanted:
        return []
    rows = {
        str(e.pk): e for e in BatchEntry.objects.select_for_update().filter(batch=locked, status=E.INCLUDED)
    }
    errors: dict[str, list[str]] = {}
    out: list[tuple[BatchEntry, str]] = []
    for key, reason in wanted.items():
        if key not in rows:
            errors[f"entry_{key}"] = ["该考生不在待审核名单中"]
            continue
        try:
            out.append((rows[key], clean_reason(reason, label="退回原因", field=f"reason_{key}")))
        except InvalidInput as exc:
            errors.update({k: list(v) for k, v in (exc.fields or {}).items()})
    if errors:
        raise InvalidInput("退回考生须逐一说明原因", fields=errors)
    return out


def _return_entries(
    actor: Any, locked: IssuanceBatch, returns: list[tuple[BatchEntry, str]], level: str
) -> None:
    for entry, reason in returns:
        ENTRY_FLOW.transition(
            entry, E.RETURNED, actor=actor, reason=reason, locked=True,
            changes={"return_reason": reason, "returned_by_level": level},
        )  # fmt: skip


def batch_confirm(
    *, actor: Any, batch: IssuanceBatch, returns: Mapping[Any, Any] | None = None
) -> IssuanceBatch:
    """The province confirms the data, returning the candidates in `returns` ({entry id: reason})."""
    _require_province(actor, batch)
    _require_route(batch, rules.PROVINCE_CG)
    with transaction.atomic():
        locked = _locked(batch)
        returned = _returns(locked, returns)
        kept = sel.entry_counts(locked).get(E.INCLUDED, 0) - len(returned)
        refuse_failed([rules.check_some_left(kept, len(returned))], code="all_returned")
        on_time = rules.check_on_time("省级确认", locked.confirm_due, timezone.localdate())
        _return_entries(actor, locked, returned, "province")
        BATCH_FLOW.transition(
            locked, B.CONFIRMED, actor=actor, locked=True, expected_from=[B.SUBMITTED],
            reason=f"省级确认{kept}人" + (f"，退回{len(returned)}人" if returned else ""),
            changes={"confirmed_at": timezone.now()},
            audit_extra={"returned": len(returned), "overdue": not on_time.ok, **on_time.facts},
        )  # fmt: skip
    return locked


def batch_forward(*, actor: Any, batch: IssuanceBatch) -> IssuanceBatch:
    _require_province(actor, batch)
    _require_route(batch, rules.PROVINCE_CG)
    return BATCH_FLOW.transition(  # type: ignore[return-value]
        batch, B.FORWARDED, actor=actor, reason="转报协调小组办公室审核",
        changes={"forwarded_at": timezone.now()}, expected_from=[B.CONFIRMED],
    )  # fmt: skip


def batch_return(*, actor: Any, batch: IssuanceBatch, reason: str) -> IssuanceBatch:
    """The whole batch back to the institution with the reason: by the province while it confirms, by
    the office while it approves."""
    reason = clean_reason(reason, label="退回原因")
    _require_route(batch, rules.PROVINCE_CG)
    current = IssuanceBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()
    if current == B.SUBMITTED:  # with the province; else the office (the move below checks it again)
        _require_province(actor, batch)
        level = "province"
    else:
        _require_office(actor, batch)
        level = "office"
    return BATCH_FLOW.transition(  # type: ignore[return-value]
        batch, B.RETURNED, actor=actor, reason=reason, changes={"return_reason": reason},
        expected_from=[B.SUBMITTED] if level == "province" else [B.FORWARDED], audit_extra={"by": level},
    )  # fmt: skip


def batch_approve(
    *, actor: Any, batch: IssuanceBatch, returns: Mapping[Any, Any] | None = None
) -> IssuanceBatch:
    """The coordination group office approves the data, returning the candidates in `returns`; the
    institution's issuing deadline is stored from today."""
    _require_office(actor, batch)
    _require_route(batch, rules.PROVINCE_CG)
    with transaction.atomic():
        locked = _locked(batch)
        returned = _returns(locked, returns)
        gone = {e.pk for e, _reason in returned}
        kept = [e for e in BatchEntry.objects.select_for_update().filter(batch=locked, status=E.INCLUDED)
                if e.pk not in gone]  # fmt: skip
        refuse_failed([rules.check_some_left(len(kept), len(returned))], code="all_returned")
        today = timezone.localdate()
        days = batch_policy(locked).get("cert_issue_days")
        issue_due = calendar.add_calendar_days(today, int(days)) if days else None
        _return_entries(actor, locked, returned, "office")
        ENTRY_FLOW.transition_batch(
            kept, E.APPROVED, actor=actor, subject=locked, reason="协调小组办公室审核通过"
        )
        BATCH_FLOW.transition(
            locked, B.APPROVED, actor=actor, locked=True, expected_from=[B.FORWARDED],
            reason=f"审核通过{len(kept)}人" + (f"，退回{len(returned)}人" if returned else ""),
            changes={"approved_at": timezone.now(), "issue_due": issue_due},
            audit_extra={"approved": len(kept), "returned": len(returned)},
        )  # fmt: skip
    return locked

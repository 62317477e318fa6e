"""One table of the batch's verbs for the pages and the API (core.actions.dispatch): the institution's,
the province's and the office's steps of services/batches*.py, and the per-candidate verbs."""

from __future__ import annotations

from typing import Any

from peiyu.core.actions import dispatch

from ..models import BatchEntry, IssuanceBatch
from .batches import batch_report, batch_submit, batch_supplement, entry_correct, entry_withdraw
from .batches_issue import batch_issue
from .batches_review import batch_approve, batch_confirm, batch_forward, batch_return


def _issue(*, actor: Any, batch: IssuanceBatch, **_given: Any) -> IssuanceBatch:
    return batch_issue(actor=actor, batch=batch)


BATCH_ACTIONS: dict[str, Any] = {
    "submit": lambda *, actor, batch, exam_report="", **_: batch_submit(actor=actor, batch=batch, exam_report=exam_report),
    "confirm": lambda *, actor, batch, returns=None, **_: batch_confirm(actor=actor, batch=batch, returns=returns),
    "return_province": lambda *, actor, batch, reason="", **_: batch_return(actor=actor, batch=batch, reason=reason),
    "forward": lambda *, actor, batch, **_: batch_forward(actor=actor, batch=batch),
    "approve": lambda *, actor, batch, returns=None, **_: batch_approve(actor=actor, batch=batch, returns=returns),
    "return_office": lambda *, actor, batch, reason="", **_: batch_return(actor=actor, batch=batch, reason=reason),
    "issue": _issue,
    "report": lambda *, actor, batch, **_: batch_report(actor=actor, batch=batch),
    "supplement": lambda *, actor, batch, **_: batch_supplement(actor=actor, batch=batch),
}  # fmt: skip


def batch_act(*, actor: Any, batch: IssuanceBatch, action: str, **given: Any) -> IssuanceBatch:
    result: IssuanceBatch = dispatch(BATCH_ACTIONS, action, actor=actor, batch=batch, **given)
    return result


ENTRY_ACTIONS: dict[str, Any] = {
    "correct": lambda *, actor, entry, note="", **_: entry_correct(actor=actor, entry=entry, note=note),
    "withdraw": lambda *, actor, entry, note="", **_: entry_withdraw(actor=actor, entry=entry, note=note),
}


def entry_act(*, actor: Any, entry: BatchEntry, action: str, **given: Any) -> BatchEntry:
    result: BatchEntry = dispatch(ENTRY_ACTIONS, action, actor=actor, entry=entry, **given)
    return result

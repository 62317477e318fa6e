"""Moving one batch of thousands of rows at once (`Workflow.transition_batch`), kept beside core.workflow
so that module stays readable: the same table check, one UPDATE, the log rows in one insert and one
audit event for the batch — the counterpart of `Workflow.created_many` for a later move."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from peiyu.audit.services import audit_record

from .bulk import insert_rows
from .models import TransitionLog


class BatchMoves:
    """Mixed into `Workflow`, which provides the table, the model and its status field."""

    model: type[models.Model]
    field: str

    def audit_action(self, event: str) -> str:
        raise NotImplementedError  # Workflow's

    def _check(self, row: models.Model, current: str, to: str, expected_from: Any) -> None:
        raise NotImplementedError  # Workflow's

    def transition_batch(
        self,
        objs: Sequence[models.Model],
        to: str,
        *,
        actor: Any,
        subject: models.Model,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> int:
        """`transition_many` for one batch of thousands (the entries of a certificate batch as they are
        issued): every move checked against the table, one UPDATE, the log rows in one insert and ONE
        audit event `"<name>.<to>"` on `subject` with the count and the first and last ids (as
        `created_many`). The caller holds the rows (or what they belong to) under lock."""
        from .workflow import _LOG_COLUMNS, _plain, _user

        if not objs:
            return 0
        for row in objs:
            self._check(row, getattr(row, self.field), to, None)
        changes = dict(changes or {})
        pks = sorted(row.pk for row in objs)
        user = _user(actor)
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        subject_type = self.model._meta.label_lower
        with transaction.atomic():
            self.model._default_manager.filter(pk__in=pks).update(**{self.field: to}, **changes)
            insert_rows(
                TransitionLog._meta.db_table,
                _LOG_COLUMNS,
                [
                    (
                        subject_type,
                        str(r.pk),
                        getattr(r, self.field),
                        to,
                        user.pk if user else None,
                        reason,
                        at,
                    )
                    for r in objs
                ],
            )
            audit_record(
                actor,
                self.audit_action(to),
                subject,
                after={
                    self.field: to,
                    "count": len(pks),
                    "ids": {"first": pks[0], "last": pks[-1]},
                    **{k: _plain(v) for k, v in (after or {}).items()},
                },
                reason=reason,
            )
        for row in objs:
            setattr(row, self.field, to)
            for key, value in changes.items():
                setattr(row, key, value)
        return len(pks)

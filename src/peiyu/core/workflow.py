"""Workflows (DESIGN conventions §4): a status field, one visible table of allowed transitions per
model, and one service per transition that goes through `Workflow.transition`, which locks the row,
checks the move against the table, writes the status, the TransitionLog and the audit event, all in
one transaction. Two officials acting at once: the second waits for the lock, then finds the status
changed and gets InvalidTransition (409) instead of a double move."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from peiyu.audit.services import audit_record

from .errors import InvalidTransition
from .models import TransitionLog


class Workflow:
    def __init__(
        self, model: type[models.Model], transitions: Mapping[str, Iterable[str]], *, field: str = "status"
    ):
        self.model = model
        self.field = field
        self.transitions = {k: frozenset(v) for k, v in transitions.items()}

    def allowed(self, current: str) -> frozenset[str]:
        return self.transitions.get(current, frozenset())

    def can(self, obj: models.Model, to: str) -> bool:
        return to in self.allowed(getattr(obj, self.field))

    def transition(
        self,
        obj: models.Model,
        to: str,
        *,
        actor: Any,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        expected_from: Iterable[str] | None = None,
    ) -> models.Model:
        """Move `obj` to `to`. `changes` are further fields written in the same update;
        `expected_from` narrows the allowed starting states for this particular service."""
        changes = dict(changes or {})
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.field)
            starting = set(expected_from) if expected_from is not None else None
            if to not in self.allowed(current) or (starting is not None and current not in starting):
                raise InvalidTransition(
                    f"当前状态“{_label(locked, self.field, current)}”不能变更为“{_label(locked, self.field, to)}”",
                    details={"from": current, "to": to},
                )
            before = {self.field: current, **{k: _plain(getattr(locked, k)) for k in changes}}
            setattr(locked, self.field, to)
            for key, value in changes.items():
                setattr(locked, key, value)
            locked.save(update_fields=[self.field, *changes])
            TransitionLog.objects.create(
                subject_type=locked._meta.label_lower,
                subject_id=str(locked.pk),
                from_status=current,
                to_status=to,
                actor=actor if getattr(actor, "pk", None) else None,
                reason=reason,
            )
            audit_record(
                actor,
                f"{locked._meta.model_name}.{to}",
                locked,
                before=before,
                after={self.field: to, **{k: _plain(v) for k, v in changes.items()}},
                reason=reason,
            )
        for key in [self.field, *changes]:
            setattr(obj, key, getattr(locked, key))
        return locked

    def history(self, obj: models.Model):
        return TransitionLog.objects.filter(
            subject_type=obj._meta.label_lower, subject_id=str(obj.pk)
        ).order_by("at", "id")


def _label(obj: models.Model, field: str, value: str) -> str:
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value

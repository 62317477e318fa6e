"""The class row locked for a write: every training write that depends on a class's status takes it first."""

from __future__ import annotations

from ..models import TrainingClass


def class_locked(klass: TrainingClass) -> TrainingClass:
    """The class's row, locked until the transaction ends, with its plan, listing, institution and
    region: every write that depends on a class's status takes this first, so two people acting on
    one class at once are served one after the other and each sees the other's result."""
    return (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__listing", "plan__institution", "region")
        .get(pk=klass.pk)
    )

"""Workflows (DESIGN conventions §4, ADR 0001): a status field, one visible table of allowed
transitions per model, and every status change through `Workflow`, which locks the row, checks the
move against the table, writes the status, the TransitionLog and the audit event, all in one
transaction. Two officials acting at once: the second waits for the lock, then finds the status
changed and gets InvalidTransition (409) instead of a double move.

Each app declares its tables in one module, `<app>/flows.py`; `grep -rn "Workflow(" src` lists every
state machine. A table names:

- `name`: the audit noun, so every event of the model is `"<name>.<to-status>"` (and
  `"<name>.created"` when a row is created), one spelling per model and transition;
- `transitions`: from-status → the statuses it may move to;
- `actions`: the verbs people use (`cancel`, `revoke` …) with the status each leads to and the
  capability it needs. `allowed_actions()` answers, for one object and one actor, which verbs the
  table allows now; the API details and the pages both show that list, so no template restates a
  state rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import connection, models, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from peiyu.audit.services import audit_record

from .bulk import insert_one, insert_rows, update_if
from .errors import InvalidTransition
from .models import TransitionLog
from .workflow_batch import BatchMoves

# The TransitionLog columns a bulk creation writes, in order.
_LOG_COLUMNS = ("subject_type", "subject_id", "from_status", "to_status", "actor_id", "reason", "at")


@dataclass(frozen=True)
class Action:
    """A verb of a workflow: `name` in URLs and `allowed_actions`, the status `to` it leads to, its
    Chinese `label` for buttons, and the `capability` the actor needs (scope is the app's to judge).
    `sources` narrows the statuses it starts from when the table allows the same move for other
    verbs too (for example, "reinstate" only from suspended)."""

    name: str
    to: str
    label: Any
    capability: str = ""
    sources: frozenset[str] | None = None

    def open_from(self, status: str, flow: Workflow) -> bool:
        if self.sources is not None and status not in self.sources:
            return False
        return self.to in flow.allowed(status)


class Workflow(BatchMoves):
    registry: ClassVar[dict[str, Workflow]] = {}

    def __init__(
        self,
        model: type[models.Model],
        transitions: Mapping[str, Iterable[str]],
        *,
        name: str,
        field: str = "status",
        actions: Iterable[Action] = (),
    ):
        self.model = model
        self.name = name
        self.field = field
        self.transitions = {k: frozenset(v) for k, v in transitions.items()}
        self.actions = {a.name: a for a in actions}
        statuses = {value for value, _label in _flatchoices(model, field)}
        unknown = (set(self.transitions) | {t for v in self.transitions.values() for t in v}) - statuses
        unknown |= {a.to for a in self.actions.values()} - statuses
        if unknown:
            raise ValueError(f"{name}: statuses not in {model.__name__}.{field}: {sorted(unknown)}")
        for action in self.actions.values():
            if not any(action.to in targets for targets in self.transitions.values()):
                raise ValueError(f"{name}: action {action.name} leads to {action.to}, which no move reaches")
        Workflow.registry[name] = self

    # -- reading the table ------------------------------------------------------------------------
    def allowed(self, current: str) -> frozenset[str]:
        return self.transitions.get(current, frozenset())

    def can(self, obj: models.Model, to: str) -> bool:
        return to in self.allowed(getattr(obj, self.field))

    def audit_action(self, event: str) -> str:
        """The one audit action name of this model for `event` (a status or "created")."""
        return f"{self.name}.{event}"

    def allowed_actions(
        self, obj: models.Model, permits: Callable[[Action], bool] = lambda _a: True
    ) -> list[str]:
        """The verbs the table allows from `obj`'s status that `permits` (the app's capability and
        scope judgement for the actor) lets through, in the table's order."""
        status = getattr(obj, self.field)
        return [a.name for a in self.actions.values() if a.open_from(status, self) and permits(a)]

    def action(self, name: str) -> Action:
        return self.actions[name]

    def history(self, obj: models.Model) -> models.QuerySet[TransitionLog]:
        return TransitionLog.objects.filter(
            subject_type=obj._meta.label_lower, subject_id=str(obj.pk)
        ).order_by("at", "id")

    # -- writing --------------------------------------------------------------------------------
    def created(
        self, obj: models.Model, *, actor: Any, reason: str = "", after: Mapping[str, Any] | None = None
    ) -> None:
        """Log and audit a new row in its first status (`"<name>.created"`). Call inside the
        transaction that created it."""
        status = getattr(obj, self.field)
        TransitionLog.objects.create(
            subject_type=obj._meta.label_lower,
            subject_id=str(obj.pk),
            from_status="",
            to_status=status,
            actor=_user(actor),
            reason=reason,
        )
        audit_record(
            actor,
            self.audit_action("created"),
            obj,
            after={self.field: status, **{k: _plain(v) for k, v in (after or {}).items()}},
            reason=reason,
        )

    def created_many(
        self,
        objs: Sequence[models.Model],
        *,
        actor: Any,
        reason: str = "",
        subject: models.Model | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> int:
        """Log rows created in bulk, each in its first status: one TransitionLog row per object
        ("" → its status, one bulk insert) and ONE audit event `"<name>.created"` for the whole batch,
        on `subject` (what the batch belongs to, e.g. the roster import or the class; else the first
        object) with `after={"count": n, "ids": {"first", "last"}, …}`. One audit event per row would
        make a 100 000-row import write 100 000 hash-chained audit rows, each waiting for the stream's
        head lock; the log rows name every object. The objects must have their primary keys (reserve
        them with `core.bulk.reserve_ids` before a bulk insert). Call inside the transaction that
        created them; returns how many were logged."""
        rows = [(obj.pk, str(getattr(obj, self.field))) for obj in objs]
        return self._log_created(
            rows, actor=actor, reason=reason, subject=subject or _first(objs), after=after
        )

    def created_query(
        self,
        queryset: models.QuerySet[Any],
        *,
        actor: Any,
        subject: models.Model,
        reason: str = "",
        after: Mapping[str, Any] | None = None,
    ) -> int:
        """`created_many` for rows written in bulk without model instances (`core.bulk.insert_rows`),
        named by a query (the roster import's enrolments: those carrying its decision). The log rows
        are written by one INSERT … SELECT inside the database, so none passes through Python; the
        batch's one audit event is on `subject`. Returns how many were logged."""
        summary = queryset.order_by().aggregate(n=Count("pk"), first=Min("pk"), last=Max("pk"))
        if not summary["n"]:
            return 0
        statuses = sorted(set(queryset.order_by().values_list(self.field, flat=True).distinct()))
        self._known(statuses)
        opts = self.model._meta
        # named columns, so the outer SELECT can name them on every database
        select_sql, select_params = (
            queryset.order_by()
            .annotate(log_pk=F("pk"), log_status=F(self.field))
            .values_list("log_pk", "log_status")
            .query.sql_with_params()
        )
        qn = connection.ops.quote_name
        user = _user(actor)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {qn(TransitionLog._meta.db_table)} ({', '.join(qn(c) for c in _LOG_COLUMNS)}) "  # noqa: S608 - quoted names, bound values
                f"SELECT %s, CAST(sub.log_pk AS VARCHAR(64)), '', sub.log_status, %s, %s, %s "
                f"FROM ({select_sql}) sub",
                [
                    opts.label_lower,
                    user.pk if user is not None else None,
                    reason,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                    *select_params,
                ],
            )
            self._audit_batch(
                actor, subject, statuses, summary["n"], summary["first"], summary["last"], reason, after
            )
        return int(summary["n"])

    def _log_created(
        self,
        rows: Sequence[tuple[Any, str]],
        *,
        actor: Any,
        reason: str,
        subject: models.Model | None,
        after: Mapping[str, Any] | None,
    ) -> int:
        if not rows:
            return 0
        if any(pk is None for pk, _status in rows):
            raise ValueError(f"{self.name}: created_many needs saved rows (primary keys)")
        statuses = sorted({status for _pk, status in rows})
        self._known(statuses)
        user = _user(actor)
        subject_type = self.model._meta.label_lower
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        actor_id = user.pk if user is not None else None
        pks = [pk for pk, _status in rows]
        ordered = sorted(pks) if all(isinstance(pk, int) for pk in pks) else pks
        with transaction.atomic():
            insert_rows(
                TransitionLog._meta.db_table,
                _LOG_COLUMNS,
                [(subject_type, str(pk), "", status, actor_id, reason, at) for pk, status in rows],
            )
            self._audit_batch(actor, subject, statuses, len(rows), ordered[0], ordered[-1], reason, after)
        return len(rows)

    def _known(self, statuses: Iterable[str]) -> None:
        unknown = set(statuses) - {value for value, _label in _flatchoices(self.model, self.field)}
        if unknown:
            raise ValueError(
                f"{self.name}: statuses not in {self.model.__name__}.{self.field}: {sorted(unknown)}"
            )

    def _audit_batch(
        self,
        actor: Any,
        subject: models.Model | None,
        statuses: Sequence[str],
        count: int,
        first: Any,
        last: Any,
        reason: str,
        after: Mapping[str, Any] | None,
    ) -> None:
        """The one `"<name>.created"` event of a batch."""
        audit_record(
            actor,
            self.audit_action("created"),
            subject,
            after={
                self.field: statuses[0] if len(statuses) == 1 else list(statuses),
                "count": count,
                "ids": {"first": first, "last": last},
                **{k: _plain(v) for k, v in (after or {}).items()},
            },
            reason=reason,
        )

    def transition(
        self,
        obj: models.Model,
        to: str,
        *,
        actor: Any,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        expected_from: Iterable[str] | None = None,
        locked: bool = False,
        audit_extra: Mapping[str, Any] | None = None,
    ) -> models.Model:
        """Move `obj` to `to`. `changes` are further fields written in the same update;
        `expected_from` narrows the allowed starting states for this particular service; `locked`
        says the caller already holds `obj` under `select_for_update` in the current transaction
        (its copy is then written as it is, no second read); `audit_extra` adds facts to the
        audit event's `after`."""
        changes = dict(changes or {})
        with transaction.atomic():
            row = obj if locked else self.model._default_manager.select_for_update().get(pk=obj.pk)
            current = getattr(row, self.field)
            self._check(row, current, to, expected_from)
            before = {self.field: current, **{k: _plain(getattr(row, k)) for k in changes}}
            setattr(row, self.field, to)
            for key, value in changes.items():
                setattr(row, key, value)
            row.save(update_fields=[self.field, *changes])
            TransitionLog.objects.create(
                subject_type=row._meta.label_lower,
                subject_id=str(row.pk),
                from_status=current,
                to_status=to,
                actor=_user(actor),
                reason=reason,
            )
            audit_record(
                actor,
                self.audit_action(to),
                row,
                before=before,
                after={
                    self.field: to,
                    **{k: _plain(v) for k, v in changes.items()},
                    **dict(audit_extra or {}),
                },
                reason=reason,
            )
        if row is not obj:
            for key in [self.field, *changes]:
                setattr(obj, key, getattr(row, key))
        return row

    def transition_if(
        self,
        obj: models.Model,
        to: str,
        *,
        expected_from: Iterable[str],
        actor: Any,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        audit_extra: Mapping[str, Any] | None = None,
        before_audit: Callable[[], Any] | None = None,
    ) -> bool:
        """`transition` as one conditional UPDATE (`… WHERE pk AND status IN expected_from`, a statement
        made once and prepared: core.bulk.update_if; plain values only) for hot paths, no locked read
        first: False, nothing written, when the row has left `expected_from` meanwhile; else the log row, `before_audit()` (more inserts, before the audit stream's head
        is locked) and the audit event, `obj` updated. `obj` carries the status it was read in."""
        starting = frozenset(expected_from)
        if not starting or any(to not in self.allowed(s) for s in starting):
            raise ValueError(f"{self.name}: {sorted(starting)} → {to} is not in the table")
        changes, current = dict(changes or {}), getattr(obj, self.field)
        # no savepoint (nothing to undo when the UPDATE finds no row; an error fails the caller's
        # transaction), the log row through core.bulk.insert_one: a hot path's statements only
        with transaction.atomic(savepoint=False):
            moved = update_if(self.model, obj.pk, self.field, sorted(starting), {self.field: to, **changes})
            if not moved:
                return False
            insert_one(TransitionLog, subject_type=obj._meta.label_lower, subject_id=str(obj.pk),
                       from_status=current, to_status=to, actor=_user(actor), reason=reason)  # fmt: skip
            if before_audit is not None:
                before_audit()
            for key, value in {self.field: to, **changes}.items():
                setattr(obj, key, value)
            after = {self.field: to, **{k: _plain(v) for k, v in changes.items()}, **dict(audit_extra or {})}
            audit_record(
                actor, self.audit_action(to), obj, before={self.field: current}, after=after, reason=reason
            )
        return True

    def transition_many(
        self,
        objs: Sequence[models.Model] | models.QuerySet[Any],
        to: str,
        *,
        actor: Any,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        expected_from: Iterable[str] | None = None,
        locked: bool = False,
    ) -> list[models.Model]:
        """The bulk variant for services that move many rows at once (completion, cancelling a
        class): the rows are locked in primary-key order, every move is checked against the table
        (one refused move refuses all), written with one UPDATE per distinct change set, and each
        gets its TransitionLog row (one bulk insert) and its audit event."""
        changes = dict(changes or {})
        with transaction.atomic():
            if locked:
                rows = list(objs)
            else:
                pks = [o.pk for o in objs]
                rows = list(self.model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk"))
            if not rows:
                return []
            befores = []
            for row in rows:
                current = getattr(row, self.field)
                self._check(row, current, to, expected_from)
                befores.append({self.field: current, **{k: _plain(getattr(row, k)) for k in changes}})
            self.model._default_manager.filter(pk__in=[r.pk for r in rows]).update(
                **{self.field: to}, **changes
            )
            user = _user(actor)
            TransitionLog.objects.bulk_create(
                [
                    TransitionLog(
                        subject_type=row._meta.label_lower,
                        subject_id=str(row.pk),
                        from_status=before[self.field],
                        to_status=to,
                        actor=user,
                        reason=reason,
                    )
                    for row, before in zip(rows, befores, strict=True)
                ]
            )
            after = {self.field: to, **{k: _plain(v) for k, v in changes.items()}}
            for row, before in zip(rows, befores, strict=True):
                setattr(row, self.field, to)
                for key, value in changes.items():
                    setattr(row, key, value)
                audit_record(actor, self.audit_action(to), row, before=before, after=after, reason=reason)
        return rows

    def _check(self, row: models.Model, current: str, to: str, expected_from: Iterable[str] | None) -> None:
        starting = set(expected_from) if expected_from is not None else None
        if to not in self.allowed(current) or (starting is not None and current not in starting):
            raise InvalidTransition(
                f"当前状态“{_label(row, self.field, current)}”不能变更为“{_label(row, self.field, to)}”",
                details={"from": current, "to": to},
            )


def _first(objs: Sequence[models.Model]) -> models.Model | None:
    return objs[0] if objs else None


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _flatchoices(model: type[models.Model] | models.Model, field: str) -> list[tuple[Any, Any]]:
    f = model._meta.get_field(field)
    assert isinstance(f, models.Field), f"{field} is not a concrete field"
    return list(f.flatchoices)


def _label(obj: models.Model, field: str, value: str) -> str:
    choices = dict(_flatchoices(obj, field))
    return str(choices.get(value, value))


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value

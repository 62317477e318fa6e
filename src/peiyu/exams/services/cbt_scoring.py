"""Objective scoring of the theory exam (EVL-6, EVL-7): each submitted attempt scored against its
sealed form's answers — single choice and true/false exact, multiple choice only the exact set (a
partial answer scores 0), fill-in against the accepted answers after normalising width and spaces
(rules.cbt.score_item, whose docstring states the policy).

Scores are on the form's points; the theory score of the registration is on 100 points (EVL-7: the
attempt's score × 100 / the form's total, which is the score itself on a 100-point form). An attempt
whose form has short-answer items keeps its theory score open until marking is final
(services.marking); one with only objective items gets it at once.

`score_submitted` scores one attempt inside its submission. `session_score_objective` is the batch
scorer of a whole session (re-scoring after an answer-key correction, or the attempts submitted before
a crash): it reads the answers with one query per chunk, scores each form's key from memory (cached per
process, rules.cbt's policy inlined as set and string comparisons), and writes every attempt's scores and
the registrations' theory scores in bulk (PostgreSQL: COPY into a temporary table and one UPDATE … FROM
each; SQLite: one prepared UPDATE run for every row), with one audit event and one Decision for the
batch instead of one per attempt."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..models import Attempt, EvaluationSession, Registration
from ..rules.cbt import normalise_text
from ..selectors.cbt import PaperKey, paper_key

SCORED = (Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED)
CHUNK = 5000


def objective_tenths(key: PaperKey, answers: dict[str, Any]) -> int:
    """The objective points earned, in tenths (the inner loop of the batch scorer: plain comparisons,
    the same outcome as rules.cbt.score_item item by item)."""
    got = 0
    get = answers.get
    for position, kind, answer, points in key.objective:
        response = get(position)
        if response is None:
            continue
        if kind == "fill":
            if normalise_text(str(response)) in answer:  # answer: the normalised accepted set
                got += points
        elif response == answer:  # single, true_false; multiple: both sorted letters
            got += points
    return got


def _hundred(score_tenths: int, total_tenths: int) -> Decimal:
    if total_tenths <= 0:
        return Decimal("0.0")
    return (Decimal(score_tenths * 100) / Decimal(total_tenths)).quantize(Decimal("0.1"))


def score_fields(key: PaperKey, answers: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """The attempt's score fields after objective scoring (and the theory score when final)."""
    got = objective_tenths(key, answers)
    fields: dict[str, Any] = {"objective_score": Decimal(got) / 10, "scored_at": now}
    if not key.subjective:
        fields["subjective_score"] = Decimal("0.0")
        fields["score"] = Decimal(got) / 10
    return fields


def score_submitted(attempt: Attempt, *, now: dt.datetime) -> Attempt:
    """Score one attempt inside its submission's transaction (the submission's audit event records
    the answers' digest; this one the scores)."""
    key = paper_key(attempt.paper_id, now=now)
    fields = score_fields(key, attempt.answers or {}, now)
    for name, value in fields.items():
        setattr(attempt, name, value)
    attempt.save(update_fields=list(fields))
    theory = _hundred(int(fields["score"] * 10), key.total) if "score" in fields else None
    if theory is not None:
        Registration.objects.filter(pk=attempt.registration_id).update(theory_score=theory)
    audit_record(
        None,
        "exam_attempt.scored",
        attempt,
        after={
            "objective_score": str(fields["objective_score"]),
            "theory_score": str(theory) if theory is not None else None,
            "marking_pending": bool(key.subjective),
        },
    )
    return attempt


@dataclass(frozen=True)
class ScoringRun:
    attempts: int
    theory_scores: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.attempts / self.seconds if self.seconds else 0.0


def _rows(session_id: int) -> Iterable[list[tuple[int, int, int, str]]]:
    """(attempt id, paper id, registration id, answers JSON) of the session's submitted attempts, in
    chunks, straight from the cursor (no model instances)."""
    qs = Attempt.objects.filter(sitting__session_id=session_id, status__in=SCORED).order_by("pk")
    sql, params = qs.values_list("pk", "paper_id", "registration_id", "answers").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while chunk := cur.fetchmany(CHUNK):
            yield chunk


def score_rows(
    rows: Sequence[tuple[int, int, int, Any]], now: dt.datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Scores of raw rows: the attempts' (id, objective, subjective, score) and the registrations'
    (id, theory score) for forms without short answers."""
    keys: dict[int, PaperKey] = {}
    attempts: list[tuple[Any, ...]] = []
    registrations: list[tuple[Any, ...]] = []
    loads = json.loads
    for pk, paper_id, registration_id, raw in rows:
        key = keys.get(paper_id)
        if key is None:
            key = keys[paper_id] = paper_key(paper_id, now=now)
        answers = loads(raw) if isinstance(raw, str) else (raw or {})
        got = objective_tenths(key, answers)
        objective = Decimal(got) / 10
        if key.subjective:
            attempts.append((pk, objective, None, None))
        else:
            attempts.append((pk, objective, Decimal(0), objective))
            registrations.append((registration_id, _hundred(got, key.total)))
    return attempts, registrations


def _write(attempts: list[tuple[Any, ...]], registrations: list[tuple[Any, ...]], now: dt.datetime) -> None:
    a_table, r_table = Attempt._meta.db_table, Registration._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor
            raw.execute(
                "CREATE TEMP TABLE IF NOT EXISTS exams_scored "
                "(id bigint, o numeric(5,1), s numeric(5,1), t numeric(5,1)) ON COMMIT DROP"
            )
            raw.execute("TRUNCATE exams_scored")
            with raw.copy("COPY exams_scored (id, o, s, t) FROM STDIN") as copy:
                for row in attempts:
                    copy.write_row(row)
            raw.execute(
                f"UPDATE {a_table} a SET objective_score = v.o, "  # noqa: S608 - table names from meta
                "subjective_score = COALESCE(v.s, a.subjective_score), "
                "score = CASE WHEN v.s IS NULL THEN a.score ELSE v.t END, scored_at = %s "
                "FROM exams_scored v WHERE a.id = v.id",
                (now,),
            )
            raw.execute("TRUNCATE exams_scored")
            with raw.copy("COPY exams_scored (id, t) FROM STDIN") as copy:
                for row in registrations:
                    copy.write_row(row)
            raw.execute(f"UPDATE {r_table} r SET theory_score = v.t FROM exams_scored v WHERE r.id = v.id")  # noqa: S608
        else:
            stamp = now.isoformat(sep=" ")
            cur.executemany(
                f"UPDATE {a_table} SET objective_score = %s, "  # noqa: S608
                "subjective_score = COALESCE(%s, subjective_score), "
                "score = CASE WHEN %s IS NULL THEN score ELSE %s END, scored_at = %s WHERE id = %s",
                [(str(o), _s(s), _s(s), _s(t), stamp, pk) for pk, o, s, t in attempts],
            )
            cur.executemany(
                f"UPDATE {r_table} SET theory_score = %s WHERE id = %s",  # noqa: S608
                [(str(t), pk) for pk, t in registrations],
            )


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def session_score_objective(
    *, actor: Any, session: EvaluationSession, now: dt.datetime | None = None
) -> ScoringRun:
    """Score (again) every submitted attempt of `session` in bulk."""
    now = now or timezone.now()
    if actor is not None:
        require(actor, "exam.manage", org_id=session.institution_id)
    started = time.perf_counter()
    count = theory = 0
    with transaction.atomic():
        for chunk in _rows(session.pk):
            attempts, registrations = score_rows(chunk, now)
            _write(attempts, registrations, now)
            count += len(attempts)
            theory += len(registrations)
        seconds = time.perf_counter() - started
        Decision.record(
            session._meta.label_lower,
            session.pk,
            kind="objective_scoring",
            outcome="scored",
            checks=[],
            policy=policy_for(session.programme, session.region_code, on=timezone.localdate(now)),
            rules=("EVL-6", "EVL-7"),
        )
        audit_record(
            actor,
            "evaluation_session.objective_scored",
            session,
            after={"attempts": count, "theory_scores": theory, "seconds": round(seconds, 3)},
        )
    return ScoringRun(count, theory, seconds)

"""Attempts prepared when a theory sitting opens, and started in one conditional update (issue 13,
benchmark 14 a).

When the proctor opens a theory sitting (services.sittings.sitting_open, through the extension point
`SITTING_OPENED`), every admitted candidate of it gets her attempt, not started: the form she will sit
(rules.cbt.form_index, by seat) and her shuffle seed, recorded now. They are written in bulk, with a
TransitionLog row each and ONE audit event for the batch on the sitting (core.workflow.created_many).
A candidate's start is then one conditional UPDATE from not started (services.cbt), instead of a
locked read, an insert and a choice of form while 3 000 candidates start at once. A candidate admitted
to the sitting after it opened, or one whose form was voided since, is started the ordinary way.

`start_prepared` is that start: one SQL read of exactly what it needs (the pair's registration with
its session, sitting, prepared attempt and form, no ORM query building) and `services.cbt`'s
conditional start; anything unusual (no prepared attempt, a form this process has not opened yet, a
sitting not open, a second start) goes to the ordinary, locked path, which also refuses wrong pairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from peiyu.core.bulk import row_instance
from peiyu.core.sql import prepared_cursor

from ..flows import ATTEMPT_FLOW
from ..models import Attempt, EvaluationSession, Paper, Registration, Sitting
from ..rules.cbt import form_index
from ..rules.papers import new_seed
from ..selectors.cbt import content_cached
from .cbt import Started, attempt_start_prepared

SITTING_OPENED = "exams.sitting_opened"


def attempts_prepare(*, actor: Any, sitting: Sitting, now: dt.datetime | None = None) -> int:
    """Prepare the not-started attempts of a theory sitting's admitted candidates who have none yet;
    how many were prepared (0 for a practical sitting, or while the session has no sealed form)."""
    if sitting.kind != Sitting.Kind.THEORY:
        return 0
    papers = list(
        Paper.objects.filter(
            session_id=sitting.session_id,
            kind=Paper.Kind.THEORY,
            status__in=(Paper.Status.SEALED, Paper.Status.OPENED),
        )
        .only("pk", "form")
        .order_by("form")
    )
    if not papers:
        return 0
    with transaction.atomic():
        candidates = list(
            Registration.objects.filter(
                theory_sitting=sitting,
                status=Registration.Status.APPROVED,
                theory_exempt=False,
                attempt__isnull=True,
            )
            .order_by("pk")
            .only("pk", "seat")
        )
        if not candidates:
            return 0
        rows = Attempt.objects.bulk_create(
            [
                Attempt(
                    registration=r,
                    sitting=sitting,
                    paper=papers[form_index(r.seat, r.pk, len(papers))],
                    shuffle_seed=new_seed(),
                    status=Attempt.Status.NOT_STARTED,
                )
                for r in candidates
            ],
            batch_size=2000,
        )
        if any(row.pk is None for row in rows):  # a database that returns no keys from a bulk insert
            rows = list(Attempt.objects.filter(sitting=sitting, registration__in=candidates).order_by("pk"))
        return ATTEMPT_FLOW.created_many(
            rows,
            actor=actor,
            reason="场次开考，为考生备好作答记录（试卷与乱序种子）",
            subject=sitting,
            after={"sitting": sitting.pk, "forms": [p.form for p in papers]},
        )


def prepare_on_open(*, actor: Any, sitting: Sitting) -> None:
    """The `SITTING_OPENED` extension: called inside the transaction that opened the sitting."""
    attempts_prepare(actor=actor, sitting=sitting)


def _sql() -> str:
    qn = connection.ops.quote_name

    def t(model: Any) -> str:
        return qn(model._meta.db_table)

    person = Registration._meta.get_field("person").related_model
    return (
        "SELECT r.id, r.theory_exempt, s.id, s.theory_minutes, s.region_code, si.id, si.kind, si.status, "  # noqa: S608 - quoted names, bound values
        "si.ends_at, a.id, a.status, a.paper_id, a.shuffle_seed, p.status, p.kind, p.form, p.opens_at "
        f"FROM {t(Registration)} r JOIN {t(person)} pe ON pe.id = r.person_id "
        f"JOIN {t(EvaluationSession)} s ON s.id = r.session_id JOIN {t(Sitting)} si ON si.id = r.theory_sitting_id "
        f"JOIN {t(Attempt)} a ON a.registration_id = r.id JOIN {t(Paper)} p ON p.id = a.paper_id "
        "WHERE r.ticket_number = %s AND r.status = %s AND pe.id_index = %s"
    )


def _aware(value: Any) -> dt.datetime | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value if isinstance(value, dt.datetime) else None


def start_prepared(*, ticket: str, id_index: str, address: str, now: dt.datetime) -> Started | None:
    """The start of a prepared attempt (module docstring), or None for the ordinary path."""
    with prepared_cursor() as cur:  # six tables joined: planned once per connection (core.sql)
        cur.execute(_sql(), [ticket[:32], Registration.Status.APPROVED, id_index])
        row = cur.fetchone()
    if row is None:
        return None
    (reg_id, exempt, session_id, minutes, region, sitting_id, kind, sitting_status, ends_at, attempt_id,
     status, paper_id, seed, paper_status, paper_kind, form, opens_at) = row  # fmt: skip
    ends, opens = _aware(ends_at), _aware(opens_at)
    if (
        exempt
        or kind != Sitting.Kind.THEORY
        or sitting_status != Sitting.Status.OPEN
        or status != Attempt.Status.NOT_STARTED
        or ends is None
        or opens is None
        or not content_cached(paper_id)
    ):
        return None
    # instances of the row just read (core.bulk.row_instance): what the start and its audit event read
    session = row_instance(EvaluationSession, id=session_id, theory_minutes=minutes, region_code=region)
    sitting = row_instance(Sitting, id=sitting_id, session_id=session_id, kind=kind, status=sitting_status,
                           ends_at=ends)  # fmt: skip
    sitting.session = session
    registration = row_instance(Registration, id=reg_id, session_id=session_id, theory_sitting_id=sitting_id)
    registration.session, registration.theory_sitting = session, sitting
    paper = row_instance(Paper, id=paper_id, session_id=session_id, status=paper_status, kind=paper_kind,
                         form=form, opens_at=opens)  # fmt: skip
    # not started: nothing saved, no leave yet (the attempt's table allows neither before the start)
    attempt = row_instance(Attempt, id=attempt_id, registration_id=reg_id, sitting_id=sitting_id,
                           paper_id=paper_id, shuffle_seed=seed, status=status, answers={}, revision=0,
                           leaves=0)  # fmt: skip
    attempt.registration, attempt.sitting, attempt.paper = registration, sitting, paper
    return attempt_start_prepared(attempt, registration, sitting, address=address, now=now)

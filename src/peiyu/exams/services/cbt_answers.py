"""Autosave of the computer-based theory exam as one statement (issue 13, benchmark 14 b).

A save names the attempt, its form and the device by the cookie (`<attempt>-<form>.<secret>`), and the
revision the page holds. The changed answers are checked against the form (cached per process,
selectors.cbt), then stored by ONE conditional UPDATE that merges them into the stored answers inside
the database — `answers || set - removed` on PostgreSQL, `json_patch` on SQLite — only while the
attempt is in progress on that device and that form, at that revision, before its deadline: no model
is read, and a stale tab never overwrites newer answers (no lost update). The AttemptEvent "saving"
that opens a stretch of saving (the first save, and the first after `SAVE_STRETCH` without any
activity) is inserted by the same statement on PostgreSQL (a data-modifying WITH reads the row as it
was before the update) and in the same transaction on SQLite (before the UPDATE, on the same
conditions). Only when nothing was stored is the attempt read, to say why (services.cbt)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.sql import prepared_cursor

from ..models import Attempt, AttemptEvent
from ..rules.cbt import clean_response
from ..selectors.cbt import ACTIVE, content_by_id, content_cached, items_by_position
from .cbt import SAVE_STRETCH, attempt_for_device, attempt_submit, device_digest, parse_device_cookie

_ACTIVE = [str(s) for s in ACTIVE]


def answers_clean(
    paper_id: int, answers: dict[str, Any], *, now: dt.datetime
) -> tuple[dict[str, str], list[str]]:
    """The responses to store `{position: response}` and the positions to clear, each checked against
    its item of the form; InvalidInput naming every position that cannot be stored."""
    index = items_by_position(content_by_id(paper_id, now=now))
    stored: dict[str, str] = {}
    cleared: list[str] = []
    errors: dict[str, list[str]] = {}
    for position, value in (answers or {}).items():
        item = index.get(str(position))
        if item is None:
            errors[str(position)] = ["本试卷没有这道题"]
            continue
        try:
            response = clean_response(item, value)
        except ValueError as exc:
            errors[str(position)] = [str(exc)]
            continue
        if response is None:
            cleared.append(str(position))
            stored.pop(str(position), None)
        else:
            stored[str(position)] = response
    if errors:
        raise InvalidInput("答案未保存：" + "；".join(m[0] for m in errors.values()), fields=errors)
    return stored, [p for p in cleared if p not in stored]


# The attempt is found by its primary key; its form is only checked. Written as a plain `paper_id = …`, the
# check could drive the plan: a session's forms are new when its exam runs, the planner has no statistics
# of them and guessed one row for a form on PostgreSQL, so it read every attempt of the form (1 500 at
# 3 000 candidates) on each save instead of one row by its key. `+ 0` (PostgreSQL) and the unary `+`
# (SQLite) keep the column out of any index.
_PAPER_CHECK = {False: "paper_id + 0", True: "+paper_id"}


_STATEMENTS: dict[str, tuple[str, ...]] = {}


def _statements() -> tuple[str, ...]:
    """The save's statement (PostgreSQL) or its two (SQLite), written once per database vendor: the same
    text every save, planned once per connection (core.sql)."""
    made = _STATEMENTS.get(connection.vendor)
    if made is not None:
        return made
    qn = connection.ops.quote_name
    table, events = qn(Attempt._meta.db_table), qn(AttemptEvent._meta.db_table)
    marks = ", ".join(["%s"] * len(_ACTIVE))
    where = (f"id = %s AND {_PAPER_CHECK[connection.vendor == 'sqlite']} = %s AND revision = %s "
             f"AND device_token = %s AND status IN ({marks}) AND deadline_at > %s")  # fmt: skip
    opens = "(last_seen_at IS NULL OR last_seen_at < %s OR revision = 0)"
    if connection.vendor == "postgresql":
        made = (
            f"WITH before AS (SELECT id FROM {table} WHERE {where} AND {opens}), "  # noqa: S608 - quoted names, bound values
            f"saved AS (UPDATE {table} SET answers = (answers || %s::jsonb) - %s::text[], "
            f"revision = revision + 1, last_seen_at = %s WHERE {where} RETURNING id), "
            f"opened AS (INSERT INTO {events} (attempt_id, kind, at, detail) "
            f"SELECT saved.id, 'saving', %s, %s::jsonb FROM saved JOIN before ON before.id = saved.id) "
            f"SELECT count(*) FROM saved",
        )
    else:
        made = (
            f"INSERT INTO {events} (attempt_id, kind, at, detail) "  # noqa: S608 - quoted names, bound values
            f"SELECT id, 'saving', %s, %s FROM {table} WHERE {where} AND {opens}",
            f"UPDATE {table} SET answers = json_patch(answers, %s), revision = revision + 1, "  # noqa: S608
            f"last_seen_at = %s WHERE {where}",
        )
    _STATEMENTS[connection.vendor] = made
    return made


def store_answers(
    *,
    attempt_id: int,
    paper_id: int,
    device: str,
    revision: int,
    stored: dict[str, str],
    cleared: list[str],
    now: dt.datetime,
) -> bool:
    """The one conditional write (module docstring): True when the answers were stored at
    `revision + 1`, False when the attempt is not (or no longer) where the save assumed."""
    at = connection.ops.adapt_datetimefield_value(now)
    stretch = connection.ops.adapt_datetimefield_value(now - SAVE_STRETCH)
    detail = json.dumps({"from_revision": revision})
    match = [attempt_id, paper_id, revision, device, *_ACTIVE, at]
    statements = _statements()
    with prepared_cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                statements[0],
                [*match, stretch, json.dumps(stored, ensure_ascii=False), cleared, at, *match, at, detail],
            )
            row = cur.fetchone()
            return bool(row and row[0])
        patch = json.dumps({**stored, **dict.fromkeys(cleared)}, ensure_ascii=False)
        with transaction.atomic():
            cur.execute(statements[0], [at, detail, *match, stretch])
            cur.execute(statements[1], [patch, at, *match])
            if cur.rowcount != 1:
                transaction.set_rollback(True)
                return False
        return True


def save_refused(attempt: Attempt, *, device: str, now: dt.datetime) -> Conflict:
    """Why a conditional save stored nothing, read from the attempt as it is now (an attempt past
    its deadline is submitted here)."""
    current = Attempt.objects.get(pk=attempt.pk)
    if current.status in ACTIVE and current.deadline_at and now >= current.deadline_at:
        attempt_submit(attempt=current, now=now, auto=True)
        return Conflict("考试时间已到，答卷已自动提交", code="deadline_passed")
    if current.status not in ACTIVE:
        return Conflict(f"本场考试{current.get_status_display()}，答案不能再修改", code="attempt_finished")
    if current.device_token != device:
        return Conflict("本场考试已在另一台计算机上继续，本机不能再保存", code="device_changed")
    return Conflict(
        "答案已在其他页面更新，请刷新后继续作答",
        code="stale_revision",
        details={"revision": current.revision},
    )


def answers_save_for_device(
    cookie: str | None, *, revision: int, answers: dict[str, Any], now: dt.datetime | None = None
) -> int:
    """The autosave of the API: store the changed answers of the attempt the cookie is bound to on top
    of `revision`; the new revision. Without a usable cookie, or when nothing was stored, the attempt
    is read as `attempt_for_device` does (NotFound, waiting for the proctor, submitted at the deadline)
    and the refusal says why."""
    now = now or timezone.now()
    held = parse_device_cookie(cookie)
    if held is None:
        raise NotFound("请先核验身份")
    attempt_id, paper_id, secret = held
    if paper_id is None or not content_cached(paper_id):
        # an old cookie, or a form this process has not read yet: the attempt's own form, never the
        # one a cookie names
        paper_id = Attempt.objects.filter(pk=attempt_id).values_list("paper_id", flat=True).first()
        if paper_id is None:
            raise NotFound("请先核验身份")
    device = device_digest(secret)
    try:
        stored, cleared = answers_clean(paper_id, answers, now=now)
    except InvalidInput:
        attempt_for_device(cookie, now=now)  # a stranger's cookie learns nothing about the form
        raise
    if store_answers(
        attempt_id=attempt_id, paper_id=paper_id, device=device, revision=revision, stored=stored,
        cleared=cleared, now=now,
    ):  # fmt: skip
        return revision + 1
    attempt = attempt_for_device(cookie, now=now)
    raise save_refused(attempt, device=device, now=now)

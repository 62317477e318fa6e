"""core.sql.prepared_cursor: hot-path statements prepared once per connection (ADR 0016)."""

from __future__ import annotations

import pytest
from django.db import connection

from peiyu.core.sql import prepared_cursor

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT COUNT(*) FROM django_content_type WHERE app_label = %s"


def _run(label: str) -> int:
    with prepared_cursor() as cur:
        cur.execute(STATEMENT, [label])
        return int(cur.fetchone()[0])


def test_a_prepared_cursor_answers_like_the_ordinary_cursor():
    with connection.cursor() as cur:
        cur.execute(STATEMENT, ["core"])
        expected = cur.fetchone()[0]
    assert _run("core") == expected
    assert _run("no_such_app") == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_hot_path_statements_are_prepared_once_per_connection_on_postgresql():
    """Django turns psycopg's prepared statements off by default, and psycopg then ignores an explicit
    `prepare=True`: the statement would be parsed and planned on every execution (settings: the
    connection's prepare_threshold)."""
    for label in ("core", "accounts", "audit", "core"):
        _run(label)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement = %s",
            [STATEMENT.replace("%s", "$1")],
        )
        rows = cur.fetchall()
    assert len(rows) == 1, "the statement was not prepared on the server"
    assert rows[0][0] == 4  # one statement, planned from its prepared form on each of the four runs


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_django_queries_are_still_bound_by_the_client_and_never_prepared():
    from peiyu.core.models import TransitionLog

    for _ in range(8):
        list(TransitionLog.objects.filter(subject_type="core.none").values_list("reason", flat=True))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%core_transitionlog%"]
        )
        assert cur.fetchone()[0] == 0


def test_a_cursor_used_inside_another_does_not_disturb_the_outer_ones_rows():
    with prepared_cursor() as outer:
        outer.execute("SELECT app_label FROM django_content_type WHERE app_label = %s ORDER BY id", ["core"])
        assert _run("no_such_app") == 0  # a nested use: a cursor of its own
        rows = outer.fetchall()
    assert rows and {r[0] for r in rows} == {"core"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: the connection keeps its cursor")
@pytest.mark.django_db(transaction=True)  # the connection is closed and opened again
def test_the_connection_keeps_one_idle_cursor_and_drops_a_failed_or_stale_one():
    from django.db import DatabaseError, transaction

    from peiyu.core.sql import IDLE, default_connection

    db = default_connection()  # the wrapper itself (django.db.connection is a proxy of it)
    _run("core")
    kept = db.__dict__[IDLE]
    _run("core")
    assert db.__dict__[IDLE] is kept  # the same cursor served the second lookup
    with pytest.raises(DatabaseError), transaction.atomic(), prepared_cursor() as cur:
        cur.execute("SELECT no_such_column FROM django_content_type")
    assert IDLE not in db.__dict__ and kept._cursor.closed  # a failed block's cursor is closed
    assert _run("core") > 0
    fresh = db.__dict__[IDLE]
    db.close()  # Django reopens the connection: the cursor of the old one is not used again
    assert _run("core") > 0
    assert db.__dict__[IDLE] is not fresh

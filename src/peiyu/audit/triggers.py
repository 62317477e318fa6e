"""Database-level refusal of UPDATE and DELETE on audit events (SEC-2), per vendor."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

INSTALL = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
        """DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;""",
        """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
           FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();""",
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update;",
        "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
        "DROP FUNCTION IF EXISTS audit_event_append_only();",
    ],
}


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cur:
        for sql in INSTALL.get(connection.vendor, []):
            cur.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cur:
        for sql in REMOVE.get(connection.vendor, []):
            cur.execute(sql)

"""What core plugs in: its tick handlers, to-dos, the Celery app and the tick task, the
cache-invalidating signals, and the CSRF token's random strings (core.csrf_tokens, ADR 0017)."""

from __future__ import annotations

from .registry import register_task, register_tick, register_todo


def register() -> None:
    from . import csrf_tokens, jobs, signals, tasks, tick_handlers, todos

    register_tick("sessions.clear_expired", tick_handlers.clear_expired_sessions)
    register_tick("calendar.check_next_year", tick_handlers.check_calendar)
    register_todo("core.calendar", todos.calendar_todo)
    register_todo("core.audit", todos.audit_todo)
    register_task(tasks.run_tick)
    jobs.app.set_current()
    signals.connect()
    csrf_tokens.install()

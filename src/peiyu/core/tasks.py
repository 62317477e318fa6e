"""Core's background job (`peiyu tick` for Celery beat) and the one way a service queues a task."""

from __future__ import annotations

from typing import Any

from celery import current_app, shared_task
from django.utils import timezone


@shared_task(name="peiyu.tick")  # type: ignore[untyped-decorator]  # celery ships no types
def run_tick() -> dict[str, int]:
    """`peiyu tick` as a task, for Celery beat in production."""
    from . import tick

    result: dict[str, int] = tick.run(timezone.now())
    return result


def task_named(name: str) -> Any:
    """The Celery task registered under `name` (`@shared_task(name=...)`). A service queues its app's
    tasks through this rather than importing its `tasks` module, which sits above the services (tasks
    run services; ADR 0007). The app's hooks import and register its tasks when Django starts, so the
    name is known before any service runs; an unknown name is a KeyError."""
    return current_app.tasks[name]

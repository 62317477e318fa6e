"""The Celery app. With CELERY_BROKER_URL (or REDIS_URL) set, workers run tasks; without, tasks run
in-process (CELERY_TASK_ALWAYS_EAGER), so the embedded default needs no Redis. Created when Django
starts (core.hooks), so every process that queues a task (`core.tasks.task_named`) uses it; workers
find it with `celery -A peiyu` (peiyu/celery.py, through peiyu.config.celery)."""

from __future__ import annotations

from celery import Celery

app = Celery("peiyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Celery app. With CELERY_BROKER_URL (or REDIS_URL) set, workers run tasks; without, tasks run
in-process (CELERY_TASK_ALWAYS_EAGER), so the embedded default needs no Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peiyu.config.settings.dev")
app = Celery("peiyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

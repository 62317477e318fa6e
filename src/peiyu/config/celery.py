"""The Celery app for workers and beat (`celery -A peiyu` finds it through peiyu/celery.py): Django's
settings module defaults to the development one, as for every other entry point. The app itself is
core.jobs (created when Django starts, so web processes and commands queue on the same app)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peiyu.config.settings.dev")

from peiyu.core.jobs import app  # after the settings default

__all__ = ["app"]

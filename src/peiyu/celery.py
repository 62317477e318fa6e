"""Where `celery -A peiyu worker|beat` finds the Celery app (Celery looks up `<package>.celery.app`)."""

from peiyu.config.celery import app

__all__ = ["app"]

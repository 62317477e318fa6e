from celery import shared_task
from django.utils import timezone


@shared_task(name="peiyu.tick")
def run_tick() -> dict[str, int]:
    """`peiyu tick` as a task, for Celery beat in production."""
    from . import tick

    return tick.run(timezone.now())

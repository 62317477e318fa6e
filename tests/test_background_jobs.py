"""Background jobs: in-process without a broker (embedded default); through Redis and a real Celery
worker when REDIS_URL is set (CI's PostgreSQL pass)."""

import os

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.audit.tasks import verify_chain_task


@pytest.mark.django_db
def test_task_runs_in_process_without_a_broker(world, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    result = verify_chain_task.delay()
    assert result.get()["ok"] is True
    assert AuditEvent.objects.filter(action="audit.verified").exists()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_celery_worker_through_redis(world):
    from celery.contrib.testing.worker import start_worker

    from peiyu.config.celery import app

    url = os.environ["REDIS_URL"]
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            result = verify_chain_task.delay()
            body = result.get(timeout=30)
        assert body["ok"] is True and body["checked"] >= 1
    finally:
        app.conf.update(task_always_eager=True)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_redis_cache_round_trip():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(os.environ["REDIS_URL"], {})
    cache.set("peiyu:test", {"a": 1}, 30)
    assert cache.get("peiyu:test") == {"a": 1}
    assert caches  # the project's cache alias stays configurable from settings

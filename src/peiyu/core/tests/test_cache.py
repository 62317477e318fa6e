"""Cache generations (core.cache): every worker sees a bump, and a lost counter never comes back as
a value that was in use before (which would make stale copies current again)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from peiyu.core.cache import Generation
from peiyu.core.crypto import sm3_hex


def test_bump_moves_the_generation_forward():
    g = Generation("test-bump")
    first = g.current()
    assert g.current() == first
    g.bump()
    assert g.current() == first + 1


def test_a_lost_counter_comes_back_above_every_value_it_had():
    g = Generation("test-lost")
    g.current()
    for _ in range(5):
        g.bump()
    seen = g.current()
    cache.delete(g.key)  # evicted, or the cache flushed
    assert g.current() > seen
    cache.delete(g.key)
    g.bump()  # a bump of a lost counter starts it afresh too
    assert g.current() > seen


def test_generations_are_independent():
    a, b = Generation("test-a"), Generation("test-b")
    before = b.current()
    a.bump()
    assert b.current() == before


def test_policy_and_calendar_keep_their_copies_by_generation(db):
    from peiyu.core import calendar, policy

    before = policy.GENERATION.current(), calendar.GENERATION.current()
    policy.bump_generation()
    calendar.forget_year(2026)
    assert policy.GENERATION.current() == before[0] + 1
    assert calendar.GENERATION.current() == before[1] + 1


# --- shared counters (core.cache.counter_add): the platform's one way to count attempts and lookups ---------


def _backends(tmp_path) -> dict[str, dict]:
    import os

    found = {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "peiyu-counter"},
        "disk": {"BACKEND": "peiyu.core.cache.DiskCache", "LOCATION": str(tmp_path / "cache")},
    }
    if os.environ.get("REDIS_URL"):
        found["redis"] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    return found


@pytest.fixture(params=["locmem", "disk", "redis"])
def counter_cache(request, tmp_path, settings):
    chosen = _backends(tmp_path).get(request.param)
    if chosen is None:
        pytest.skip("needs a Redis server (REDIS_URL)")
    settings.CACHES = {**settings.CACHES, "default": chosen}
    from django.core.cache import caches

    caches["default"].delete_many(["peiyu:test-counter", "peiyu:test-window"])
    yield caches["default"]
    caches["default"].delete_many(["peiyu:test-counter", "peiyu:test-window"])


def test_a_counter_starts_at_its_first_addition_and_adds_up(counter_cache):
    from peiyu.core.cache import counter_add

    assert counter_add("peiyu:test-counter", ttl=60) == 1
    assert counter_add("peiyu:test-counter", 15, ttl=60) == 16
    assert counter_add("peiyu:test-counter", 1 << 32, ttl=60) == (1 << 32) + 16
    assert int(counter_cache.get("peiyu:test-counter")) == (1 << 32) + 16  # what readers of the counter see


def test_a_counter_lost_between_additions_starts_again(counter_cache):
    from peiyu.core.cache import counter_add

    counter_add("peiyu:test-counter", 5, ttl=60)
    counter_cache.delete("peiyu:test-counter")  # evicted, or the window ended
    assert counter_add("peiyu:test-counter", 2, ttl=60) == 2


def test_a_later_addition_does_not_extend_the_window(counter_cache):
    from peiyu.core.cache import counter_add

    counter_add("peiyu:test-window", ttl=30)
    counter_add("peiyu:test-window", ttl=3600)
    if isinstance(counter_cache, RedisCache):
        key = counter_cache.make_and_validate_key("peiyu:test-window")
        assert 0 < counter_cache._cache.get_client(key).ttl(key) <= 30
    else:
        assert counter_cache.get("peiyu:test-window") == 2


def test_counted_over_limit_refuses_the_attempt_after_the_limit_for_any_key(counter_cache):
    from peiyu.core.cache import counted_over_limit

    keys = ("ip:10.0.0.1", "13800000000")
    assert [counted_over_limit("peiyu:test", keys, limit=2, ttl=60) for _ in range(3)] == [False, False, True]
    assert counted_over_limit("peiyu:test", ("ip:10.0.0.2", "13800000000"), limit=2, ttl=60)  # the shared key
    assert not counted_over_limit("peiyu:test", ("ip:10.0.0.3",), limit=2, ttl=60)
    for key in (*keys, "ip:10.0.0.2", "ip:10.0.0.3"):
        assert counter_cache.get(f"peiyu:test:{sm3_hex(key.encode())[:32]}") is not None  # named by digest
        counter_cache.delete(f"peiyu:test:{sm3_hex(key.encode())[:32]}")

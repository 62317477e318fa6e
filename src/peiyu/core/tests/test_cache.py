"""Cache generations (core.cache): every worker sees a bump, and a lost counter never comes back as
a value that was in use before (which would make stale copies current again)."""

from __future__ import annotations

from django.core.cache import cache

from peiyu.core.cache import Generation


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

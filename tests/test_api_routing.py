"""core.routing: the API's patterns grouped by leading segment resolve and reverse exactly as the flat
list did."""

from __future__ import annotations

import re
from collections import Counter

from django.urls import URLPattern, path, resolve, reverse

from peiyu.config.api import api
from peiyu.core.routing import nested


def _flat() -> list[URLPattern]:
    from ninja import NinjaAPI

    return NinjaAPI._get_urls(api)  # the list before grouping


def _example(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "7" if m.group(1) == "int" else "x7", route)


def test_every_api_operation_resolves_to_its_own_view_and_reverses_to_the_same_path():
    flat = _flat()
    assert len(flat) > 100
    first: dict[str, str] = {}
    names = Counter(pattern.name for pattern in flat)
    for pattern in flat:
        first.setdefault(pattern.pattern._route, pattern.name)  # the first pattern of a path answers
    for pattern in flat:
        route = pattern.pattern._route
        url = "/api/v1/" + _example(route)
        match = resolve(url)
        assert (match.url_name, match.route) == (first[route], "api/v1/" + route), route
        if pattern.name and names[pattern.name] == 1 and "<" not in route:
            assert reverse(f"api:{pattern.name}") == url, pattern.name


def test_the_api_is_grouped_by_leading_segment():
    grouped = api.urls[0]
    assert len(grouped) < len(_flat()) / 3
    assert resolve("/api/v1/exams/cbt/attempt").route == "api/v1/exams/cbt/attempt"


def test_order_within_a_group_is_kept_and_small_groups_stay_flat():
    def view(request):  # pragma: no cover - never called
        return None

    def other(request):  # pragma: no cover
        return None

    patterns = [
        path("a/<str:x>", view, name="a-any"),
        path("a/b", other, name="a-b"),  # shadowed by the one before, in both forms
        path("a/c", other),
        path("a/d", other),
        path("z/1", other),
        path("ping", other),
    ]
    tree = nested(patterns)
    assert [str(p.pattern) for p in tree] == ["a/", "z/1", "ping"]
    assert [str(p.pattern) for p in tree[0].url_patterns] == ["<str:x>", "b", "c", "d"]

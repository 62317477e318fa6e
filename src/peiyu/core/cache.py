"""Shared cache generations and the public response cache.

A `Generation` is a counter in the default cache that every worker process reads. Copies of data
(a policy resolved in memory, a rendered public page) are keyed by it, and bumping it makes every
copy keyed by an older value unreachable. A counter that is lost (evicted, the cache flushed or
restarted) comes back as a fresh time-based value, never as a value that was in use before, so a
lost counter can only cause extra misses, never a stale copy.

`public_response_cache(generation)` keeps the responses of a public, read-only view (the institution
catalog) for anonymous visitors: the key is the generation, today's date, the language, the htmx
headers and the full path. Writes that change what such a view shows bump its generation, right away
and once more when their transaction commits (a request that read the old rows in between cannot
leave them behind under the new value). Entries also expire after PEIYU_PUBLIC_CACHE_SECONDS, which
bounds any staleness a lost bump could cause; 0 turns the cache off. A cached HTML page never
carries another visitor's CSRF token: the token is taken out when the page is stored and the
visitor's own put back when it is served."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from diskcache import DjangoCache
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from .crypto import sm3_hex

PUBLIC_CACHE = "public"
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_MARK = b"\x00csrf\x00"
_View = TypeVar("_View", bound=Callable[..., Any])
_KEPT_HEADERS = ("Content-Type", "Vary", "Content-Disposition", "Content-Language")


class DiskCache(DjangoCache):  # type: ignore[misc]  # diskcache ships no type information
    """The embedded default's cache (diskcache: SQLite files under var/, shared by the processes of
    one machine), left open between requests: Django closes every cache when a request ends, and
    reopening diskcache's SQLite connections cost more than the lookups themselves (its maintainer
    advises leaving caches open: every operation is atomic)."""

    def close(self, **kwargs: Any) -> None:
        pass


def _fresh() -> int:
    """A value no earlier counter reached: microseconds since the epoch (bumps add one each)."""
    return time.time_ns() // 1000


class Generation:
    def __init__(self, name: str) -> None:
        self.name = name
        self.key = f"peiyu:{name}:generation"
        self._bump_at_commit = lambda: self.bump()  # one identity, so a transaction registers it once

    def current(self) -> int:
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, _fresh(), None)
            value = cache.get(self.key)
            if value is None:  # a cache that keeps nothing (dummy): every read is its own generation
                value = _fresh()
        return int(value)

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, _fresh(), None)

    def bump_with_commit(self) -> None:
        """Bump now and again when the surrounding transaction commits (once per transaction)."""
        self.bump()
        connection = transaction.get_connection()
        if connection.in_atomic_block and not any(
            entry[1] is self._bump_at_commit for entry in connection.run_on_commit
        ):
            transaction.on_commit(self._bump_at_commit)

    def __repr__(self) -> str:
        return f"Generation({self.name!r})"


def counter_add(name: str, delta: int = 1, *, ttl: int) -> int:
    """Add `delta` to the shared counter `name` in the default cache, which is created at 0 to expire
    after `ttl` seconds when it is missing (a fixed window: later additions do not extend it); its new
    value. The one way the platform counts attempts and lookups across processes. On Redis it is one
    round trip (SET NX EX and INCRBY pipelined); Django's `incr` asks whether the key exists first. On
    other caches: add, then incr."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_key(name)  # the platform's own names, valid for Redis (validation is memcached's)
        client = cast(Any, backend)._cache.get_client(key, write=True)  # Django's client; not in its stubs
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incrby(key, delta)
        return int(pipe.execute()[1])
    backend.add(name, 0, ttl)
    try:
        return int(backend.incr(name, delta))
    except ValueError:  # evicted between add and incr
        backend.set(name, delta, ttl)
        return delta


def counted_over_limit(prefix: str, keys: Iterable[str], *, limit: int, ttl: int) -> bool:
    """Count one attempt against each key (a counter per key, named by the key's digest so that no
    address or telephone number is kept in the cache in clear, for `ttl` seconds); True when any of
    them is now over `limit`."""
    over = False
    for key in keys:
        over = counter_add(f"{prefix}:{sm3_hex(key.encode())[:32]}", ttl=ttl) > limit or over
    return over


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or settings.PEIYU_PUBLIC_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False  # a signed-in user, or messages waiting to be shown: the page is theirs
    return "Authorization" not in request.headers and not request.user.is_authenticated


def _key(generation: Generation, request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    hx = request.headers.get("HX-Request", "") + "|" + request.headers.get("HX-History-Restore-Request", "")
    return ":".join(
        (
            "page",
            generation.name,
            str(generation.current()),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            hashlib.sha256(hx.encode()).hexdigest()[:8],
            digest,
        )
    )


def _store(response: HttpResponse) -> tuple[int, dict[str, str], bytes] | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    content = response.content
    if response.get("Content-Type", "").startswith("text/html"):
        content = _TOKEN.sub(rb"\1" + _TOKEN_MARK + rb"\2", content)
    headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
    return response.status_code, headers, content


def _serve(request: HttpRequest, stored: tuple[int, dict[str, str], bytes]) -> HttpResponse:
    status, headers, content = stored
    if _TOKEN_MARK in content:
        content = content.replace(_TOKEN_MARK, get_token(request).encode())
    response = HttpResponse(content, status=status)
    for header, value in headers.items():
        response[header] = value
    return response


def public_response_cache(generation: Generation) -> Callable[[_View], _View]:
    """Decorate a public GET view (a Django view, or an API operation through ninja's decorate_view)."""

    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            store = caches[PUBLIC_CACHE]
            key = _key(generation, request)  # before the view reads anything
            stored = store.get(key)
            if stored is not None:
                response = _serve(request, stored)
                response["X-Peiyu-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            kept = _store(response)
            if kept is not None:
                store.set(key, kept, settings.PEIYU_PUBLIC_CACHE_SECONDS)
                response["X-Peiyu-Cache"] = "miss"
            return response

        return cast(_View, wrapped)

    return decorator

"""The CSRF token's random strings drawn with one read of the operating system's generator (ADR 0017).

Every page carries a CSRF token (the language switcher and the sign-out are forms), and Django masks it
anew on each render: 32 characters, each drawn by `secrets.choice` — one `os.urandom` call per
character, 32 of them per page and 64 for a visitor without the cookie yet (39 µs per 32 characters
on the benchmark machine; with the catalog API's JSON, ADR 0017, a tenth of the catalog mix's CPU).

`random_string()` draws the same alphabet from ONE `os.urandom` read: the bytes as one integer, its
digits in base len(alphabet). With 64 bits more than the string needs, each string is as likely as
with per-character draws to within 2⁻⁶⁴ (statistical distance), far below anything observable.
`install()` puts it in place of Django's `django.middleware.csrf._get_new_csrf_string` (a secret and
a mask are both made by it), and refuses to start when Django no longer has that function, so an
upgrade that changes the CSRF module is noticed, not silently slower."""

from __future__ import annotations

import math
import os

import django.middleware.csrf as django_csrf

MARGIN_BITS = 64


def random_string(length: int, alphabet: str) -> str:
    """`length` characters of `alphabet`, uniformly at random (to within 2⁻⁶⁴), from one urandom read."""
    base = len(alphabet)
    if length <= 0 or base < 2:
        raise ValueError("a random string needs a positive length and at least two characters")
    needed = math.ceil(length * math.log2(base)) + MARGIN_BITS
    value = int.from_bytes(os.urandom((needed + 7) // 8), "big")
    out = []
    for _ in range(length):
        value, digit = divmod(value, base)
        out.append(alphabet[digit])
    return "".join(out)


def new_csrf_string() -> str:
    """What Django's `_get_new_csrf_string` returns: CSRF_SECRET_LENGTH characters of CSRF_ALLOWED_CHARS."""
    return random_string(django_csrf.CSRF_SECRET_LENGTH, django_csrf.CSRF_ALLOWED_CHARS)


def install() -> None:
    """Make Django's CSRF secrets and masks with `new_csrf_string` (called once, from core.hooks.register)."""
    if not callable(getattr(django_csrf, "_get_new_csrf_string", None)):
        raise RuntimeError(
            "django.middleware.csrf._get_new_csrf_string is gone: review peiyu.core.csrf_tokens (ADR 0017)"
        )
    django_csrf._get_new_csrf_string = new_csrf_string

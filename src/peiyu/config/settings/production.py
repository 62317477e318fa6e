"""Production: PostgreSQL, Redis, Celery workers, HTTPS behind nginx. Every secret comes from the
environment and startup fails loudly when one is missing."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DEVELOPMENT_BLIND_INDEX_KEY,
    DEVELOPMENT_SECRET_KEY,
    DEVELOPMENT_SM4_KEYS,
    env_bool,
)

DEBUG = False
PEIYU_DEMO = False  # the demo accounts page never exists in production
for _name in ("PEIYU_SECRET_KEY", "DATABASE_URL", "PEIYU_SM4_KEYS", "PEIYU_BLIND_INDEX_KEY"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production")

# The keys that ship in this repository (development and test settings) protect nothing: refuse them.
_PUBLIC_SM4_KEYS = {
    DEVELOPMENT_SM4_KEYS.partition(":")[2],
    "00112233445566778899aabbccddeeff",
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
}
_PUBLIC_BLIND_INDEX_KEYS = {DEVELOPMENT_BLIND_INDEX_KEY, "test-blind-index-key"}


def _refuse_public_keys() -> None:
    secret = os.environ["PEIYU_SECRET_KEY"]
    if (
        secret == DEVELOPMENT_SECRET_KEY
        or secret.startswith(("insecure", "django-insecure-"))
        or len(secret) < 50
        or len(set(secret)) < 5
    ):
        raise ImproperlyConfigured(
            "PEIYU_SECRET_KEY is the development key or too weak: set 50 or more random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    for entry in os.environ["PEIYU_SM4_KEYS"].split(","):
        key_id, _sep, hex_key = entry.strip().partition(":")
        if hex_key.strip().lower() in _PUBLIC_SM4_KEYS:
            raise ImproperlyConfigured(
                f"PEIYU_SM4_KEYS: key {key_id!r} is a development key published with the source code; "
                "generate a new one (docs/operations.md §6) and re-encrypt with it"
            )
    if os.environ["PEIYU_BLIND_INDEX_KEY"] in _PUBLIC_BLIND_INDEX_KEYS:
        raise ImproperlyConfigured(
            "PEIYU_BLIND_INDEX_KEY is the development key published with the source code; "
            "set a random key of its own (docs/operations.md §6.3)"
        )


_refuse_public_keys()
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("PEIYU_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("PEIYU_HSTS_SECONDS", "31536000"))
# Per deployment (docs/operations.md §2.1): each left off is one `check --deploy` warning explained there.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PEIYU_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("PEIYU_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("PEIYU_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]  # the load balancer's plain-HTTP health check
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

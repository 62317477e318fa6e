from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "peiyu-test"},
    "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "peiyu-test-public"},
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PEIYU_SM4_KEYS = "t2:0f1e2d3c4b5a69788796a5b4c3d2e1f0,t1:00112233445566778899aabbccddeeff"
PEIYU_BLIND_INDEX_KEY = "test-blind-index-key"
LOGGING = {"version": 1, "disable_existing_loggers": False}
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405 - models for core helper tests

"""Settings shared by every deployment. Environment variables switch the production parts on
(DATABASE_URL, REDIS_URL, CELERY_BROKER_URL); without them peiyu runs embedded on SQLite."""

import os
from pathlib import Path
from typing import Any

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PEIYU_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production
SECRET_KEY = os.environ.get("PEIYU_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("PEIYU_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("PEIYU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("PEIYU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from static files, not a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "peiyu.core",
    "peiyu.audit",
    "peiyu.accounts",
    "peiyu.catalogs",
    "peiyu.institutions",
    "peiyu.training",
    "peiyu.exams",
    "peiyu.certificates",
    "peiyu.portal",
    "peiyu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "peiyu.core.middleware.ExplicitLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "peiyu.accounts.middleware.OfficialOTPMiddleware",
    "peiyu.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "peiyu.core.middleware.AuditContextMiddleware",
    "peiyu.core.middleware.LoginRequiredMiddleware",
    "peiyu.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peiyu.config.urls"
WSGI_APPLICATION = "peiyu.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "portal:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peiyu.accounts.context_processors.navigation",
            ],
            # cite, seed_document, policy_title, local: what every page shows of stored values
            "builtins": ["peiyu.core.templatetags.display"],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'peiyu.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no ./var yet
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # concurrent writers queue instead of failing half-way (the SQLite analogue of row locks).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off (prepare_threshold None), and then psycopg
    # ignores even an explicit `execute(..., prepare=True)`. The hot paths' statements
    # (core.sql.prepared_cursor, ADR 0016) are prepared once per connection; every other query goes
    # through Django's client-side binding cursor, which psycopg never prepares, so the threshold
    # only has to be out of reach for it to mean "explicitly prepared statements only".
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions, background jobs --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "public": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "public",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # diskcache: SQLite files under var/, shared by every worker process on the machine, so a policy
    # or holiday edit made in one worker invalidates the others' copies (core.cache.Generation) and
    # a public page rendered by one worker serves them all; the least recently stored entries go
    # first once a cache reaches its size limit.
    CACHES = {
        "default": {
            "BACKEND": "peiyu.core.cache.DiskCache",
            "LOCATION": str(VAR_DIR / "diskcache" / "default"),
            "OPTIONS": {"size_limit": 2**28},
        },
        "public": {
            "BACKEND": "peiyu.core.cache.DiskCache",
            "LOCATION": str(VAR_DIR / "diskcache" / "public"),
            "OPTIONS": {"size_limit": 2**29},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

_BROKER = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
# Without a broker, tasks run in-process (embedded default); with one, workers take them. The in-memory
# transport names "no broker" to kombu, which otherwise warns that it falls back to localhost.
CELERY_TASK_ALWAYS_EAGER = not _BROKER
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# Celery beat runs `peiyu tick` every five minutes where cron is not used.
CELERY_BEAT_SCHEDULE = {"peiyu-tick": {"task": "peiyu.tick", "schedule": 300.0}}

# --- security: MLPS level 3 (SEC-1) ----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "peiyu.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "peiyu.accounts.validators.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PEIYU_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PEIYU_LOCKOUT_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "peiyu.accounts.views.signin.lockout_response"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = int(os.environ.get("PEIYU_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True  # the age is an idle timeout: every request extends it
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
OTP_TOTP_ISSUER = "peiyu 培育"
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and images from this
# site only; no inline script or style, no eval, no plugins, no framing, forms post here only. The
# vendored htmx is configured in base.html not to inject styles or evaluate attributes; the API docs
# (Swagger UI, served from ninja's static files) need `data:` images for their icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Behind nginx, the client address is the last X-Forwarded-For entry the trusted proxies added.
# Public read-only pages (the institution catalog) kept for anonymous visitors, in seconds; each write
# that changes them invalidates them at once (core.cache), this bounds any staleness. 0 turns it off.
PEIYU_PUBLIC_CACHE_SECONDS = int(os.environ.get("PEIYU_PUBLIC_CACHE_SECONDS", "300"))
PEIYU_TRUSTED_PROXY_COUNT = int(os.environ.get("PEIYU_TRUSTED_PROXY_COUNT", "0"))
# Officials (government and authority users) must pass TOTP after the password.
PEIYU_OFFICIAL_OTP_REQUIRED = env_bool("PEIYU_OFFICIAL_OTP_REQUIRED", True)
# The demo-only page listing the demo accounts by journey (/demo/accounts/): off unless the demo runs.
PEIYU_DEMO = env_bool("PEIYU_DEMO", False)

# --- personal data (DESIGN §7): SM4 keys and the blind-index key ----------------------------------
# PEIYU_SM4_KEYS="k2:<32 hex>,k1:<32 hex>"; the first key encrypts, all decrypt (rotation).
DEVELOPMENT_SM4_KEYS = "dev1:00112233445566778899aabbccddeeff"  # refused in production
DEVELOPMENT_BLIND_INDEX_KEY = "development-blind-index-key"  # refused in production
PEIYU_SM4_KEYS = os.environ.get("PEIYU_SM4_KEYS", DEVELOPMENT_SM4_KEYS)
PEIYU_BLIND_INDEX_KEY = os.environ.get("PEIYU_BLIND_INDEX_KEY", DEVELOPMENT_BLIND_INDEX_KEY)
# audit chains per province are split into this many lanes by object (ADR 0015): appends about
# different objects do not queue on one lock; each lane is a hash chain of its own
PEIYU_AUDIT_LANES = int(os.environ.get("PEIYU_AUDIT_LANES", "8"))

# --- i18n ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# dates and times as `2026-11-17` / `2026-11-17 19:00` in both languages (core/formats/<locale>/formats.py)
FORMAT_MODULE_PATH = ["peiyu.core.formats"]
USE_I18N = True
USE_TZ = True

# --- static files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PEIYU_LOG_LEVEL", "WARNING")},
    "loggers": {"peiyu": {"level": os.environ.get("PEIYU_LOG_LEVEL", "INFO")}},
}

NINJA_PAGINATION_PER_PAGE = 50
PEIYU_API_TOKEN_TTL_DAYS = int(os.environ.get("PEIYU_API_TOKEN_TTL_DAYS", "90"))
# Lock the account, not the address: bureaus sit behind shared NAT, where an address lock after five
# failures would lock a whole office out. Per-account lockout is what MLPS level 3 asks for.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The catalog's covering indexes (institutions 0007) carry INCLUDE columns for PostgreSQL's
    # index-only scans; SQLite keeps the key columns, as intended (ADR 0010), and needs no warning.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

# Accounts (accounts/services/signups.py, passwords.py, imports.py; docs/operations.md "Accounts").
# An institution's sign-up waits this many working days on its bureau's to-do list before it is overdue.
PEIYU_ORG_SIGNUP_REVIEW_WORKING_DAYS = int(os.environ.get("PEIYU_ORG_SIGNUP_REVIEW_WORKING_DAYS", "5"))
# Self-service password reset: a one-time code sent by the first channel the account can receive
# (sms: its mobile phone, email: its address); the code expires, allows a few attempts, and requests are
# throttled per account name and per address.
PEIYU_RESET_CODE_CHANNELS = os.environ.get("PEIYU_RESET_CODE_CHANNELS", "sms,email")
PEIYU_RESET_CODE_MINUTES = int(os.environ.get("PEIYU_RESET_CODE_MINUTES", "10"))
PEIYU_RESET_CODE_ATTEMPTS = int(os.environ.get("PEIYU_RESET_CODE_ATTEMPTS", "5"))
PEIYU_RESET_CODE_PER_HOUR = int(os.environ.get("PEIYU_RESET_CODE_PER_HOUR", "5"))
# The SMS gateway: a class with send(*, to, text); the console backend writes the message to the log.
PEIYU_SMS_BACKEND = os.environ.get("PEIYU_SMS_BACKEND", "peiyu.accounts.messaging.ConsoleSmsBackend")
EMAIL_BACKEND = os.environ.get("PEIYU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("PEIYU_DEFAULT_FROM_EMAIL", "peiyu@localhost")
# The bulk account import (xlsx or csv) reads at most this many rows.
PEIYU_ACCOUNT_IMPORT_MAX_ROWS = int(os.environ.get("PEIYU_ACCOUNT_IMPORT_MAX_ROWS", "500"))

# Public certificate verification (certificates/services/verification.py; docs/operations.md
# "Certificate verification"): each address (or signed-in user) gets, per window, a budget of lookups
# that find a certificate and a smaller one of lookups that find none (enumeration makes misses); the
# bulk API counts numbers per signed-in employer against its own larger budget.
PEIYU_VERIFY_WINDOW_SECONDS = int(os.environ.get("PEIYU_VERIFY_WINDOW_SECONDS", "600"))
PEIYU_VERIFY_HITS_PER_WINDOW = int(os.environ.get("PEIYU_VERIFY_HITS_PER_WINDOW", "300"))
PEIYU_VERIFY_MISSES_PER_WINDOW = int(os.environ.get("PEIYU_VERIFY_MISSES_PER_WINDOW", "20"))
PEIYU_VERIFY_BULK_PER_WINDOW = int(os.environ.get("PEIYU_VERIFY_BULK_PER_WINDOW", "20000"))

"""The embedded default used by `peiyu demo`: SQLite under ./var, tasks in-process."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("PEIYU_DEBUG", False)
# The demo prints its accounts; officials may enrol TOTP from their home page but are not forced to.
PEIYU_OFFICIAL_OTP_REQUIRED = env_bool("PEIYU_OFFICIAL_OTP_REQUIRED", False)
# `peiyu demo` runs on these settings: its accounts page (/demo/accounts/) is on unless switched off.
PEIYU_DEMO = env_bool("PEIYU_DEMO", True)

"""Dates and times on every page as officials write them: `2026-11-17`, `2026-11-17 19:00` (Asia/Shanghai,
TIME_ZONE), in both languages, so `{{ value }}` and `{{ value|date }}` never show another shape. Input
formats: ISO first (what <input type=date> sends and shows), then Django's own for the locale."""

from django.conf.locale.zh_Hans import formats as _django  # type: ignore[import-untyped]

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in _django.DATE_INPUT_FORMATS if f != "%Y-%m-%d")]
TIME_INPUT_FORMATS = list(_django.TIME_INPUT_FORMATS)
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    *(f for f in _django.DATETIME_INPUT_FORMATS if f != "%Y-%m-%d %H:%M"),
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ""
NUMBER_GROUPING = _django.NUMBER_GROUPING

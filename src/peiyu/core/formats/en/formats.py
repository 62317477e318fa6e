"""The English pages show dates and times as the Chinese ones do (`2026-11-17 19:00`, Asia/Shanghai): the
same records, read by the same officials."""

from django.conf.locale.en import formats as _django  # type: ignore[import-untyped]

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
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
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

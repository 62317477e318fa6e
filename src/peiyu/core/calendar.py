"""PRC working-day calendar (DESIGN §8): weekends, public holidays and adjusted working weekends.

Data: the chinesecalendar package (official State Council notices, 2004 to its last year) overlaid
by the Holiday table that administrators edit. An entry in the table wins over the package for its
date, and a year the package lacks is taken from the table alone once an administrator has entered
it. A year with neither has no official data: counting then assumes plain weekends, and a
CalendarDataWarning says so (logged, and shown to administrators as a to-do) — never a crash.

Conventions: `add_working_days(start, n)` is the n-th working day after `start` (start not counted;
negative n counts back); `working_days_between(start, end)` counts working days in [start, end]."""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from dataclasses import dataclass

import chinese_calendar

from .cache import Generation

logger = logging.getLogger("peiyu.calendar")
GENERATION = Generation("calendar")
_years: dict[tuple[int, int], YearData] = {}
_warned: set[tuple[int, int]] = set()  # (generation, year): warned once per year until the data changes


class CalendarDataWarning(UserWarning):
    pass


@dataclass(frozen=True)
class YearData:
    year: int
    source: str  # "official", "official+table", "table", "weekends"
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    @property
    def has_official_data(self) -> bool:
        return self.source != "weekends"


def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def forget_year(year: int) -> None:
    GENERATION.bump()
    _years.clear()
    _warned.clear()


def year_data(year: int) -> YearData:
    key = (GENERATION.current(), year)
    data = _years.get(key)
    if data is not None:
        return data
    from .models import Holiday

    rows = list(Holiday.objects.filter(date__year=year).values_list("date", "kind"))
    table_h = {d for d, k in rows if k == Holiday.Kind.HOLIDAY}
    table_w = {d for d, k in rows if k == Holiday.Kind.WORKDAY}
    if _package_covers(year):
        pkg_h = {d for d in chinese_calendar.holidays if d.year == year}
        pkg_w = {d for d in chinese_calendar.workdays if d.year == year}
        holidays = (pkg_h - table_w) | table_h
        workdays = (pkg_w - table_h) | table_w
        source = "official+table" if rows else "official"
    else:
        holidays, workdays = table_h, table_w
        source = "table" if rows else "weekends"
    data = YearData(year, source, frozenset(holidays), frozenset(workdays))
    _years[key] = data
    return data


def missing_data_message(years: list[int]) -> str:
    """The one Chinese warning for years without official holiday data ("" when there are none): shown
    to the system administrator (a to-do) and to whoever counts a deadline into such a year."""
    if not years:
        return ""
    named = "、".join(f"{y}年" for y in years)
    return f"{named}没有官方节假日数据，工作日按周一至周五计算；请管理员录入该年节假日安排"


def _warn_if_missing(year: int) -> None:
    key = (GENERATION.current(), year)
    if key in _warned:
        return
    if not year_data(year).has_official_data:
        _warned.add(key)
        message = missing_data_message([year])
        logger.warning(message)
        warnings.warn(message, CalendarDataWarning, stacklevel=3)


def is_working_day(day: dt.date) -> bool:
    _warn_if_missing(day.year)
    data = year_data(day.year)
    if day in data.workdays:
        return True
    if day in data.holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int) -> dt.date:
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    if remaining == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day <= end:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    """Calendar-day deadlines (e.g. TRN-6's 30 days) go through here too, so every deadline has one home."""
    return start + dt.timedelta(days=n)


def coverage(year: int) -> str:
    return year_data(year).source


def years_without_data(start: dt.date, end: dt.date) -> list[int]:
    return [y for y in range(start.year, end.year + 1) if not year_data(y).has_official_data]


def period_warning(start: dt.date, end: dt.date) -> str:
    """The warning for a period [start, end] counted in working days: "" when every year it touches has
    official data, else `missing_data_message` for the years that lack it."""
    return missing_data_message(years_without_data(min(start, end), max(start, end)))

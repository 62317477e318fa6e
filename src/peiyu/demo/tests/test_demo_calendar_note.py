"""`peiyu demo` built in December counts deadlines into a year without official holiday data: the
calendar's warnings are held back while the data is built and said once, in words, after the accounts."""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings

import pytest

from peiyu.core import calendar
from peiyu.demo.management.commands.demo import Command, calendar_warnings_held

pytestmark = pytest.mark.django_db

YEAR = 2099  # no holiday data is shipped for it


def test_calendar_warnings_are_held_and_said_once_and_other_warnings_still_show(caplog):
    calendar.forget_year(YEAR)
    caplog.set_level(logging.WARNING, logger="peiyu.calendar")
    with pytest.warns(DeprecationWarning, match="其他提醒"):
        with calendar_warnings_held() as held:
            calendar.add_working_days(dt.date(YEAR, 12, 20), 5)
            calendar.forget_year(YEAR)  # warned again after the data changed: the same message
            calendar.add_working_days(dt.date(YEAR, 12, 20), 5)
            warnings.warn("其他提醒", DeprecationWarning, stacklevel=1)
    assert held == [calendar.missing_data_message([YEAR])]
    assert not [r for r in caplog.records if r.name == "peiyu.calendar"]  # nothing logged meanwhile
    out = io.StringIO()
    command = Command(stdout=out)
    command.print_calendar_gap(held)
    assert out.getvalue().count(f"{YEAR}年没有官方节假日数据") == 1
    assert "提示：" in out.getvalue() and "sysadmin" in out.getvalue()


def test_the_calendar_logs_again_once_the_demo_is_built(caplog):
    calendar.forget_year(YEAR)
    with calendar_warnings_held():
        pass
    with pytest.warns(calendar.CalendarDataWarning):
        calendar.is_working_day(dt.date(YEAR, 1, 5))
    assert any(r.name == "peiyu.calendar" and str(YEAR) in r.getMessage() for r in caplog.records)

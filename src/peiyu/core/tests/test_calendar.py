"""Working-day calendar: 2026 National Day, adjusted working weekends, and 2027 (beyond the package)."""

import datetime as dt
import warnings

import pytest

from peiyu.core import calendar
from peiyu.core.calendar import CalendarDataWarning, add_working_days, is_working_day, working_days_between
from peiyu.core.models import Holiday

pytestmark = pytest.mark.django_db
D = dt.date


def test_national_day_2026_is_a_holiday_week():
    for day in range(1, 8):
        assert not is_working_day(D(2026, 10, day))
    assert is_working_day(D(2026, 10, 8))


def test_adjusted_weekends_around_national_day_2026_are_working_days():
    assert D(2026, 9, 20).weekday() == 6 and is_working_day(D(2026, 9, 20))
    assert D(2026, 10, 10).weekday() == 5 and is_working_day(D(2026, 10, 10))
    assert not is_working_day(D(2026, 10, 11))


def test_five_working_day_notice_across_national_day():
    # published Wednesday 30 September 2026: Oct 1-7 are holidays, Oct 8, 9, 10 (adjusted Saturday),
    # 12 and 13 are the five working days.
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 13)) == 5


def test_add_and_between_are_consistent_and_reversible():
    start = D(2026, 9, 25)
    for n in range(0, 30):
        end = add_working_days(start, n)
        if n:
            assert working_days_between(start + dt.timedelta(days=1), end) == n
        assert add_working_days(end, -n) <= start or n == 0


def test_zero_days_rolls_forward_to_a_working_day():
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 8)


def test_2027_without_data_assumes_weekends_and_warns_without_crashing():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert is_working_day(D(2027, 1, 4))  # a Monday
        assert not is_working_day(D(2027, 1, 2))  # a Saturday
    assert any(issubclass(w.category, CalendarDataWarning) and "2027" in str(w.message) for w in caught)
    assert calendar.coverage(2027) == "weekends"
    assert calendar.years_without_data(D(2026, 12, 1), D(2027, 2, 1)) == [2027]


def test_counting_from_2026_into_2027_works():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarDataWarning)
        # Thursday 31 Dec 2026 + 1 working day: 1 Jan 2027 is a Friday; with no 2027 data it counts
        assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_administrators_enter_2027_holidays_and_they_take_effect():
    Holiday.objects.create(date=D(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦")
    assert calendar.coverage(2027) == "table"
    assert not is_working_day(D(2027, 1, 1))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    Holiday.objects.create(date=D(2027, 2, 6), kind=Holiday.Kind.WORKDAY, name="春节调休")
    assert is_working_day(D(2027, 2, 6))  # a Saturday made a working day


def test_table_overrides_the_package_for_covered_years():
    assert is_working_day(D(2026, 11, 20))
    Holiday.objects.create(date=D(2026, 11, 20), kind=Holiday.Kind.HOLIDAY, name="测试")
    assert not is_working_day(D(2026, 11, 20))
    assert calendar.coverage(2026) == "official+table"
    Holiday.objects.filter(date=D(2026, 11, 20)).delete()
    assert is_working_day(D(2026, 11, 20))

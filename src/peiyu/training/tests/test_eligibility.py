"""TRN-8 eligibility as pure rules: minimum age and retired people under the profile's values, the 2025
gradual retirement-age schedule, and the row form agreeing with the Checks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from peiyu.training.rules import eligibility as el

ON = dt.date(2026, 3, 2)


def facts(born, sex="M", retired=None, category=""):
    return el.PersonFacts(birth_date=born, sex=sex, retired=retired, category=category)


def test_men_born_before_1965_retire_at_60_and_the_schedule_caps_at_63():
    assert el.retirement_age_months(1964, 12, "M") == 720
    assert el.retirement_age_months(1965, 1, "M") == 721
    assert el.retirement_age_months(1965, 4, "M") == 721
    assert el.retirement_age_months(1965, 5, "M") == 722
    assert el.retirement_age_months(1976, 9, "M") == 756
    assert el.retirement_age_months(1990, 1, "M") == 756


def test_women_use_the_55_to_58_schedule_from_1970():
    assert el.retirement_age_months(1969, 12, "F") == 660
    assert el.retirement_age_months(1970, 1, "F") == 661
    assert el.retirement_age_months(1971, 1, "F") == 664
    assert el.retirement_age_months(1981, 9, "F") == 696
    assert el.retirement_age_months(2000, 5, "F") == 696


def test_retirement_date_adds_the_months_and_clamps_the_day():
    assert el.retirement_date(dt.date(1965, 1, 15), "M") == dt.date(2025, 2, 15)
    assert el.retirement_date(dt.date(1970, 1, 31), "F") == dt.date(2025, 2, 28)


@given(
    year=st.integers(1940, 2010),
    month=st.integers(1, 12),
    sex=st.sampled_from(["M", "F"]),
)
def test_retirement_age_never_decreases_with_later_birth_and_stays_within_bounds(year, month, sex):
    months = el.retirement_age_months(year, month, sex)
    low, high = (720, 756) if sex == "M" else (660, 696)
    assert low <= months <= high
    nxt = el.retirement_age_months(year + (month == 12), month % 12 + 1, sex)
    assert months <= nxt <= months + 1


def test_profile_without_the_parameters_applies_no_check_and_says_so():
    checks = el.eligibility_checks(
        facts(dt.date(1950, 1, 1), retired=True), ON, min_age=None, retired_excluded=None, profile="fujian"
    )
    assert all(c.ok and c.rule == "TRN-8" for c in checks)
    assert "未设定学员最低年龄" in checks[0].message
    assert "未限制退休人员" in checks[1].message


def test_under_the_minimum_age_is_refused():
    check = el.min_age_check(facts(dt.date(2010, 3, 3)), ON, 16, profile="hubei-dte")
    assert not check.ok and check.blocking and check.rule == "TRN-8"
    assert "未满16周岁" in check.message
    assert el.min_age_check(facts(dt.date(2010, 3, 2)), ON, 16, profile="hubei-dte").ok


def test_declared_retired_is_refused_even_when_young():
    check = el.retired_check(facts(dt.date(1980, 1, 1), retired=True), ON, True, profile="hubei-dte")
    assert not check.ok and "已退休人员" in check.message
    check = el.retired_check(facts(dt.date(1980, 1, 1), category="离退休人员"), ON, True, profile="h")
    assert not check.ok


def test_past_retirement_age_is_presumed_retired_unless_declared_not_retired():
    born = dt.date(1963, 5, 1)  # a man: 60 in 2023
    presumed = el.retired_check(facts(born), ON, True, profile="hubei-dte")
    assert not presumed.ok and "推定为已退休" in presumed.message
    declared = el.retired_check(facts(born, retired=False), ON, True, profile="hubei-dte")
    assert declared.ok and "声明未退休" in declared.message


def test_a_woman_of_56_born_in_1970_is_past_her_age_but_a_man_is_not():
    born = dt.date(1970, 1, 10)  # woman: 55 + 1 month → 2025-02-10; man: 60 + 0 → 2030
    assert not el.retired_check(facts(born, "F"), ON, True, profile="h").ok
    assert el.retired_check(facts(born, "M"), ON, True, profile="h").ok


@given(
    born=st.dates(dt.date(1940, 1, 1), dt.date(2015, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    retired=st.sampled_from([None, True, False]),
    category=st.sampled_from(["", "在职职工", "离退休人员"]),
    min_age=st.sampled_from([None, 16, 18]),
    excluded=st.sampled_from([None, False, True]),
)
def test_the_row_form_agrees_with_the_checks(born, sex, retired, category, min_age, excluded):
    f = facts(born, sex, retired, category)
    checks = el.eligibility_checks(f, ON, min_age=min_age, retired_excluded=excluded, profile="p")
    refusal = el.row_refusal(
        birth_date=born,
        sex=sex,
        age=el.age_on(born, ON),
        retired=retired,
        category=category,
        on=ON,
        min_age=min_age,
        retired_excluded=excluded,
    )
    refused = el.refusals(checks)
    assert (refusal is None) == (not refused)
    if refusal is not None:
        assert refusal[1].startswith(refused[0].message)

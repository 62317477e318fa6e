"""Who may be trained under a programme's profile (TRN-8, 003 二): not a retired person and not under
the profile's minimum age. Pure: facts in (birth date and sex from the ID number, the declared retired
status, the person's category), Checks out. A profile that sets neither `trainee_min_age` nor
`trainee_retired_excluded` applies no such check, and the Checks say so.

Statutory retirement age (全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定, 2024-09-13,
in force 2025-01-01): men 60, rising by one month for every four months of birth from January 1965 up
to 63 (born September 1976 or later); women 55, rising the same way from January 1970 up to 58 (born
September 1981 or later). A person who has reached that age is presumed retired unless the roster or
the form explicitly says not retired (是否退休：否), which is accepted with a note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from peiyu.core.checks import Check

RULE = "TRN-8"
SOURCE = "003 二"
RETIREMENT_SOURCE = "全国人大常委会关于实施渐进式延迟法定退休年龄的决定（2025年1月1日起施行）"
RETIRED_CATEGORY = "离退休人员"

# (sex, original age in years, first birth month of the reform, cap in months of delay)
_SCHEDULE: dict[str, tuple[int, tuple[int, int], int]] = {
    "M": (60, (1965, 1), 36),
    "F": (55, (1970, 1), 36),
}
_MONTHS_PER_STEP = 4  # one month of delay per four months of birth


@dataclass(frozen=True)
class PersonFacts:
    """What TRN-8 looks at. `retired` is the declaration (True / False / None when not said)."""

    birth_date: dt.date
    sex: str  # "M" or "F", from the ID number's 17th digit
    retired: bool | None = None
    category: str = ""

    @property
    def declares_retired(self) -> bool:
        return self.retired is True or (self.retired is None and self.category == RETIRED_CATEGORY)


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years (周岁) on `on`."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@lru_cache(maxsize=4096)
def retirement_age_months(birth_year: int, birth_month: int, sex: str) -> int:
    """The statutory retirement age in months for a person born in that month (2025 reform)."""
    years, (start_year, start_month), cap = _SCHEDULE["M" if sex == "M" else "F"]
    elapsed = (birth_year - start_year) * 12 + (birth_month - start_month)
    delay = 0 if elapsed < 0 else min(cap, elapsed // _MONTHS_PER_STEP + 1)
    return years * 12 + delay


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    # the last day of the month when the birth day does not exist there (29–31)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


@lru_cache(maxsize=65536)
def retirement_date(birth_date: dt.date, sex: str) -> dt.date:
    """The day the person reaches the statutory retirement age."""
    return _add_months(birth_date, retirement_age_months(birth_date.year, birth_date.month, sex))


def _age_text(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years}周岁" + (f"{rest}个月" if rest else "")


def min_age_check(facts: PersonFacts, on: dt.date, min_age: int | None, *, profile: str) -> Check:
    age = age_on(facts.birth_date, on)
    data = {"age": age, "min_age": min_age, "birth_date": facts.birth_date.isoformat(), "profile": profile}
    if min_age is None:
        return Check(RULE, True, "政策配置未设定学员最低年龄", data, SOURCE, True)
    if age < min_age:
        return Check(RULE, False, f"年龄{age}周岁，未满{min_age}周岁，不能参加培训", data, SOURCE, True)
    return Check(RULE, True, f"年龄{age}周岁，已满{min_age}周岁", data, SOURCE, True)


def retired_check(facts: PersonFacts, on: dt.date, excluded: bool | None, *, profile: str) -> Check:
    months = retirement_age_months(facts.birth_date.year, facts.birth_date.month, facts.sex)
    reached = retirement_date(facts.birth_date, facts.sex)
    data = {
        "retired": facts.retired,
        "category": facts.category,
        "sex": facts.sex,
        "retirement_age_months": months,
        "retirement_date": reached.isoformat(),
        "excluded": excluded,
        "profile": profile,
    }
    source = f"{SOURCE}；{RETIREMENT_SOURCE}"
    if not excluded:
        return Check(RULE, True, "政策配置未限制退休人员参加培训", data, source, True)
    if facts.declares_retired:
        return Check(RULE, False, "已退休人员不属于本项目培训对象", data, source, True)
    if on >= reached:
        if facts.retired is False:
            return Check(
                RULE,
                True,
                f"已达到法定退休年龄（{_age_text(months)}，{reached}），声明未退休，予以受理",
                data,
                source,
                True,
            )
        return Check(
            RULE,
            False,
            f"已达到法定退休年龄（{_age_text(months)}，{reached}），推定为已退休人员，不属于本项目培训对象；"
            "如确未退休，请在“是否退休”中填写“否”",
            data,
            source,
            True,
        )
    return Check(RULE, True, f"未达到法定退休年龄（{_age_text(months)}）", data, source, True)


def eligibility_checks(
    facts: PersonFacts, on: dt.date, *, min_age: int | None, retired_excluded: bool | None, profile: str
) -> list[Check]:
    """Every TRN-8 check for one person on `on` under the profile's values."""
    return [
        min_age_check(facts, on, min_age, profile=profile),
        retired_check(facts, on, retired_excluded, profile=profile),
    ]


def refusals(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok and c.blocking]


def row_refusal(
    *,
    birth_date: dt.date,
    sex: str,
    age: int,
    retired: bool | None,
    category: str,
    on: dt.date,
    min_age: int | None,
    retired_excluded: bool | None,
) -> tuple[str, str] | None:
    """The fast form used per roster row: (field, message) of the first refusal, or None. The same
    verdicts and messages as `eligibility_checks`, without building Checks for the rows that pass."""
    if min_age is not None and age < min_age:
        return "id_number", f"年龄{age}周岁，未满{min_age}周岁，不能参加培训（TRN-8）"
    if retired_excluded:
        if retired is True or (retired is None and category == RETIRED_CATEGORY):
            return "retired", "已退休人员不属于本项目培训对象（TRN-8）"
        if retired is None and on >= retirement_date(birth_date, sex):
            check = retired_check(PersonFacts(birth_date, sex, retired, category), on, True, profile="")
            return "retired", f"{check.message}（TRN-8）"
    return None

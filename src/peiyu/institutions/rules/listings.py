"""Validity, renewal windows and forfeiture of catalog entries (DIR-1…4). Pure functions of dates,
figures and policy values; the services apply them and store the checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from peiyu.core.checks import Check


def validity_end(valid_from: dt.date, years: int) -> dt.date:
    """DIR-1: valid for `years` years: the last valid day is the day before the anniversary."""
    return valid_from + relativedelta(years=years) - dt.timedelta(days=1)


@dataclass(frozen=True)
class RenewalWindow:
    opens: dt.date | None  # None: any time in the period
    closes: dt.date  # last day an application is on time
    rule: str
    source: str

    def state(self, today: dt.date) -> str:
        if self.opens and today < self.opens:
            return "not_yet"
        return "open" if today <= self.closes else "closed"


def renewal_window(
    *,
    valid_until: dt.date,
    lead_months: int | None,
    window_months: int | None,
    grace_months: int,
) -> RenewalWindow:
    """DIR-2 (DTE): apply at least `lead_months` before expiry — late means forfeited.
    DIR-4 (Chengdu): apply within the `window_months` before expiry, or up to `grace_months` after it."""
    if window_months is not None:
        return RenewalWindow(
            valid_until - relativedelta(months=window_months) + dt.timedelta(days=1),
            valid_until + relativedelta(months=grace_months),
            "DIR-4",
            "001 第十四条",
        )
    lead = lead_months or 0
    closes = valid_until - relativedelta(months=lead) + relativedelta(months=grace_months)
    return RenewalWindow(None, closes, "DIR-2", "000 第九条")


def check_renewal_on_time(*, window: RenewalWindow, today: dt.date) -> Check:
    state = window.state(today)
    facts = {
        "opens": window.opens.isoformat() if window.opens else None,
        "closes": window.closes.isoformat(),
        "today": today.isoformat(),
    }
    if state == "open":
        return Check(
            window.rule,
            True,
            f"在延续申请期限内（{window.closes:%Y-%m-%d} 前）",
            facts,
            window.source,
            blocking=True,
        )
    if state == "not_yet":
        return Check(
            window.rule,
            False,
            f"延续申请自 {window.opens:%Y-%m-%d} 起受理",
            facts,
            window.source,
            blocking=True,
        )
    # DIR-2 (000 Art. 9) says 视为主动放弃; DIR-4 (001 Art. 14) says 视为自动放弃
    deemed = "视为自动放弃" if window.rule == "DIR-4" else "视为主动放弃"
    return Check(
        window.rule,
        False,
        f"已超过延续申请期限（{window.closes:%Y-%m-%d}），{deemed}",
        facts,
        window.source,
        blocking=True,
    )


def years_of_period(valid_from: dt.date, valid_until: dt.date) -> list[int]:
    """The calendar years a validity period touches (volumes are recorded per calendar year)."""
    return list(range(valid_from.year, valid_until.year + 1))


def report_years(valid_from: dt.date, valid_until: dt.date, today: dt.date) -> list[int]:
    """Years of the current period's results report (DIR-2 近3年工作成效): those already begun."""
    return [y for y in years_of_period(valid_from, valid_until) if y <= today.year]


def check_volume(*, period: int, volumes: dict[int, int], years: int, min_annual_volume: int | None) -> Check:
    """DIR-3: in the first validity period at least some training or evaluation; in the second and later,
    an annual average of at least `min_annual_volume` person-times (over the period's `years` years)."""
    total = sum(volumes.values())
    facts = {
        "period": period,
        "volumes": {str(y): n for y, n in sorted(volumes.items())},
        "total": total,
        "years": years,
        "min_annual_volume": min_annual_volume,
    }
    if period <= 1:
        ok = total > 0
        msg = f"第1个有效期内共 {total} 人次" + ("" if ok else "，未开展培训或评价，视为主动放弃")
        return Check("DIR-3", ok, msg, facts, "000 第九条")
    if min_annual_volume is None:
        return Check("DIR-3", True, "未设年均人次要求", facts, "000 第九条")
    # total person-times of the period over its length in years: calendar years at the period's two
    # ends are partial, so dividing by the number of calendar years touched would understate it
    average = total / years if years else 0
    facts["average"] = round(average, 1)
    ok = average >= min_annual_volume
    msg = f"第{period}个有效期年均 {average:.1f} 人次" + (
        "，符合" if ok else f"，少于 {min_annual_volume} 人次，视为主动放弃"
    )
    return Check("DIR-3", ok, msg, facts, "000 第九条")


def reapply_ban_end(valid_until: dt.date, ban_years: int | None) -> dt.date | None:
    """DIR-3: no new application for the occupation within `ban_years` after expiry."""
    if not ban_years:
        return None
    return valid_until + relativedelta(years=ban_years)


# --- the denormalised search line ------------------------------------------------------------------------

LEVEL_SEP = "|"
SEARCH_TEXT_MAX = 400


def search_text(listing) -> str:
    """The `search_text` of a listing (what the public catalog's text and level filters match): pure,
    from its own fields, lowercase, at most 400 characters. The levels between bars first (a level
    filter is a substring match on `|初级|` and survives truncation), then institution name, occupation
    name and code, catalog number and filing code. Same format as selectors.catalog.listing_search_text."""
    levels = [" ".join(str(lv).split()).replace(LEVEL_SEP, "") for lv in (listing.levels or [])]
    head = LEVEL_SEP + LEVEL_SEP.join(lv for lv in levels if lv) + LEVEL_SEP if any(levels) else LEVEL_SEP
    words = (
        listing.institution_name,
        listing.occupation_name,
        listing.occupation_code,
        listing.number,
        listing.filing_code,
    )
    body = " ".join(" ".join(str(w).split()) for w in words if w)
    return f"{head} {body}".lower()[:SEARCH_TEXT_MAX]

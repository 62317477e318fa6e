"""The period of a public notice (公示, SEL-7, SEL-10) as people read it, and the checks of holding and
deciding an application that an objection concerns. Pure: dates, numbers and texts in, text or a Check
out; the working days themselves are counted by the service (core.calendar reads the holiday table).

Whether the day of publication is the first counted working day is the profile's
`notice_counts_publication_day` (ADR 0008). The period shown is always
an explicit range from the day of publication to its last day, with the count and whether the day of
publication is in it, so "2026-09-30 至 2026-10-13" never reads as six working days when it is five."""

from __future__ import annotations

import datetime as dt

from peiyu.core.checks import Check

from .sources import article


def counting_text(counts_publication_day: bool) -> str:
    """Where counting starts: the day after publication, or the day itself."""
    return "含发布当日" if counts_publication_day else "自发布次日起算"


def period_text(*, starts_on: dt.date, ends_on: dt.date, days: int, counts_publication_day: bool) -> str:
    """The period from the day of publication to the last day, then where counting starts (the day after
    publication, or the day itself): "2026-09-30 至 2026-10-13（5个工作日），自发布次日起算"."""
    return f"{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}（{days}个工作日），{counting_text(counts_publication_day)}"


def held_for_objection(
    *, rule: str, programme: str, notice: str | None, ends_on: dt.date, objections: list[str]
) -> Check:
    """The notice ended with an open objection: the application is held, not listed, until it is decided
    (000 第七条（五）: only a notice without objection leads to the catalog)."""
    return Check(
        rule,
        False,
        f"公示期满（{ends_on:%Y-%m-%d}）时仍有未处理的异议（{'、'.join(objections)}），暂缓纳入，待异议处理后办理",
        {"notice": notice, "ends_on": ends_on.isoformat(), "objections": objections},
        article("objection", programme),
    )


def objection_decided(*, rule: str, programme: str, tracking_no: str, upheld: bool, resolution: str) -> Check:
    """The publishing body's decision on one objection: upheld refuses the application; dismissed lets it
    go on (once the notice has ended and no other objection is open)."""
    verdict = "异议成立，不予纳入" if upheld else "异议不成立"
    return Check(
        rule,
        not upheld,
        f"异议 {tracking_no} {verdict}：{resolution}",
        {"objection": tracking_no, "upheld": upheld, "resolution": resolution},
        article("objection", programme),
    )

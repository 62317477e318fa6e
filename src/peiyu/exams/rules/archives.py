"""Retention of evaluation archives (EVL-10; seed 001 Art. 22): paper records kept at least
`retention_paper_years`, electronic ones at least `retention_electronic_years`; the scans of the key
records — registration forms, commitments, sign-in sheets, room records, score sheets and supervision
forms — kept permanently; nothing disposed of before its time."""

from __future__ import annotations

import datetime as dt

from peiyu.core.checks import Check

SOURCE_EVL10 = "001 第二十二条"
# the records "反映关键节点" whose scans are kept permanently (001 Art. 22)
KEY_KINDS = frozenset(
    {"registration_form", "commitment", "sign_in_sheet", "room_record", "score_sheet", "supervision_form"}
)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention(
    *, kind: str, medium: str, filed_on: dt.date, paper_years: int | None, electronic_years: int | None
) -> tuple[dt.date | None, bool]:
    """(retain until, permanent) of a record. A scan of a key record is permanent; a paper record is kept
    `paper_years`, an electronic record (or the scan of another record) `electronic_years`. A profile
    that sets no period gives no end date: the record is kept until one is set."""
    if medium == "scan" and kind in KEY_KINDS:
        return None, True
    years = paper_years if medium == "paper" else electronic_years
    if years is None:
        return None, False
    return add_years(filed_on, years), False


def check_disposal(*, retain_until: dt.date | None, permanent: bool, today: dt.date) -> Check:
    """A record may be disposed of only after its retention period (EVL-10)."""
    if permanent:
        ok, message = False, "关键节点材料的扫描件须永久保存，不得销毁"
    elif retain_until is None:
        ok, message = False, "政策配置未设定该类档案的保管期限，暂不得销毁"
    elif today <= retain_until:
        ok, message = False, f"保管期限至{retain_until.isoformat()}，期满前不得销毁"
    else:
        ok, message = True, f"保管期限已于{retain_until.isoformat()}届满"
    return Check(
        "EVL-10",
        ok,
        message,
        {"retain_until": retain_until.isoformat() if retain_until else None, "permanent": permanent,
         "today": today.isoformat()},
        source=SOURCE_EVL10,
        blocking=True,
    )  # fmt: skip

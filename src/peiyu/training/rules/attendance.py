"""Attendance arithmetic (TRN-5), pure: the minutes a check-in/check-out credits inside a session, the
digest kept of a device id, and the checks on a new session's times."""

from __future__ import annotations

import datetime as dt
import hashlib

DEVICE_DIGEST_LENGTH = 64  # the Attendance.device column: a SHA-256 hex digest, never the raw id


def credited_minutes(
    check_in: dt.datetime | None, check_out: dt.datetime | None, starts: dt.datetime, ends: dt.datetime
) -> int:
    """Whole minutes of [check_in, check_out] inside [starts, ends]; nothing until checked out."""
    if check_in is None or check_out is None:
        return 0
    lo, hi = max(check_in, starts), min(check_out, ends)
    if hi <= lo:
        return 0
    return int((hi - lo).total_seconds() // 60)


def device_digest(device: str | None) -> str:
    """SHA-256 (hex) of the device id as sent; '' when none was sent. The raw id is never stored."""
    device = (device or "").strip()
    if not device:
        return ""
    return hashlib.sha256(device.encode("utf-8")).hexdigest()[:DEVICE_DIGEST_LENGTH]


def session_time_errors(
    starts: dt.datetime, ends: dt.datetime, class_starts_on: dt.date, class_ends_on: dt.date, tz
) -> dict[str, list[str]]:
    """Field errors (Chinese) of a session's times against its class's dates, in the local zone."""
    errors: dict[str, list[str]] = {}
    if ends <= starts:
        errors["ends_at"] = ["结束时间应晚于开始时间"]
    if starts.astimezone(tz).date() < class_starts_on:
        errors["starts_at"] = [f"课次不能早于开班日期（{class_starts_on:%Y-%m-%d}）"]
    if ends.astimezone(tz).date() > class_ends_on:
        errors["ends_at"] = [*errors.get("ends_at", []), f"课次不能晚于结业日期（{class_ends_on:%Y-%m-%d}）"]
    return errors


def intervals_overlap(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Half-open intervals: touching end to start is not an overlap."""
    return a_start < b_end and b_start < a_end

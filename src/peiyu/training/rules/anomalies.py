"""Attendance anomalies (TRN-5), pure: given plain facts, what to flag and with what evidence.

Three kinds, each with a stable `key` so one fact is flagged once (Anomaly is unique on (kind, key)):

- overlap: one trainee has attendance or online learning in two different classes at overlapping times.
  Flagged on each of the two classes (each institution answers for its own), keyed by the two records.
- outside_session: a check-in more than EARLY_CHECKIN_MINUTES before the session starts, or after it
  ends. Keyed by the attendance record.
- shared_device: one device (its digest) checked in more than SHARED_DEVICE_MAX_TRAINEES different
  trainees by QR scan in one session. Staff check-ins are left out: one desk registering a whole
  class from one terminal is normal. Keyed by session and device digest.

The two thresholds are operational tolerances of this detector, not RULES.md §12 policy parameters:
they only decide what an official is asked to look at, never what is credited or refused."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .attendance import intervals_overlap

# A trainee arriving early to check in is normal; earlier than this before the start is worth a look.
EARLY_CHECKIN_MINUTES = 30
# One phone may check in a trainee and a neighbour or two whose phones failed; more is worth a look.
SHARED_DEVICE_MAX_TRAINEES = 3
EVIDENCE_LIST_CAP = 50  # evidence lists are cut at this many entries (the count is kept in full)

OVERLAP, OUTSIDE_SESSION, SHARED_DEVICE = "overlap", "outside_session", "shared_device"


@dataclass(frozen=True)
class Interval:
    """One attendance (ref 'a<id>') or online record (ref 'o<id>') of a trainee in a class."""

    ref: str
    klass_id: int
    klass_number: str
    trainee_id: int
    trainee_name: str  # masked
    start: dt.datetime
    end: dt.datetime
    session_id: int | None = None


@dataclass(frozen=True)
class CheckIn:
    attendance_id: int
    session_id: int
    klass_id: int
    klass_number: str
    trainee_id: int
    trainee_name: str  # masked
    check_in: dt.datetime
    starts: dt.datetime
    ends: dt.datetime
    device: str = ""
    method: str = "qr"


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    klass_id: int
    trainee_id: int | None
    session_id: int | None
    evidence: dict[str, Any] = field(default_factory=dict)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def _describe(i: Interval) -> dict[str, Any]:
    return {
        "record": i.ref,
        "type": "attendance" if i.ref.startswith("a") else "online",
        "class_number": i.klass_number,
        "session_id": i.session_id,
        "start": _iso(i.start),
        "end": _iso(i.end),
    }


CHINA = dt.timezone(dt.timedelta(hours=8))  # the day an overlap is counted in (no daylight saving)
OVERLAP_SAMPLE = 5  # pairs of records kept as evidence of one overlap anomaly


def overlap_key(klass_id: int, trainee_id: int, other_klass_id: int, day: str) -> str:
    """The identity of an overlap anomaly: this class, the trainee, the other class, the day."""
    return f"{klass_id}|{trainee_id}|{other_klass_id}|{day}"


def overlap_keys_possible(i: Interval, other_klass_ids) -> list[str]:
    """Every overlap key that interval `i` could produce against those other classes: an overlap
    starts within `i`, so its day is one of the days `i` spans."""
    first, last = i.start.astimezone(CHINA).date(), i.end.astimezone(CHINA).date()
    days = [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    return [overlap_key(i.klass_id, i.trainee_id, o, day) for o in other_klass_ids for day in days]


def overlaps(mine: list[Interval], others: list[Interval]) -> list[Finding]:
    """The same trainee in two classes at overlapping times: one finding per trainee, pair of classes
    and day, for each of the two classes. Its evidence is the first overlapping pair, how many pairs
    there were and a sample of them, so a person reported in two classes at once all day is one
    anomaly, not one per pair of records."""
    by_trainee: dict[int, list[Interval]] = defaultdict(list)
    for o in others:
        by_trainee[o.trainee_id].append(o)
    groups: dict[str, tuple[Interval, Interval, dict[str, Any]]] = {}
    for m in mine:
        for o in by_trainee.get(m.trainee_id, ()):
            if o.klass_id == m.klass_id or not intervals_overlap(m.start, m.end, o.start, o.end):
                continue
            start, end = max(m.start, o.start), min(m.end, o.end)
            day = start.astimezone(CHINA).date().isoformat()
            for this, that in ((m, o), (o, m)):
                key = overlap_key(this.klass_id, this.trainee_id, that.klass_id, day)
                group = groups.get(key)
                if group is None:
                    evidence: dict[str, Any] = {
                        "trainee": this.trainee_name,
                        "day": day,
                        "this": _describe(this),
                        "other": _describe(that),
                        "overlap_start": _iso(start),
                        "overlap_end": _iso(end),
                        "overlap_minutes": int((end - start).total_seconds() // 60),
                        "pairs": 0,
                        "sample": [],
                    }
                    groups[key] = group = (this, that, evidence)
                evidence = group[2]
                evidence["pairs"] += 1
                if len(evidence["sample"]) < OVERLAP_SAMPLE:
                    evidence["sample"].append([this.ref, that.ref])
    return [
        Finding(OVERLAP, key, this.klass_id, this.trainee_id, this.session_id, evidence)
        for key, (this, _that, evidence) in groups.items()
    ]


def outside_session(checkins: list[CheckIn], early_minutes: int = EARLY_CHECKIN_MINUTES) -> list[Finding]:
    """Check-ins more than `early_minutes` before the start, or after the end, of their session."""
    early = dt.timedelta(minutes=early_minutes)
    out = []
    for c in checkins:
        if c.starts - early <= c.check_in <= c.ends:
            continue
        before = c.check_in < c.starts
        gap = (c.starts - c.check_in) if before else (c.check_in - c.ends)
        out.append(
            Finding(
                OUTSIDE_SESSION,
                f"a{c.attendance_id}",
                c.klass_id,
                c.trainee_id,
                c.session_id,
                {
                    "trainee": c.trainee_name,
                    "class_number": c.klass_number,
                    "session_id": c.session_id,
                    "check_in": _iso(c.check_in),
                    "session_start": _iso(c.starts),
                    "session_end": _iso(c.ends),
                    "position": "before_start" if before else "after_end",
                    "minutes_outside": int(gap.total_seconds() // 60),
                    "tolerance_minutes": early_minutes,
                    "method": c.method,
                },
            )
        )
    return out


def shared_devices(checkins: list[CheckIn], limit: int = SHARED_DEVICE_MAX_TRAINEES) -> list[Finding]:
    """A device digest that checked in more than `limit` different trainees by QR in one session."""
    groups: dict[tuple[int, str], list[CheckIn]] = defaultdict(list)
    for c in checkins:
        if c.device and c.method == "qr":
            groups[(c.session_id, c.device)].append(c)
    out = []
    for (session_id, device), rows in sorted(groups.items()):
        trainees = {c.trainee_id for c in rows}
        if len(trainees) <= limit:
            continue
        rows = sorted(rows, key=lambda c: c.check_in)
        first = rows[0]
        out.append(
            Finding(
                SHARED_DEVICE,
                f"{session_id}|{device}",
                first.klass_id,
                None,
                session_id,
                {
                    "class_number": first.klass_number,
                    "session_id": session_id,
                    "device_digest": device[:16],
                    "trainees": len(trainees),
                    "limit": limit,
                    "check_ins": [
                        {"trainee": c.trainee_name, "at": _iso(c.check_in)} for c in rows[:EVIDENCE_LIST_CAP]
                    ],
                },
            )
        )
    return out

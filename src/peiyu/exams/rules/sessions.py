"""Rules of exam sessions (EVL-5; seed 001 Art. 19, with DIR-1, SUP-7, EVL-9): a session is scheduled only
under an active evaluation entry of the institution for its occupation and level, valid on the day and on
the exam day, never while the entry is suspended; each step of EVL-5 starts only when the previous one is
done. Pure: facts in, a Check out.

The stored deadlines of a session (documented here, counted in PRC working days with core.calendar by
the services, once, when the session is created or its step starts):

- `announce_by`: the announcement is published at least ANNOUNCE_LEAD_WORKING_DAYS working days before
  registration opens, so candidates can read the conditions and fees first (EVL-4, EVL-5);
- `review_due_on`: eligibility review finished within REVIEW_WORKING_DAYS working days after
  registration closes (EVL-8);
- `grading_due_on`: grading finished within GRADING_WORKING_DAYS working days after the exam day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peiyu.core.checks import Check

SOURCE_EVL5 = "001 第十九条"
SOURCE_DIR1 = {"dte": "000 第五条", "skill": "001 第十四条"}
SOURCE_SUP7 = {"dte": "000 第二十条", "skill": "001 第三十一条"}

ANNOUNCE_LEAD_WORKING_DAYS = 5
REVIEW_WORKING_DAYS = 5
GRADING_WORKING_DAYS = 10
# how far ahead the bureau's to-do list shows the sessions of its region (calendar days)
STARTING_SOON_DAYS = 14

# the room a sitting of each kind is held in (EVL-1: a defence room for the comprehensive review)
ROOM_FOR_SITTING = {"theory": "theory", "practical": "practical", "review": "defence"}


@dataclass(frozen=True)
class EntryFacts:
    """What the directory says about the institution's evaluation entry (DIR-1)."""

    number: str
    programme: str
    kind: str
    status: str
    status_label: str
    occupation_code: str
    levels: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date


def _src(table: dict[str, str], programme: str) -> str:
    return table.get(programme, "；".join(dict.fromkeys(table.values())))


def check_entry_not_suspended(entry: EntryFacts | None) -> Check:
    """SUP-7: a suspended (or revoked/removed) institution opens no exam session."""
    programme = entry.programme if entry else ""
    if entry is not None and entry.status == "suspended":
        return Check(
            "SUP-7",
            False,
            f"目录条目 {entry.number} 已暂停，暂停期间不得组织考核",
            {"listing": entry.number, "status": entry.status},
            _src(SOURCE_SUP7, programme),
            True,
        )
    facts = {"listing": entry.number, "status": entry.status} if entry else {}
    return Check("SUP-7", True, "评价机构未被暂停", facts, _src(SOURCE_SUP7, programme), True)


def check_entry_covers(
    entry: EntryFacts | None, *, occupation_code: str, level: str, exam_on: dt.date, today: dt.date
) -> Check:
    """DIR-1: listed (or filed) as an evaluation institution for this occupation and level, the entry
    active, and valid today and on the exam day."""
    programme = entry.programme if entry else ""
    source = _src(SOURCE_DIR1, programme)
    if entry is None:
        return Check(
            "DIR-1", False, "本机构未列入（备案）该职业（工种）的评价机构目录，不能组织考核", {}, source, True
        )
    facts = {
        "listing": entry.number,
        "status": entry.status,
        "levels": list(entry.levels),
        "level": level,
        "valid_from": entry.valid_from.isoformat(),
        "valid_until": entry.valid_until.isoformat(),
        "exam_on": exam_on.isoformat(),
    }
    if entry.kind != "evaluation" or entry.occupation_code != occupation_code:
        message = f"目录条目 {entry.number} 不是本职业（工种）的评价机构条目"
    elif entry.status == "suspended":
        message = ""  # SUP-7 says it
    elif entry.status != "active":
        message = f"目录条目 {entry.number} 当前状态为“{entry.status_label}”，不能组织考核"
    elif level not in entry.levels:
        message = f"目录条目 {entry.number} 的等级为“{'、'.join(entry.levels)}”，不含“{level}”"
    elif not entry.valid_from <= today <= entry.valid_until:
        message = f"目录条目 {entry.number} 今日不在有效期内（{entry.valid_from}至{entry.valid_until}）"
    elif exam_on > entry.valid_until:
        message = f"考试日期 {exam_on} 晚于目录条目有效期（至{entry.valid_until}）"
    else:
        return Check("DIR-1", True, f"目录条目 {entry.number} 有效，等级含“{level}”", facts, source, True)
    if not message:
        return Check(
            "DIR-1", True, f"目录条目 {entry.number} 含“{level}”（暂停另见SUP-7）", facts, source, True
        )
    return Check("DIR-1", False, message, facts, source, True)


def check_schedule(
    *, opens_on: dt.date, closes_on: dt.date, exam_on: dt.date, today: dt.date
) -> dict[str, list[str]]:
    """Field errors of a session's dates (input, not a rule): registration opens today or later, closes
    after it opens and before the exam day."""
    errors: dict[str, list[str]] = {}
    if opens_on < today:
        errors["registration_opens_on"] = ["报名开始日期不能早于今天"]
    if closes_on < opens_on:
        errors["registration_closes_on"] = ["报名截止日期不能早于报名开始日期"]
    if exam_on <= closes_on:
        errors["theory_starts_at"] = ["理论考试应在报名截止之后"]
    return errors


def check_registrations_settled(waiting: int) -> Check:
    """EVL-5 (with EVL-8): the eligibility review is finished only when no registration still waits for
    a decision (submitted or returned for correction)."""
    ok = waiting == 0
    message = "全部报名已审核" if ok else f"尚有{waiting}份报名待审核或待补正，资格审核不能结束"
    return Check("EVL-5", ok, message, {"waiting": waiting}, SOURCE_EVL5, True)


def check_candidates_admitted(approved: int) -> Check:
    """EVL-5: room preparation needs at least one admitted candidate."""
    ok = approved > 0
    message = f"审核通过{approved}人" if ok else "没有审核通过的考生，不能编排考场"
    return Check("EVL-5", ok, message, {"approved": approved}, SOURCE_EVL5, True)


def sitting_capacity(*, kind: str, seats: int, computers: int) -> int:
    """Candidates a room takes in one sitting: its seats (one per desk, EVL-1); a computer-based theory
    exam (EVL-6) also needs a computer per candidate."""
    if kind == "theory":
        return min(seats, computers)
    return seats


def check_room_fits(*, kind: str, room_kind: str, room_name: str, capacity: int, one_per_desk: bool) -> Check:
    """EVL-1: a sitting is held in a room of its kind with seats; a theory room is one per desk."""
    expected = ROOM_FOR_SITTING.get(kind, "")
    if room_kind != expected:
        message = f"“{room_name}”不是该科目可用的考场类型"
        ok = False
    elif capacity <= 0:
        message = f"“{room_name}”没有可用座位" + ("或考试用计算机" if kind == "theory" else "")
        ok = False
    elif kind == "theory" and not one_per_desk:
        message = f"“{room_name}”未申报单人单桌，不能用于理论考试"
        ok = False
    else:
        message, ok = f"“{room_name}”可容纳{capacity}人", True
    facts = {"kind": kind, "room_kind": room_kind, "capacity": capacity, "one_per_desk": one_per_desk}
    return Check("EVL-1", ok, message, facts, "001 第十七条（一）", True)


def check_capacity(*, taken: int, adding: int, capacity: int, room_name: str) -> Check:
    """EVL-1: a sitting never seats more candidates than its room's capacity."""
    ok = taken + adding <= capacity
    message = (
        f"“{room_name}”已安排{taken}人，可再安排{capacity - taken}人"
        if ok
        else f"“{room_name}”容量{capacity}人，已安排{taken}人，不能再安排{adding}人"
    )
    return Check(
        "EVL-1",
        ok,
        message,
        {"taken": taken, "adding": adding, "capacity": capacity},
        "001 第十七条（一）",
        True,
    )


@dataclass(frozen=True)
class RoomsFacts:
    """What room preparation has done: candidates admitted and seated per kind, sittings without a
    proctor."""

    approved: int
    theory_needed: int  # approved candidates not exempt from theory (EVL-8 routes)
    theory_seated: int
    practical_seated: int
    review_required: bool
    review_seated: int
    sittings_without_proctor: tuple[str, ...]


def check_rooms_ready(f: RoomsFacts) -> Check:
    """EVL-5: paper generation starts when every admitted candidate has a seat in each part they sit
    and every sitting has its proctor."""
    missing: list[str] = []
    if f.theory_seated < f.theory_needed:
        missing.append(f"理论知识考试尚有{f.theory_needed - f.theory_seated}人未安排座位")
    if f.practical_seated < f.approved:
        missing.append(f"技能操作考核尚有{f.approved - f.practical_seated}人未安排")
    if f.review_required and f.review_seated < f.approved:
        missing.append(f"综合评审尚有{f.approved - f.review_seated}人未安排")
    if f.sittings_without_proctor:
        missing.append("、".join(f.sittings_without_proctor) + "未指定监考（考务）人员")
    ok = f.approved > 0 and not missing
    if f.approved == 0:
        missing.insert(0, "没有审核通过的考生")
    message = "考场编排完成：全部考生已安排座位，各场次已指定监考人员" if ok else "；".join(missing)
    facts = {
        "approved": f.approved,
        "theory_needed": f.theory_needed,
        "theory_seated": f.theory_seated,
        "practical_seated": f.practical_seated,
        "review_required": f.review_required,
        "review_seated": f.review_seated,
        "sittings_without_proctor": list(f.sittings_without_proctor),
    }
    return Check("EVL-5", ok, message, facts, SOURCE_EVL5, True)

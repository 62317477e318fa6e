"""Rules of exam sites (EVL-1, EVL-9; seed 000 Art. 11(1), 18; seed 001 Art. 17(1), 24, 30(12))."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peiyu.core.checks import Check

from .scores import review_required_for

SOURCE_EVL9 = "001 第二十四条；000 第十八条"


def check_site_usable(
    *, site_status: str, site_institution_id: int, institution_id: int, site_name: str = ""
) -> Check:
    """Only an accepted site of the institution itself may host its session: no unreported, returned,
    withdrawn or borrowed site (EVL-1, EVL-9)."""
    own = site_institution_id == institution_id
    accepted = site_status == "accepted"
    name = f"“{site_name}”" if site_name else "该站点"
    if not own:
        message = f"{name}不是本机构报送的考核站点，不得借用（EVL-9）"
    elif not accepted:
        message = f"{name}尚未经人社部门受理（或已撤销），不得使用未报备的站点（EVL-9）"
    else:
        message = f"{name}已报人社部门受理"
    return Check(
        "EVL-9",
        own and accepted,
        message,
        {"site_status": site_status, "own_site": own},
        source=SOURCE_EVL9,
        blocking=True,
    )


# --- reporting a site (EVL-1) ------------------------------------------------------------------------------

SOURCE_EVL1 = "001 第十七条（一）；000 第十一条（一）"
SOURCE_EVL1_REPORT = "000 第十一条（一）；001 第三十条（十二）"


@dataclass(frozen=True)
class RoomFacts:
    """A room as the reporting checks read it."""

    kind: str  # theory, practical, defence
    name: str
    seats: int = 0
    one_per_desk: bool = False
    desk_spacing_cm: int = 0
    equipment: str = ""
    video_monitoring: bool = False
    is_active: bool = True


def defence_required(held_levels: Iterable[str], order: Sequence[str], from_level: str | None) -> bool:
    """A defence (comprehensive review) room is needed when the institution evaluates a level at or above
    `from_level` of the profile's `order` (lowest first, e.g. 五级…一级); a profile without the parameter
    (DTE) asks for none (EVL-1, EVL-7)."""
    return any(review_required_for(level, from_level=from_level, ladder=list(order)) for level in held_levels)


def _active(rooms: Iterable[RoomFacts], kind: str) -> list[RoomFacts]:
    return [r for r in rooms if r.is_active and r.kind == kind]


def check_theory_rooms(rooms: Sequence[RoomFacts], *, spacing_min_cm: int) -> Check:
    """At least one theory room; every theory room one candidate per desk, desks at least the profile's
    `desk_spacing_min_cm` apart, with its seats declared (001 Art. 17(1))."""
    theory = _active(rooms, "theory")
    if not theory:
        return Check(
            "EVL-1", False, "未设理论知识考场", {"theory_rooms": 0}, source=SOURCE_EVL1, blocking=True
        )
    problems = []
    for r in theory:
        if r.seats <= 0:
            problems.append(f"“{r.name}”未填写座位数")
        if not r.one_per_desk:
            problems.append(f"“{r.name}”未做到一人一桌")
        if r.desk_spacing_cm < spacing_min_cm:
            problems.append(f"“{r.name}”桌距{r.desk_spacing_cm}厘米，不足{spacing_min_cm}厘米")
    ok = not problems
    message = (
        "；".join(problems)
        if problems
        else f"理论知识考场{len(theory)}间，一人一桌，桌距不小于{spacing_min_cm}厘米"
    )
    return Check(
        "EVL-1",
        ok,
        message,
        {"theory_rooms": len(theory), "desk_spacing_min_cm": spacing_min_cm,
         "spacings": [r.desk_spacing_cm for r in theory]},
        source=SOURCE_EVL1,
        blocking=True,
    )  # fmt: skip


def check_practical_rooms(rooms: Sequence[RoomFacts]) -> Check:
    """At least one practical room, each with its equipment, tools and materials declared."""
    practical = _active(rooms, "practical")
    if not practical:
        return Check(
            "EVL-1", False, "未设技能操作考场", {"practical_rooms": 0}, source=SOURCE_EVL1, blocking=True
        )
    bare = [r.name for r in practical if not r.equipment.strip()]
    ok = not bare
    message = (
        f"技能操作考场{len(practical)}间，已列明设备设施、工卡量具和材料"
        if ok
        else "技能操作考场未列明设备设施、工卡量具和材料：" + "、".join(f"“{n}”" for n in bare)
    )
    return Check("EVL-1", ok, message, {"practical_rooms": len(practical), "without_equipment": bare},
                 source=SOURCE_EVL1, blocking=True)  # fmt: skip


def check_defence_room(rooms: Sequence[RoomFacts], *, required: bool, from_level: str | None) -> Check:
    """A defence or comprehensive-review room where the institution evaluates `from_level` and above."""
    count = len(_active(rooms, "defence"))
    if not required:
        message = "本机构未开展需综合评审等级的评价，无需设综合评审（答辩）室"
        return Check("EVL-1", True, message, {"required": False, "defence_rooms": count}, source=SOURCE_EVL1)
    ok = count > 0
    message = (
        f"已设综合评审（答辩）室{count}间"
        if ok
        else f"本机构开展{from_level}及以上等级的评价，须设论文答辩或综合评审考场"
    )
    return Check("EVL-1", ok, message, {"required": True, "from_level": from_level, "defence_rooms": count},
                 source=SOURCE_EVL1, blocking=True)  # fmt: skip


def check_video(*, monitoring: bool, recording: bool, rooms: Sequence[RoomFacts]) -> Check:
    """Every room under video monitoring, with recording kept."""
    unwatched = [r.name for r in rooms if r.is_active and not r.video_monitoring]
    problems = []
    if not monitoring:
        problems.append("站点未配备全程视频监控")
    if not recording:
        problems.append("监控未配备录像保存功能")
    if unwatched:
        problems.append("以下考场未安装视频监控：" + "、".join(f"“{n}”" for n in unwatched))
    ok = not problems
    message = "所有考场安装视频监控并保存录像" if ok else "；".join(problems)
    return Check("EVL-1", ok, message, {"monitoring": monitoring, "recording": recording, "unwatched": unwatched},
                 source=SOURCE_EVL1, blocking=True)  # fmt: skip


def check_photos(count: int) -> Check:
    """Photos of the site go with the report, so the bureau sees what it accepts."""
    ok = count > 0
    message = f"已上传现场照片{count}张" if ok else "请上传考点、考场的现场照片后再报送"
    return Check("EVL-1", ok, message, {"photos": count}, source=SOURCE_EVL1_REPORT, blocking=True)


def site_report_checks(
    *,
    rooms: Sequence[RoomFacts],
    monitoring: bool,
    recording: bool,
    photos: int,
    spacing_min_cm: int,
    defence_needed: bool,
    from_level: str | None,
) -> list[Check]:
    """Every check reporting a site runs (EVL-1)."""
    return [
        check_theory_rooms(rooms, spacing_min_cm=spacing_min_cm),
        check_practical_rooms(rooms),
        check_defence_room(rooms, required=defence_needed, from_level=from_level),
        check_video(monitoring=monitoring, recording=recording, rooms=rooms),
        check_photos(photos),
    ]

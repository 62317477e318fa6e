"""The pure rules of sites (EVL-1), the training conflict (EVL-9) and archive retention (EVL-10), each at
its boundary with plain values."""

from __future__ import annotations

import datetime as dt

from peiyu.exams.rules import archives as ar
from peiyu.exams.rules.affiliates import TrainingListingFacts, check_training_conflict
from peiyu.exams.rules.sites import RoomFacts, defence_required, site_report_checks

LADDER = ["五级", "四级", "三级", "二级", "一级"]
THEORY = RoomFacts("theory", "理论一", seats=30, one_per_desk=True, desk_spacing_cm=80, video_monitoring=True)
PRACTICAL = RoomFacts("practical", "实操一", seats=10, equipment="配电柜", video_monitoring=True)
DEFENCE = RoomFacts("defence", "答辩室", seats=6, video_monitoring=True)


def _checks(rooms, *, defence=False, photos=1, monitoring=True, recording=True, spacing=80):
    return site_report_checks(rooms=rooms, monitoring=monitoring, recording=recording, photos=photos,
                              spacing_min_cm=spacing, defence_needed=defence, from_level="二级")  # fmt: skip


def _failed(checks):
    return [c for c in checks if not c.ok]


def test_a_complete_site_passes_every_check_and_each_cites_evl1_with_its_article():
    checks = _checks([THEORY, PRACTICAL])
    assert not _failed(checks)
    assert {c.rule for c in checks} == {"EVL-1"} and all("第" in c.source for c in checks)


def test_desks_79_cm_apart_fail_and_80_pass_from_the_profile_value():
    narrow = RoomFacts(
        "theory", "理论二", seats=30, one_per_desk=True, desk_spacing_cm=79, video_monitoring=True
    )
    failed = _failed(_checks([narrow, PRACTICAL]))
    assert len(failed) == 1 and "79" in failed[0].message and "80" in failed[0].message and failed[0].blocking
    assert not _failed(_checks([narrow, PRACTICAL], spacing=79))


def test_two_candidates_per_desk_or_no_seats_fail():
    shared = RoomFacts(
        "theory", "理论三", seats=30, one_per_desk=False, desk_spacing_cm=90, video_monitoring=True
    )
    assert "一人一桌" in _failed(_checks([shared, PRACTICAL]))[0].message
    assert _failed(_checks([PRACTICAL]))[0].facts["theory_rooms"] == 0


def test_a_practical_room_without_equipment_fails():
    bare = RoomFacts("practical", "实操二", seats=10, video_monitoring=True)
    assert "设备" in _failed(_checks([THEORY, bare]))[0].message


def test_a_defence_room_is_needed_only_from_the_profile_level():
    assert defence_required(["四级", "二级"], LADDER, "二级")
    assert not defence_required(["五级", "三级"], LADDER, "二级")
    assert not defence_required(["初级", "中级"], ["初级", "中级", "高级"], None)
    assert _failed(_checks([THEORY, PRACTICAL], defence=True))[0].facts["required"]
    assert not _failed(_checks([THEORY, PRACTICAL, DEFENCE], defence=True))


def test_video_without_recording_or_an_unwatched_room_fails():
    assert "录像" in _failed(_checks([THEORY, PRACTICAL], recording=False))[0].message
    dark = RoomFacts("practical", "实操三", seats=5, equipment="车床", video_monitoring=False)
    assert "实操三" in _failed(_checks([THEORY, dark]))[0].message


def test_a_site_without_photos_cannot_be_reported():
    assert _failed(_checks([THEORY, PRACTICAL], photos=0))[0].facts == {"photos": 0}


def test_an_affiliate_training_the_evaluated_occupation_is_a_conflict_naming_both_listings():
    evaluated = {"6-31-01-03": ["LE-1"]}
    training = [
        TrainingListingFacts("分校", 7, "LT-9", "6-31-01-03", "电工"),
        TrainingListingFacts("分校", 7, "LT-10", "6-18-01-01", "车工"),
    ]
    c = check_training_conflict("分校", affiliate_id=7, evaluated=evaluated, training=training)
    assert not c.ok and c.rule == "EVL-9" and c.facts["listings"] == ["LT-9"]
    assert "LE-1" in c.message and "000 第十八条" in c.source and "001 第二十四条" in c.source
    assert check_training_conflict("本机构", affiliate_id=None, evaluated=evaluated, training=training).ok


def test_retention_scans_of_key_records_are_permanent_and_paper_and_electronic_follow_the_profile():
    day = dt.date(2026, 3, 2)
    kw = {"filed_on": day, "paper_years": 3, "electronic_years": 5}
    assert ar.retention(kind="sign_in_sheet", medium="scan", **kw) == (None, True)
    assert ar.retention(kind="sign_in_sheet", medium="paper", **kw) == (dt.date(2029, 3, 2), False)
    assert ar.retention(kind="paper", medium="scan", **kw) == (dt.date(2031, 3, 2), False)
    assert ar.retention(kind="other", medium="electronic", filed_on=day, paper_years=None, electronic_years=None) == (
        None, False)  # fmt: skip
    assert ar.add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


def test_disposal_is_refused_on_and_before_the_last_day_and_permitted_after():
    end = dt.date(2029, 3, 2)
    assert not ar.check_disposal(retain_until=end, permanent=False, today=end).ok
    assert ar.check_disposal(retain_until=end, permanent=False, today=end + dt.timedelta(days=1)).ok
    refused = ar.check_disposal(retain_until=None, permanent=True, today=end)
    assert not refused.ok and refused.rule == "EVL-10" and refused.source == "001 第二十二条"
    assert not ar.check_disposal(retain_until=None, permanent=False, today=end).ok

"""The pure rules of registration (EVL-8, EVL-5, ACT-6; 001 Art. 23; 003 §4(4)): each requirement of an
application condition and its boundary, which alternative holds or why none does, each Art. 23 route,
the window, the capacity, the commitment, the employer's workforce and the DTE certificate."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.exams.rules import registrations as rr
from peiyu.exams.rules.conditions import Alternative, conditions_check, evaluate, full_years

ON = dt.date(2026, 3, 2)
FOUR = [
    Alternative(1, "取得五级证书后累计从事本职业工作满4年", {"lower_level": "五级", "years_since_lower": 4}),
    Alternative(2, "累计从事本职业工作满6年", {"years_in_trade": 6}),
    Alternative(3, "技工学校本专业毕业", {"education_in": ["技工学校", "技师学院"], "related_major": True}),
]
BRIDGING = {"初级": "三级", "中级": "二级", "副高级": "一级", "正高级": "一级"}


def _check(facts: dict, alternatives=FOUR, level="四级", programme="skill"):
    return conditions_check(alternatives, facts, programme=programme, level=level, on=ON)


def test_years_in_trade_holds_at_the_boundary_and_not_below():
    assert _check({"years_in_trade": 6}).ok
    below = _check({"years_in_trade": 5.9})
    assert not below.ok and "尚差0.1年" in below.message and below.rule == "EVL-8"


def test_years_since_the_lower_level_count_whole_years_to_the_anniversary():
    assert _check({"lower_level": "五级", "lower_level_on": "2022-03-02"}).facts["holds"] == 1
    day_short = _check({"lower_level": "五级", "lower_level_on": "2022-03-03"})
    assert not day_short.ok and "取得证书3年，不满4年" in day_short.message
    assert full_years(dt.date(2020, 2, 29), dt.date(2024, 2, 28)) == 3
    assert full_years(dt.date(2020, 2, 29), dt.date(2025, 3, 1)) == 5


def test_a_higher_level_held_satisfies_a_lower_level_requirement_but_a_lower_one_does_not():
    assert _check({"lower_level": "四级", "lower_level_on": "2020-01-01"}, level="三级",
                  alternatives=[Alternative(1, "x", {"lower_level": "五级", "years_since_lower": 4})]).ok  # fmt: skip
    refused = _check({"lower_level": "五级", "lower_level_on": "2010-01-01"}, level="二级",
                     alternatives=[Alternative(1, "x", {"lower_level": "三级", "years_since_lower": 4})])  # fmt: skip
    assert not refused.ok and "须取得三级及以上证书" in refused.message


def test_education_alternative_needs_the_listed_school_and_a_related_major():
    assert _check({"education": "技工学校", "related_major": True}).facts["holds"] == 3
    unrelated = _check({"education": "技工学校", "related_major": False})
    assert not unrelated.ok and "所学专业须为本专业或相关专业" in unrelated.message
    assert not _check({"education": "高中", "related_major": True}).ok


def test_minimum_education_is_ranked():
    alt = [Alternative(1, "大专及以上", {"education": "大专", "related_major": True})]
    assert _check({"education": "本科", "related_major": True}, alternatives=alt).ok
    assert not _check({"education": "中专（中职）", "related_major": True}, alternatives=alt).ok


def test_no_alternative_holding_names_every_alternative_and_why():
    check = _check({"years_in_trade": 2})
    assert not check.ok
    assert "第1条" in check.message and "第2条" in check.message and "第3条" in check.message
    assert [a["ok"] for a in check.facts["alternatives"]] == [False, False, False]


def test_a_level_without_conditions_cannot_be_reviewed():
    check = _check({"years_in_trade": 30}, alternatives=[])
    assert not check.ok and "尚未维护" in check.message


def test_a_future_certificate_date_is_refused():
    check = evaluate(
        FOUR[0], {"lower_level": "五级", "lower_level_on": "2027-01-01"}, programme="skill", on=ON
    )
    assert not check.ok and "晚于今天" in "".join(check.unmet)


def test_dte_alternatives_need_the_training_certificate_and_cite_003():
    alt = [
        Alternative(
            1, "本科+培训证书", {"education": "本科", "related_major": True, "training_certificate": True}
        )
    ]
    without = _check(
        {"education": "本科", "related_major": True}, alternatives=alt, level="初级", programme="dte"
    )
    assert not without.ok and without.source == "003 四（四）"
    assert _check({"education": "本科", "related_major": True, "training_certificate": True}, alternatives=alt,
                  level="初级", programme="dte").ok  # fmt: skip


# --- routes of 001 Art. 23 -----------------------------------------------------------------------------


def _route(
    route: str, facts: dict, level: str = "三级", programme: str = "skill", justification: str = "依据说明"
):
    return rr.route_check(route, facts, programme=programme, level=level, justification=justification,
                          bridging_levels=BRIDGING)  # fmt: skip


def test_bridging_lets_a_title_holder_apply_up_to_the_schemes_level():
    ok = _route(rr.BRIDGING, {"title": "中级"}, level="二级")
    assert ok.ok and ok.source == "001 第二十三条（一）"
    too_high = _route(rr.BRIDGING, {"title": "初级"}, level="二级")
    assert not too_high.ok and "最高可申报三级" in too_high.message
    assert not _route(rr.BRIDGING, {}, level="四级").ok


def test_theory_exemption_needs_a_related_degree():
    assert _route(rr.THEORY_EXEMPT_DEGREE, {"title": "中级", "education": "本科", "related_major": True}).ok
    refused = _route(rr.THEORY_EXEMPT_DEGREE, {"title": "中级", "education": "本科"})
    assert not refused.ok and "相关专业毕业证书" in refused.message


def test_senior_title_goes_directly_to_senior_technician_only():
    assert _route(rr.SENIOR_TITLE, {"title": "正高级"}, level="一级").ok
    assert not _route(rr.SENIOR_TITLE, {"title": "正高级"}, level="二级").ok
    assert not _route(rr.SENIOR_TITLE, {"title": "副高级"}, level="一级").ok


def test_competition_route_needs_the_approved_document_and_the_award():
    ok = _route(
        rr.COMPETITION,
        {"competition": "成都市电工技能竞赛三等奖", "competition_document": "成人社发〔2025〕12号"},
    )
    assert ok.ok and ok.source == "001 第二十三条（二）"
    assert not _route(rr.COMPETITION, {"competition": "三等奖"}).ok


@pytest.mark.parametrize("route", [rr.BRIDGING, rr.SENIOR_TITLE, rr.COMPETITION])
def test_every_route_needs_a_written_justification(route):
    facts = {"title": "正高级", "competition": "奖", "competition_document": "文号"}
    check = _route(route, facts, level="一级", justification="  ")
    assert not check.ok and "依据说明" in check.message


def test_no_other_route_and_none_for_dte():
    assert not _route("leapfrog", {"title": "正高级"}).ok
    dte = _route(rr.BRIDGING, {"title": "中级"}, level="初级", programme="dte")
    assert not dte.ok and dte.source == "003 四（四）"


def test_eligibility_is_the_route_when_chosen_else_the_conditions():
    failing = _check({"years_in_trade": 1})
    assert not rr.eligibility(failing, None).ok and rr.eligibility(failing, None).blocking
    route = _route(rr.BRIDGING, {"title": "中级"}, level="三级")
    assert rr.eligibility(failing, route).ok
    assert rr.eligibility(_check({"years_in_trade": 7}), None).ok


# --- window, capacity, commitment, workforce, certificate ------------------------------------------------


def test_window_from_opening_to_closing_day_in_the_registration_step():
    opens, closes = dt.date(2026, 3, 1), dt.date(2026, 3, 15)
    assert rr.window_check(status="registration", opens_on=opens, closes_on=closes, today=closes).ok
    after = rr.window_check(
        status="registration", opens_on=opens, closes_on=closes, today=closes + dt.timedelta(1)
    )
    assert not after.ok and after.rule == "EVL-5" and "已于2026-03-15截止" in after.message
    assert not rr.window_check(
        status="registration", opens_on=opens, closes_on=closes, today=dt.date(2026, 2, 28)
    ).ok
    assert not rr.window_check(status="eligibility", opens_on=opens, closes_on=closes, today=opens).ok


def test_capacity_counts_the_places_left():
    assert rr.capacity_check(capacity=40, taken=39).ok
    full = rr.capacity_check(capacity=40, taken=40)
    assert not full.ok and "剩余名额0个" in full.message
    assert not rr.capacity_check(capacity=40, taken=35, adding=6).ok
    assert rr.capacity_check(capacity=0, taken=500).ok


def test_commitment_must_be_signed():
    assert rr.commitment_check(signed=True).ok
    unsigned = rr.commitment_check(signed=False)
    assert not unsigned.ok and unsigned.source == "000 第十一条（三）"


def test_an_employer_registers_only_its_own_workforce():
    for kind in rr.WORKFORCE:
        assert rr.workforce_check(employer_type="employer", own_session=True, workforce=kind).ok
    public = rr.workforce_check(employer_type="employer", own_session=True, workforce="")
    assert not public.ok and public.rule == "ACT-6"
    assert not rr.workforce_check(
        employer_type="social_organisation", own_session=True, workforce="employee"
    ).ok
    assert not rr.workforce_check(employer_type="employer", own_session=False, workforce="employee").ok


def test_a_dte_certificate_must_be_valid_matching_and_from_a_completed_class():
    good = dict(status="valid", holder_matches=True, occupation_matches=True, level_matches=True,
                class_completed=True, institution_matches=True)  # fmt: skip
    assert rr.certificate_check(**good).ok
    for key, value, words in [("status", "revoked", "已撤销"), ("level_matches", False, "等级"),
                              ("class_completed", False, "尚未结业"), ("occupation_matches", False, "职业")]:  # fmt: skip
        check = rr.certificate_check(**(good | {key: value}))
        assert not check.ok and words in check.message and check.source == "003 四（四）"

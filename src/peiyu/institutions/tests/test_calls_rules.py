"""The pure checks of a call (rules.calls): who publishes under a profile, which pre-filled items a call
may change, what publishing needs, and whether a call accepts an application today — each citing the
rule id it is given."""

from __future__ import annotations

import datetime as dt

from peiyu.institutions.rules import calls as rules

D = dt.date


def test_a_body_the_profile_does_not_name_may_not_publish():
    check = rules.check_issuer(
        org_kind="hrss_city",
        org_label="市（州）级人社部门",
        issuers=["hrss_province"],
        issuer_labels="省级人社部门",
        rule="SEL-9",
    )
    assert (check.ok, check.rule, check.blocking) == (False, "SEL-9", True)
    assert "省级人社部门" in check.message and "市（州）级人社部门" in check.message
    assert rules.check_issuer(
        org_kind="hrss_province",
        org_label="省级人社部门",
        issuers=["hrss_province"],
        issuer_labels="",
        rule="SEL-9",
    ).ok


def test_a_call_stays_inside_its_profiles_region():
    assert rules.check_region_scope(
        region_code="210100", profile_region="210000", profile_title="辽宁", rule="SEL-9"
    ).ok
    outside = rules.check_region_scope(
        region_code="420000", profile_region="210000", profile_title="辽宁", rule="SEL-9"
    )
    assert not outside.ok and "辽宁" in outside.message
    assert not rules.check_region_scope(
        region_code="", profile_region="210000", profile_title="辽宁", rule="SEL-9"
    ).ok
    assert rules.check_region_scope(region_code="", profile_region="", profile_title="全国", rule="SEL-7").ok


def test_a_prefilled_item_changes_only_where_the_profile_allows():
    profile = {
        "default": 2,
        "overrides": {"210100": 5},
        "step": "city_recommendation",
        "counts": "applications",
    }
    same = rules.check_prefilled(
        item="quota_training", label="培训机构申报数量", value=dict(profile), profile_value=profile,
        editable=[], rule="SEL-6", shown="默认 2，沈阳市 5",
    )  # fmt: skip
    assert same.ok and "一致" in same.message
    changed = {**profile, "default": 3}
    refused = rules.check_prefilled(
        item="quota_training", label="培训机构申报数量", value=changed, profile_value=profile,
        editable=["quota_evaluation"], rule="SEL-6", shown="默认 2，沈阳市 5",
    )  # fmt: skip
    assert (refused.ok, refused.rule, refused.blocking) == (False, "SEL-6", True)
    assert "不可在申报通知中调整" in refused.message and "默认 2，沈阳市 5" in refused.message
    allowed = rules.check_prefilled(
        item="quota_training", label="培训机构申报数量", value=changed, profile_value=profile,
        editable=["quota_training"], rule="SEL-6", shown="",
    )  # fmt: skip
    assert allowed.ok and "调整" in allowed.message
    cutoff = rules.check_prefilled(
        item="founded_on_or_before", label="成立日期不晚于", value=None, profile_value="2018-12-31",
        editable=[], rule="SEL-3", shown="2018-12-31",
    )  # fmt: skip
    assert not cutoff.ok and cutoff.rule == "SEL-3"


def test_the_order_of_excluded_occupations_is_no_change():
    check = rules.check_prefilled(
        item="evaluation_excluded_occupations", label="x", value=["b", "a"], profile_value=["a", "b"],
        editable=[], rule="SEL-6", shown="",
    )  # fmt: skip
    assert check.ok


def test_publishing_needs_a_deadline_ahead_and_a_complete_call():
    assert not rules.check_dates(
        opens_on=D(2026, 11, 1), deadline=D(2026, 11, 30), today=D(2026, 12, 1), rule="SEL-6"
    ).ok
    assert not rules.check_dates(
        opens_on=D(2026, 11, 10), deadline=D(2026, 11, 1), today=D(2026, 11, 1), rule="SEL-6"
    ).ok
    assert rules.check_dates(
        opens_on=D(2026, 11, 1), deadline=D(2026, 11, 30), today=D(2026, 11, 30), rule="SEL-6"
    ).ok
    incomplete = rules.check_content(
        title="", kinds=["training"], occupation_codes=[], levels=["初级"], rule="SEL-9"
    )
    assert not incomplete.ok and "标题" in incomplete.message and "职业（工种）" in incomplete.message
    assert incomplete.facts["missing"] == ["标题", "职业（工种）"]
    routes = rules.check_routes(
        kinds=["training", "evaluation"],
        routed=["training"],
        kind_labels={"evaluation": "评价机构"},
        rule="SEL-9",
    )
    assert not routes.ok and "评价机构" in routes.message
    assert not rules.check_publicity_days(days=None, rule="SEL-10").ok
    assert rules.check_publicity_days(days=5, rule="SEL-7").ok


def test_an_application_is_made_only_to_a_published_call_in_its_period():
    period = {"opens_on": D(2026, 11, 1), "deadline": D(2026, 11, 30)}
    ok = rules.check_call_accepts(status="published", status_label="已发布", today=D(2026, 11, 15), **period)
    assert ok.ok and ok.rule == "SEL-6"
    draft = rules.check_call_accepts(status="draft", status_label="草稿", today=D(2026, 11, 15), **period)
    assert not draft.ok and "尚未发布" in draft.message and draft.blocking
    closed = rules.check_call_accepts(status="closed", status_label="已截止", today=D(2026, 11, 15), **period)
    assert not closed.ok and "已截止" in closed.message and "不再受理" in closed.message
    late = rules.check_call_accepts(status="published", status_label="已发布", today=D(2026, 12, 1), **period)
    assert not late.ok and "2026-11-30" in late.message
    early = rules.check_call_accepts(
        status="published", status_label="已发布", today=D(2026, 10, 1), **period
    )
    assert not early.ok and "尚未开始" in early.message


def test_prefilled_items_read_from_a_profile():
    class Profile(dict):
        def get(self, name, default=None):
            return super().get(name, default)

    profile = Profile(
        quota_training={"default": 2, "overrides": {}, "step": "s", "counts": ""},
        evaluation_excluded_occupations=["x"],
        founded_on_or_before=D(2018, 12, 31),
        publicity_working_days=5,
    )
    fields = rules.prefilled_fields(profile)
    assert fields["quota_table"] == {"quota_training": profile["quota_training"]}
    assert fields["excluded_occupations"] == {"evaluation": ["x"]}
    items = rules.item_values(fields)
    assert items["founded_on_or_before"] == "2018-12-31" and items["publicity_working_days"] == 5
    assert (
        rules.shown_value({"default": 1, "overrides": {"210100": 2}}, {"210100": "沈阳市"})
        == "默认 1，沈阳市 2"
    )
    assert rules.shown_value(None) == "（未设定）"


def test_a_call_closed_before_its_deadline_says_it_stopped_early_not_that_it_has_not_opened():
    from peiyu.institutions.rules.eligibility import check_deadline

    check = check_deadline(
        today=dt.date(2026, 10, 1),
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 10, 31),
        published=False,
        closed=True,
    )
    assert not check.ok and check.rule == "SEL-6"
    assert "提前结束受理" in check.message and "尚未开始" not in check.message

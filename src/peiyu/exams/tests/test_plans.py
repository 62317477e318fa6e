"""The annual evaluation plan (EVL-4): lines only from the institution's active evaluation entries (DIR-1),
publication refused — and the refusal stored — for missing times, places, conditions or fees (EVL-4), a
line outside the entries (DIR-1) or a prohibited claim (TRN-9, training's rules); published plans public
with filters; withdrawal with a reason; scoping; the pages and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peiyu.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, RuleViolation
from peiyu.core.models import Decision
from peiyu.exams.models import EvaluationPlan
from peiyu.exams.selectors import plans as sel
from peiyu.exams.selectors.actions import plan_allowed_actions
from peiyu.exams.services import plans as svc

P = EvaluationPlan.Status
LINE = {"occupation_code": "6-31-01-03", "level": "四级", "times": "每年3月、9月", "place": "成都市武侯区科华北路1号",
        "conditions": "累计从事本职业工作4年以上", "fee": "300", "sessions_planned": "2"}  # fmt: skip


def _data(**over):
    return {"year": 2026, "title": "2026年度职业技能等级认定工作计划", "notes": "全年组织四批", "entries": [dict(LINE)],
            **over}  # fmt: skip


def _plan(exams, **over):
    return svc.plan_create(
        actor=exams.users["cd_exam_admin"], institution=exams.orgs["cd_social1"], data=_data(**over)
    )


def test_a_plan_is_drafted_with_its_lines_named_from_the_entries(exams):
    plan = _plan(exams)
    assert plan.status == P.DRAFT and plan.region_code == "510107"
    line = plan.entries.get()
    assert line.occupation_name == "电工" and line.fee == 300 and line.sessions_planned == 2


def test_a_line_outside_the_institutions_entries_is_refused(exams):
    with pytest.raises(InvalidInput) as caught:
        _plan(exams, entries=[{**LINE, "level": "一级"}, {**LINE, "occupation_code": "6-18-01-01"}])
    assert set(caught.value.fields) == {"entries.1.occupation", "entries.2.occupation"}


def test_one_plan_a_year(exams):
    _plan(exams)
    with pytest.raises(Conflict):
        _plan(exams)


def test_publishing_checks_and_stores_the_decision(exams):
    plan = _plan(exams)
    svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == P.PUBLISHED and plan.published_at
    assert {"EVL-4", "DIR-1", "TRN-9"} <= set(plan.decision.rules) and plan.decision.policy_version


@pytest.mark.parametrize(
    ("line", "rule", "words"),
    [
        ({"fee": ""}, "EVL-4", "收费标准"),
        ({"conditions": ""}, "EVL-4", "报名条件"),
        ({"conditions": "保证通过，不过退费"}, "TRN-9", "报名条件"),
    ],
)
def test_publication_is_refused_with_the_rule_and_stored(exams, line, rule, words):
    plan = _plan(exams, entries=[{**LINE, **line}])
    with pytest.raises(RuleViolation) as caught:
        svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    assert caught.value.rules == [rule] and words in caught.value.message
    stored = Decision.objects.get(pk=caught.value.details["decision"])
    assert stored.outcome == "refused" and rule in stored.rules
    plan.refresh_from_db()
    assert plan.status == P.DRAFT


def test_a_claim_in_the_title_is_refused_with_trn9(exams):
    plan = _plan(exams, title="2026年度计划（包过）")
    with pytest.raises(RuleViolation) as caught:
        svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    assert caught.value.rules == ["TRN-9"]


def test_a_plan_without_lines_is_not_published(exams):
    plan = _plan(exams, entries=[])
    with pytest.raises(RuleViolation) as caught:
        svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    assert caught.value.rules == ["EVL-4"]


def test_an_entry_suspended_after_drafting_blocks_publication_with_dir1(exams):
    plan = _plan(exams)
    listing = exams.listings["cd_elec"]
    listing.status = "suspended"
    listing.save()
    with pytest.raises(RuleViolation) as caught:
        svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    assert caught.value.rules == ["DIR-1"]


def test_withdrawal_needs_a_reason_and_frees_the_year(exams):
    admin = exams.users["cd_exam_admin"]
    plan = _plan(exams)
    svc.plan_publish(actor=admin, plan=plan)
    with pytest.raises(InvalidInput):
        svc.plan_withdraw(actor=admin, plan=plan, reason="")
    svc.plan_withdraw(actor=admin, plan=plan, reason="调整评价职业")
    plan.refresh_from_db()
    assert plan.status == P.WITHDRAWN and plan.withdrawn_reason == "调整评价职业"
    assert _plan(exams).status == P.DRAFT
    with pytest.raises(InvalidTransition):
        svc.plan_publish(actor=admin, plan=plan)


def test_only_a_draft_is_edited(exams):
    admin = exams.users["cd_exam_admin"]
    plan = _plan(exams)
    svc.plan_update(
        actor=admin, plan=plan, data=_data(title="修订后的计划", entries=[LINE, {**LINE, "level": "三级"}])
    )
    assert plan.entries.count() == 2
    svc.plan_publish(actor=admin, plan=plan)
    with pytest.raises(InvalidTransition):
        svc.plan_update(actor=admin, plan=plan, data=_data())


def test_scoping_drafts_are_the_institutions_published_reach_the_region(exams):
    plan = _plan(exams)
    assert plan_allowed_actions(exams.users["cd_exam_admin"], plan) == ["publish", "withdraw"]
    assert plan_allowed_actions(exams.users["cd_official"], plan) == []
    with pytest.raises(NotFound):
        sel.plan_get_for(exams.users["cd_official"], plan.pk)
    svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    assert sel.plan_get_for(exams.users["cd_official"], plan.pk) == plan
    assert sel.plan_get_for(exams.users["wuhou_official"], plan.pk) == plan
    for outsider in ("hb_official", "sy_official", "cd_employer_exam"):
        with pytest.raises(NotFound):
            sel.plan_get_for(exams.users[outsider], plan.pk)


def test_the_public_list_filters_by_year_region_and_occupation(exams, client):
    plan = _plan(exams)
    svc.plan_publish(actor=exams.users["cd_exam_admin"], plan=plan)
    assert list(sel.plans_public_filtered(year="2026", region="510100", occupation="电工")) == [plan]
    assert not sel.plans_public_filtered(year="2025").exists()
    assert not sel.plans_public_filtered(region="420000").exists()
    assert not sel.plans_public_filtered(occupation="车工").exists()
    page = client.get(reverse("exam_public:plan_list"), {"occupation": "电工"})
    assert page.status_code == 200 and "电工" in page.content.decode() and plan.title in page.content.decode()
    assert client.get(reverse("exam_public:plan_detail", args=[plan.pk])).status_code == 200
    body = client.get("/api/v1/exams/public/plans", {"year": 2026}).json()
    assert body["count"] == 1 and body["items"][0]["entries"][0]["occupation_name"] == "电工"


def test_a_draft_is_not_public(exams, client):
    plan = _plan(exams)
    assert client.get(reverse("exam_public:plan_detail", args=[plan.pk])).status_code == 404
    assert client.get("/api/v1/exams/public/plans").json()["count"] == 0


def test_the_portal_home_links_the_plans(db, client):
    assert reverse("exam_public:plan_list") in client.get("/").content.decode()


# --- pages and API -----------------------------------------------------------------------------------------


def test_the_plan_form_keeps_what_was_typed_on_a_refusal(exams, login_as):
    c = login_as(exams.users["cd_exam_admin"])
    response = c.post(reverse("exams:plan_new"), {"year": "2026", "title": "", "notes": "方案",
                                                  "rows": "1", "entries-1-occupation": "6-31-01-03|一级",
                                                  "entries-1-times": "三月"})  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 400 and "请填写计划标题" in text and "三月" in text and "只能选择" in text


def test_the_plan_pages_create_publish_and_show_the_checks(exams, login_as):
    c = login_as(exams.users["cd_exam_admin"])
    response = c.post(reverse("exams:plan_new"), {
        "year": "2026", "title": "年度计划", "notes": "", "rows": "2", "entries-1-occupation": "6-31-01-03|四级",
        "entries-1-times": "三月", "entries-1-place": "武侯考点", "entries-1-conditions": "工作4年",
        "entries-1-fee": "300", "entries-1-sessions_planned": "1",
    })  # fmt: skip
    assert response.status_code == 302
    plan = EvaluationPlan.objects.get()
    page = c.get(reverse("exams:plan_detail", args=[plan.pk])).content.decode()
    assert "公布" in page and "修改" in page
    c.post(reverse("exams:plan_act", args=[plan.pk]), {"action": "publish"})
    page = c.get(reverse("exams:plan_detail", args=[plan.pk])).content.decode()
    assert "已公布" in page and "TRN-9" in page and "EVL-4" in page


def test_the_api_creates_publishes_and_refuses_with_rule_ids(exams, login_as):
    c = login_as(exams.users["cd_exam_admin"])
    created = c.post("/api/v1/exams/plans", {"year": 2026, "title": "年度计划", "entries": [
        {**LINE, "fee": "300", "conditions": "包就业"}]}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    assert created.json()["allowed_actions"] == ["publish", "withdraw"]
    refused = c.post(
        f"/api/v1/exams/plans/{pid}/actions", {"action": "publish"}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["rules"] == ["TRN-9"]
    detail = c.get(f"/api/v1/exams/plans/{pid}").json()
    assert detail["decisions"][0]["outcome"] == "refused"
    assert c.get("/api/v1/exams/plans").json()["count"] == 1
    other = login_as(exams.users["sy_official"])
    assert other.get(f"/api/v1/exams/plans/{pid}").status_code in (403, 404)

"""Pages and API of classes: the public announcement (TRN-3, TRN-10) of an announced class and a 404 for a
draft; the institution's list with "开班" per filed plan; the class page with the TRN-12 panel and the
actions of each user; decisions through the pages and the API; to-dos."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from peiyu.core.registry import todo_for
from peiyu.training.models import TrainingClass

from .classes_support import GOOD_CONDITIONS, class_data, fz_class, fz_filed_plan

pytestmark = pytest.mark.django_db
S = TrainingClass.Status


def test_the_public_page_shows_an_announced_class_with_fees_and_exam_conditions(training):
    klass = fz_class(training, announce=True)
    page = Client().get(reverse("announcement_detail", args=[klass.number]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (klass.title, "福州榕城职业培训学校", "电工", "五级", GOOD_CONDITIONS, "1200", "退费", "50"):
        assert text in html
    assert reverse("training:class_self_enrol", args=[klass.pk]) in html
    listing = Client().get(reverse("announcement_list")).content.decode()
    assert klass.title in listing


def test_the_public_page_404s_a_draft_and_a_cancelled_class(training):
    draft = fz_class(training)
    assert Client().get(reverse("announcement_detail", args=[draft.number])).status_code == 404
    assert Client().get(f"/api/v1/training/announcements/{draft.number}").status_code == 404
    gone = fz_class(training, plan=draft.plan, announce=True)
    from peiyu.training.services import classes as svc

    svc.class_cancel(actor=training.fz_inst_admin, klass=gone, reason="停办")
    assert Client().get(reverse("announcement_detail", args=[gone.number])).status_code == 404
    assert draft.title not in Client().get(reverse("announcement_list")).content.decode()


def test_the_public_api_lists_announcements_newest_first(training):
    first = fz_class(training, announce=True)
    second = fz_class(training, plan=first.plan, announce=True, title="电工（五级）第二期")
    fz_class(training, plan=first.plan)  # a draft stays out
    listed = Client().get("/api/v1/training/announcements").json()
    body = listed["items"]
    assert [a["number"] for a in body] == [second.number, first.number] and listed["count"] == 2
    assert body[0]["exam_conditions"] == GOOD_CONDITIONS and body[0]["fee"] in ("1200.00", 1200.0, "1200")


def test_the_institution_opens_a_class_from_its_filed_plan(training, login_as):
    plan = fz_filed_plan(training)
    c = login_as(training.fz_inst_admin)
    page = c.get(reverse("training:class_list"))
    assert page.status_code == 200 and reverse("training:class_new", args=[plan.pk]) in page.content.decode()
    form = c.get(reverse("training:class_new", args=[plan.pk]))
    assert form.status_code == 200 and "考核申报条件" in form.content.decode()
    resp = c.post(reverse("training:class_new", args=[plan.pk]), class_data(region="210102"))
    assert resp.status_code == 400 and "跨区域" in resp.content.decode()
    resp = c.post(reverse("training:class_new", args=[plan.pk]), class_data())
    klass = TrainingClass.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("training:class_detail", args=[klass.pk])
    detail = c.get(resp["Location"]).content.decode()
    assert "发布招生简章" in detail and "TRN-12" in detail and "培训计划申报（含承诺）" in detail
    assert c.get(reverse("training:class_edit", args=[klass.pk])).status_code == 200
    resp = c.post(reverse("training:class_edit", args=[klass.pk]), class_data(capacity=60))
    klass.refresh_from_db()
    assert resp.status_code == 302 and klass.capacity == 60


def test_announcing_a_claim_through_the_page_shows_the_rule_and_publishes_nothing(training, login_as):
    klass = fz_class(training, announcement="本班包过，不过退费。")
    c = login_as(training.fz_inst_admin)
    resp = c.post(reverse("training:class_announce", args=[klass.pk]), follow=True)
    html = resp.content.decode()
    assert "TRN-9" in html and "包过" in html
    klass.refresh_from_db()
    assert klass.status == S.DRAFT


def test_the_city_official_decides_the_opening_on_the_class_page(training, login_as):
    klass = fz_class(training, "qualification", announce=True)
    owner = login_as(training.fz_inst_admin)
    owner.post(reverse("training:class_request_opening", args=[klass.pk]))
    klass.refresh_from_db()
    assert klass.status == S.OPENING
    c = login_as(training.fz_official)
    assert "同意开班" in c.get(reverse("training:class_detail", args=[klass.pk])).content.decode()
    assert any(i.rule == "TRN-12" and i.kind == "class_opening" for i in todo_for(training.fz_official))
    c.post(reverse("training:class_decide_opening", args=[klass.pk]), {"decision": "approve", "note": "同意"})
    klass.refresh_from_db()
    assert klass.status == S.RUNNING
    again = c.post(
        reverse("training:class_decide_opening", args=[klass.pk]), {"decision": "approve"}, follow=True
    )
    assert "不能办理" in again.content.decode()


def test_another_citys_official_gets_404_on_the_page_and_the_decision(training, login_as):
    klass = fz_class(training, "qualification", announce=True)
    c = login_as(training.dl_official)
    assert c.get(reverse("training:class_detail", args=[klass.pk])).status_code == 404
    resp = c.post(reverse("training:class_decide_opening", args=[klass.pk]), {"decision": "approve"})
    assert resp.status_code == 404
    assert c.post(f"/api/v1/training/classes/{klass.pk}/opening/decide", json.dumps({"approve": True}),
                  content_type="application/json").status_code == 404  # fmt: skip


def test_the_api_creates_announces_and_reports_the_process(training, login_as):
    plan = fz_filed_plan(training, "qualification")
    c = login_as(training.fz_inst_admin)
    body = {**class_data(), "plan": plan.pk, "capacity": 40}
    resp = c.post("/api/v1/training/classes", json.dumps(body), content_type="application/json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["status"] == "draft" and data["process"][0]["key"] == "opening"
    bad = c.patch(
        f"/api/v1/training/classes/{data['id']}",
        json.dumps({**class_data(), "exam_conditions": ""}),
        content_type="application/json",
    )
    assert bad.status_code == 200
    refused = c.post(f"/api/v1/training/classes/{data['id']}/announce")
    assert refused.status_code == 400 and refused.json()["rules"] == ["TRN-3"]
    c.patch(
        f"/api/v1/training/classes/{data['id']}", json.dumps(class_data()), content_type="application/json"
    )
    ok = c.post(f"/api/v1/training/classes/{data['id']}/announce")
    assert ok.status_code == 200 and ok.json()["status"] == "announced"
    start = c.post(f"/api/v1/training/classes/{data['id']}/start")
    assert start.status_code == 400 and start.json()["rules"] == ["TRN-12"]
    assert c.get("/api/v1/training/classes").json()["items"][0]["number"] == data["number"]
    other = login_as(training.sy_inst_admin)
    assert other.get(f"/api/v1/training/classes/{data['id']}").status_code == 404


def test_the_institution_is_reminded_of_an_announced_class_past_its_start(training, time_machine):
    klass = fz_class(training, announce=True)
    assert not [i for i in todo_for(training.fz_inst_admin) if i.kind == "class_start"]
    time_machine.move_to("2026-04-12 09:00 +08:00", tick=False)
    items = [i for i in todo_for(training.fz_inst_admin) if i.kind == "class_start"]
    assert len(items) == 1 and items[0].overdue and klass.title in items[0].title


def test_the_nav_entry_is_registered_for_managers_and_supervisors():
    from peiyu.core.registry import nav_items

    item = next(i for i in nav_items() if i.key == "training_classes")
    assert (item.url_name, item.capability, item.order) == (
        "training:class_list",
        "training.manage|training.supervise",
        310,
    )

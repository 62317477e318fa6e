"""Pages and API of sites, affiliates and archives, through the same services: forms that keep what was
typed with Chinese field errors, buttons from allowed_actions, a refused report shown with its rule, the
API's {items, count}, 400 with rule ids, 404 for another city's official, the to-do lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.core.registry import todo_for
from peiyu.exams.models import ExamSite
from peiyu.exams.services import sites as svc

from . import factories
from .sites_support import JPEG, PDF, SITE, THEORY, draft, reported

API = "/api/v1/exams"


@pytest.fixture
def admin(exams, login_as):
    return login_as(exams.users["cd_exam_admin"])


@pytest.fixture
def official(exams, login_as):
    return login_as(exams.users["wuhou_official"])


def test_the_new_site_form_keeps_what_was_typed_and_names_each_error(exams, admin):
    r = admin.post(
        "/exams/sites/new/", {"name": "", "address": "成都市高新区天府大道", "video_retention_days": "abc"}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "成都市高新区天府大道" in html and "请填写站点名称" in html and "录像保存天数" in html
    r = admin.post(
        "/exams/sites/new/", {**SITE, "video_monitoring": "on", "video_recording": "on", "region": "510107"}
    )
    assert r.status_code == 302 and ExamSite.objects.filter(name="武侯考点").exists()


def test_a_refused_report_shows_on_the_page_with_its_rule_and_the_room_form_keeps_input(exams, admin):
    site = draft(exams, rooms_=(), photo=False)
    r = admin.post(f"/exams/sites/{site.pk}/act/", {"action": "report"})
    assert r.status_code == 400 and "EVL-1" in r.content.decode() and "未设理论知识考场" in r.content.decode()
    r = admin.post(
        f"/exams/sites/{site.pk}/rooms/",
        {"kind": "theory", "name": "", "seats": "三十", "desk_spacing_cm": "85"},
    )
    assert (
        r.status_code == 400 and 'value="85"' in r.content.decode() and "请填写考场名称" in r.content.decode()
    )


def test_the_official_sees_accept_and_return_buttons_and_returns_with_a_reason(exams, official, admin):
    site = reported(exams)
    html = official.get(f"/exams/sites/{site.pk}/").content.decode()
    assert "受理" in html and "退回" in html and 'name="action" value="accept"' in html
    assert 'value="report"' not in html
    r = official.post(f"/exams/sites/{site.pk}/act/", {"action": "return", "reason": ""})
    assert r.status_code == 400 and "请填写退回原因" in r.content.decode()
    r = official.post(f"/exams/sites/{site.pk}/act/", {"action": "return", "reason": "答辩室照片缺失"})
    assert r.status_code == 302
    assert "答辩室照片缺失" in admin.get(f"/exams/sites/{site.pk}/").content.decode()
    photo = site.photos.first()
    assert admin.get(f"/exams/sites/{site.pk}/photos/{photo.pk}/").status_code == 200


def test_another_citys_official_gets_404_on_pages_and_api(exams, login_as):
    site = reported(exams)
    other = login_as(exams.users["sy_official"])
    assert other.get(f"/exams/sites/{site.pk}/").status_code == 404
    assert other.post(f"/exams/sites/{site.pk}/act/", {"action": "accept"}).status_code == 404
    assert other.get(f"{API}/sites/{site.pk}").status_code == 404
    assert other.get(f"{API}/sites").json() == {"items": [], "count": 0}


def test_the_api_creates_reports_and_accepts_a_site_with_rule_ids_on_refusal(exams, admin, official):
    body = {k: v for k, v in SITE.items() if k != "video_retention_days"} | {"video_retention_days": 90}
    r = admin.post(f"{API}/sites", body, content_type="application/json")
    assert r.status_code == 201, r.content
    site_id = r.json()["id"]
    refused = admin.post(
        f"{API}/sites/{site_id}/actions", {"action": "report"}, content_type="application/json"
    )
    assert (
        refused.status_code == 400
        and "EVL-1" in refused.json()["rules"]
        and refused.json()["details"]["checks"]
    )
    room = {k: v for k, v in THEORY.items()} | {"seats": 30, "desk_spacing_cm": 90, "computers": 30}
    assert (
        admin.post(f"{API}/sites/{site_id}/rooms", room, content_type="application/json").status_code == 201
    )
    for extra in ({"kind": "practical", "name": "实操", "seats": 8, "equipment": "工具", "video_monitoring": True},
                  {"kind": "defence", "name": "答辩", "seats": 4, "video_monitoring": True}):  # fmt: skip
        admin.post(f"{API}/sites/{site_id}/rooms", extra, content_type="application/json")
    up = admin.post(
        f"{API}/sites/{site_id}/photos", {"photo": SimpleUploadedFile("a.jpg", JPEG), "caption": "全景"}
    )
    assert up.status_code == 201 and up.json()["photos"][0]["sha256"]
    bad = admin.post(f"{API}/sites/{site_id}/photos", {"photo": SimpleUploadedFile("a.pdf", PDF)})
    assert bad.status_code == 400 and "photo" in bad.json()["fields"]
    done = admin.post(f"{API}/sites/{site_id}/actions", {"action": "report"}, content_type="application/json")
    assert done.json()["status"] == "reported" and done.json()["decision"]["policy_version"]
    assert official.get(f"{API}/sites/{site_id}").json()["allowed_actions"] == ["accept", "return"]
    ok = official.post(
        f"{API}/sites/{site_id}/actions", {"action": "accept"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    again = official.post(
        f"{API}/sites/{site_id}/actions", {"action": "return", "reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409
    page = official.get(f"{API}/sites?status=accepted").json()
    assert page["count"] == 1 and page["items"][0]["id"] == site_id


def test_the_bureau_and_the_institution_see_their_site_todos(exams):
    site = reported(exams)
    items = [t for t in todo_for(exams.users["wuhou_official"]) if t.kind == "exam_site_acceptance"]
    assert len(items) == 1 and items[0].deadline and items[0].rule == "EVL-1" and site.name in items[0].title
    svc.site_return(actor=exams.users["wuhou_official"], site=site, reason="资料不全")
    mine = [t for t in todo_for(exams.users["cd_exam_admin"]) if t.kind == "exam_site_returned"]
    assert len(mine) == 1 and "资料不全" in mine[0].detail
    assert not [t for t in todo_for(exams.users["sy_official"]) if t.kind.startswith("exam_site")]


def test_affiliate_pages_and_api_flag_a_conflict_for_the_officials(exams, admin, official):
    factories.listing(exams.orgs["cd_social2"], "LT-CD-EL", programme="skill", occupation=factories.ELECTRICIAN,
                      levels=["四级"], kind="training")  # fmt: skip
    r = admin.post("/exams/affiliates/", {"kind": "", "name": "分校", "uscc": "bad"})
    assert r.status_code == 400 and 'value="分校"' in r.content.decode()
    r = admin.post(
        "/exams/affiliates/", {"kind": "branch", "name": "智造分校", "uscc": exams.orgs["cd_social2"].uscc}
    )
    assert r.status_code == 302
    html = official.get("/exams/affiliates/").content.decode()
    assert exams.orgs["cd_social1"].name in html and "LT-CD-EL" in html
    assert official.get(f"{API}/training-conflicts").json()["count"] == 1
    assert official.get(f"{API}/affiliates").json()["items"][0]["flagged"]
    assert any(t.kind == "exam_training_conflict" for t in todo_for(exams.users["wuhou_official"]))


def test_archive_pages_and_api_upload_refuse_early_disposal_and_export(exams, admin, login_as):
    s = factories.session(exams, status="grading")
    r = admin.post(f"/exams/archives/{s.pk}/add/", {"kind": "sign_in_sheet", "medium": "scan", "title": ""})
    assert r.status_code == 400 and "请填写题名" in r.content.decode()
    up = admin.post(f"{API}/archives/sessions/{s.pk}/records",
                    {"kind": "commitment", "medium": "electronic", "title": "承诺书", "file": SimpleUploadedFile("c.pdf", PDF)})  # fmt: skip
    assert up.status_code == 201 and up.json()["retain_until"] == "2031-03-02"
    record_id = up.json()["id"]
    no = admin.post(
        f"{API}/archives/records/{record_id}/dispose", {"reason": "清理"}, content_type="application/json"
    )
    assert no.status_code == 400 and no.json()["rules"] == ["EVL-10"]
    page = admin.post(f"/exams/archives/records/{record_id}/dispose/", {"reason": "清理"})
    assert page.status_code == 400 and "期满前不得销毁" in page.content.decode()
    z = admin.get(f"{API}/archives/sessions/{s.pk}/export")
    assert z.status_code == 200 and z["Content-Type"] == "application/zip"
    assert admin.get(f"/exams/archives/{s.pk}/export/").status_code == 200
    assert admin.get(f"{API}/archives/sessions/{s.pk}/records").json()["count"] == 1
    assert login_as(exams.users["sy_official"]).get(f"/exams/archives/{s.pk}/").status_code == 404

"""The expert pool over the API (issue 12 §3), through the same services as the pages: {items, count}
lists searched and paged, create/patch/disable/enable/import with Chinese field errors, the phone shown
by role and its full view audited, the expert's own declarations, and another province's official
getting 404 for an expert of this pool."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peiyu.audit.models import AuditEvent
from peiyu.institutions.models import Expert
from peiyu.institutions.services import expert_declarations as declarations

from .expert_support import HEADER, OCCUPATION, OTHER_USCC, Journey, hubei_expert, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(world, policies):
    return Journey(world)


API = "/api/v1/directory"


@pytest.fixture
def official(journey, login_as):
    return login_as(journey.official)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_official_adds_lists_searches_and_reads_an_expert(journey, official):
    r = post(
        official,
        f"{API}/experts",
        {"name": "钱晓雯", "employer_name": "中国科学院沈阳自动化研究所", "title": "研究员",
         "fields": [OCCUPATION], "phone": "13800138002", "specialty": "机器人"},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["phone"] == "13800138002" and created["allowed_actions"] == [
        "update",
        "disable",
        "declare",
    ]
    journey.pool(3, user=False)
    listing = official.get(f"{API}/experts", {"limit": 2}).json()
    assert listing["count"] == 4 and len(listing["items"]) == 2
    found = official.get(f"{API}/experts", {"q": "机器人"}).json()
    assert [e["name"] for e in found["items"]] == ["钱晓雯"] and found["items"][0]["phone"] == "138****8002"
    assert official.get(f"{API}/experts", {"field": "2-02-38"}).json()["count"] == 4
    assert official.get(f"{API}/experts", {"field": "2-02-38-09"}).json()["count"] == 0
    detail = official.get(f"{API}/experts/{created['id']}").json()
    assert detail["phone"] == "13800138002"
    assert AuditEvent.objects.filter(action="personal_data.viewed", object_id=str(created["id"])).exists()


def test_bad_input_is_a_400_with_chinese_field_messages(official):
    r = post(official, f"{API}/experts", {"name": "", "fields": "x", "phone": "1"})
    assert r.status_code == 400
    body = r.json()
    assert set(body["fields"]) >= {"name", "employer_name", "fields", "phone"}
    assert not Expert.objects.exists()


def test_patch_disable_and_enable_through_the_api(journey, official):
    expert = journey.expert(user=False)
    r = patch(official, f"{API}/experts/{expert.pk}", {"title": "研究员", "email": "x@example.com"})
    assert r.status_code == 200 and r.json()["title"] == "研究员"
    r = post(official, f"{API}/experts/{expert.pk}/disable", {"reason": "退休"})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["allowed_actions"][1] == "enable"
    assert post(official, f"{API}/experts/{expert.pk}/disable", {"reason": "再次"}).status_code == 409
    assert official.get(f"{API}/experts", {"status": "disabled"}).json()["count"] == 1
    r = post(official, f"{API}/experts/{expert.pk}/enable", {})
    assert r.status_code == 200 and r.json()["active"] is True


def test_another_provinces_official_gets_404_and_a_city_official_403(journey, world, login_as, official):
    expert = journey.expert(user=False)
    hubei = login_as(world.hb_official)
    assert hubei.get(f"{API}/experts/{expert.pk}").status_code == 404
    assert patch(hubei, f"{API}/experts/{expert.pk}", {"title": "x"}).status_code == 404
    assert post(hubei, f"{API}/experts/{expert.pk}/disable", {"reason": "x"}).status_code == 404
    assert post(hubei, f"{API}/experts/{expert.pk}/relations", {"uscc": OTHER_USCC}).status_code == 404
    assert hubei.get(f"{API}/experts").json()["count"] == 0
    theirs = hubei_expert(world)
    assert official.get(f"{API}/experts/{theirs.pk}").status_code == 404
    assert login_as(world.sy_official).get(f"{API}/experts").status_code == 403


def test_the_import_answers_its_per_row_report(journey, official):
    rows = [HEADER, ["甲", "东北大学", "教授", OCCUPATION, "", "", ""], ["", "东北大学", "", "x", "", "", ""]]
    r = official.post(f"{API}/expert-imports", {"mode": "valid", "file": xlsx_upload(rows)})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["created"] == 1 and body["rejected_rows"] == 1 and {e["row"] for e in body["errors"]} == {3}
    assert official.get(f"{API}/expert-imports/{body['id']}").json() == body
    r = official.post(f"{API}/expert-imports", {"mode": "all", "file": xlsx_upload([["姓名"], ["甲"]])})
    assert r.status_code == 400 and "缺少必填列" in r.json()["fields"]["file"][0]


def test_the_expert_keeps_their_own_declarations_and_the_official_records_one(
    journey, world, login_as, official
):
    expert = journey.expert(user=True)
    me = login_as(expert.user)
    r = post(me, f"{API}/expert/declarations", {"kind": "part_time", "uscc": world.orgs["inst_sy"].uscc})
    assert r.status_code == 201 and r.json()["unit_name"] == "沈阳智算科技有限公司"
    relation = r.json()["id"]
    r = post(me, f"{API}/expert/declarations", {"kind": "other", "unit_name": "无名公司"})
    assert r.status_code == 400 and r.json()["rules"] == ["SEL-8"] and "uscc" in r.json()["fields"]
    listed = me.get(f"{API}/expert/declarations").json()
    assert listed["count"] == 1 and listed["items"][0]["kind_label"] == "在该单位兼职、担任顾问或董事监事"
    r = post(me, f"{API}/expert/declarations/{relation}/withdraw", {"reason": "已不再兼职"})
    assert r.status_code == 200 and r.json()["current"] is False
    r = post(official, f"{API}/experts/{expert.pk}/relations", {"kind": "relative", "uscc": OTHER_USCC})
    assert r.status_code == 201
    other = login_as(journey.expert(user=True).user)
    assert (
        post(other, f"{API}/expert/declarations/{r.json()['id']}/withdraw", {"reason": "x"}).status_code
        == 404
    )
    assert official.get(f"{API}/experts/{expert.pk}").json()["relations"][0]["unit_name"] == ""
    city = login_as(world.sy_official)
    assert city.get(f"{API}/expert/declarations").json() == {"items": [], "count": 0}
    assert post(city, f"{API}/expert/declarations", {"uscc": OTHER_USCC}).status_code == 404


def test_the_list_runs_the_same_number_of_queries_for_more_experts(journey, official):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert official.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for _ in range(n):
            e = journey.expert(user=True)
            declarations.expert_declare_conflict(actor=e.user, expert=e, uscc=OTHER_USCC)

    grow(2)
    few = (count(f"{API}/experts"), count("/directory/experts/"))
    grow(8)
    assert (count(f"{API}/experts"), count("/directory/experts/")) == few

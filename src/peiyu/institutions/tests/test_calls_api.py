"""Calls over the API (/api/v1/directory/official/calls): the same services as the pages — a list
{items, count} of the official's jurisdiction, a draft pre-filled from the profile, the detail with
`allowed_actions`, patch while a draft, publish and close; another province's official gets 404; a
refusal names its rule."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from peiyu.institutions.models import Call

from . import factories as f
from .call_support import TODAY, ln_draft, travel

pytestmark = pytest.mark.django_db
BASE = "/api/v1/directory/official/calls"


@pytest.fixture
def now(time_machine):
    travel(time_machine)


def _post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def _create_body(**extra) -> dict:
    return {
        "programme": "dte",
        "region_code": "210000",
        "title": "辽宁省第三批机构申报",
        "kinds": ["training"],
        "occupation_codes": [f.AI],
        "opens_on": TODAY.isoformat(),
        "deadline": (TODAY + dt.timedelta(days=30)).isoformat(),
        **extra,
    }


def test_the_provincial_official_drafts_publishes_and_closes_over_the_api(directory, now, login_as):
    client = login_as(directory.ln_official)
    created = _post(client, BASE, _create_body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["status_label"] == "草稿"
    assert body["allowed_actions"] == ["edit", "publish"]
    assert body["levels"] == ["初级", "中级", "高级"]  # the profile's levels, pre-filled
    assert body["quota_table"]["quota_training"]["overrides"] == {"210100": 5, "210200": 5}
    assert body["policy_name"] == "liaoning-dte-batch2" and body["policy_version"]
    prefilled = {row["item"]: row for row in body["prefilled"]}
    assert prefilled["quota_training"]["editable"] and not prefilled["founded_on_or_before"]["editable"]
    assert prefilled["founded_on_or_before"]["value"] == "2018-12-31"
    assert body["decision"]["kind"] == "call_draft"
    url = f"{BASE}/{body['id']}"

    changed = _patch(
        client, url, {"quota_table": {"quota_training": {"default": 3, "overrides": {"210100": 6}}}}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["quota_table"]["quota_training"]["default"] == 3
    refused = _patch(client, url, {"founded_on_or_before": "2020-12-31"})
    assert refused.status_code == 400
    assert refused.json()["rules"] == ["SEL-3"]

    published = _post(client, f"{url}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published" and published.json()["allowed_actions"] == ["close"]
    assert published.json()["decision"]["kind"] == "call_publish"
    assert _patch(client, url, {"title": "再改"}).status_code == 409

    listed = client.get(BASE).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert client.get(BASE, {"status": "draft"}).json()["count"] == 0

    assert _post(client, f"{url}/close", {"reason": ""}).status_code == 400
    closed = _post(client, f"{url}/close", {"reason": "名额已报满"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["allowed_actions"] == []


def test_another_provinces_official_gets_404(directory, now, login_as):
    call = ln_draft(directory)
    client = login_as(directory.hb_official)
    assert client.get(BASE).json() == {"items": [], "count": 0}
    assert client.get(f"{BASE}/{call.pk}").status_code == 404
    assert _patch(client, f"{BASE}/{call.pk}", {"title": "x"}).status_code == 404
    assert _post(client, f"{BASE}/{call.pk}/publish").status_code == 404
    assert _post(client, f"{BASE}/{call.pk}/close", {"reason": "原因"}).status_code == 404
    assert _post(client, BASE, _create_body()).status_code == 404
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT and call.title != "x"


def test_an_institution_may_not_manage_calls(directory, now, login_as):
    client = login_as(directory.sy_inst_admin)
    assert client.get(BASE).status_code == 403
    assert _post(client, BASE, _create_body()).status_code == 403


def test_a_city_bureau_is_refused_with_the_profiles_rule(directory, now, login_as):
    response = _post(login_as(directory.sy_official), BASE, _create_body(region_code="210100"))
    assert response.status_code == 400
    assert response.json()["rules"] == ["SEL-9"] and "省级人社部门" in response.json()["message"]


def test_bad_input_answers_chinese_field_messages(directory, now, login_as):
    client = login_as(directory.ln_official)
    response = _post(
        client,
        BASE,
        _create_body(deadline=(TODAY - dt.timedelta(days=1)).isoformat(), occupation_codes=["0-00-00-00"]),
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["deadline"] == ["截止日期不能早于开始受理日期"]
    assert "0-00-00-00" in fields["occupation_codes"][0]
    bad = _post(client, BASE, _create_body(kinds=["school"], opens_on="明天"))
    assert bad.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", bad.json()["message"])


def test_publishing_an_incomplete_call_is_refused_with_its_rules(directory, now, login_as):
    call = ln_draft(directory, occupation_codes=[])
    response = _post(login_as(directory.ln_official), f"{BASE}/{call.pk}/publish")
    assert response.status_code == 400
    body = response.json()
    assert body["rules"] == ["SEL-9"] and "职业（工种）" in body["message"]
    assert body["details"]["policy"].startswith("liaoning-dte-batch2@v")


def test_the_public_api_lists_published_and_closed_calls_never_drafts(directory, now, login_as):
    draft = ln_draft(directory, title="草稿通知")
    published = ln_draft(directory, title="已发布通知")
    client = login_as(directory.ln_official)
    _post(client, f"{BASE}/{published.pk}/publish")
    public = [c["code"] for c in client.get("/api/v1/directory/calls").json()["items"]]
    assert published.code in public and draft.code not in public
    assert client.get(f"/api/v1/directory/calls/{draft.code}").status_code == 404


def test_the_public_api_says_a_closed_call_is_closed_and_filters_by_region(directory, now, login_as):
    call = ln_draft(directory, title="提前结束的通知")
    client = login_as(directory.ln_official)
    _post(client, f"{BASE}/{call.pk}/publish")
    _post(client, f"{BASE}/{call.pk}/close", {"reason": "名额已报满"})
    public = {c["code"]: c for c in client.get("/api/v1/directory/calls").json()["items"]}
    assert public[call.code]["is_open"] is False and public[call.code]["state"] == "已截止"

    in_liaoning = [
        c["code"] for c in client.get("/api/v1/directory/calls", {"region": "210100"}).json()["items"]
    ]
    in_sichuan = [
        c["code"] for c in client.get("/api/v1/directory/calls", {"region": "510100"}).json()["items"]
    ]
    assert call.code in in_liaoning and call.code not in in_sichuan
    assert client.get("/api/v1/directory/calls", {"region": "沈阳"}).status_code == 400

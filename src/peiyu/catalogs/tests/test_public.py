from __future__ import annotations

import pytest

from peiyu.catalogs.models import Trade

from .conftest import make_xlsx

API = "/api/v1"


def test_occupation_pages_answer_without_login(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/occupations/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "人工智能工程技术人员",
        "2-02-38-01",
        "2-02-10-09",
        "自然语言及语音处理产品实现",
        "初级",
        "待核实",
        "数字化管理师",
    ):
        assert text in page

    detail = client.get("/occupations/2-02-38-01/")
    assert detail.status_code == 200
    assert "计算机视觉产品实现" in detail.content.decode()
    assert "二手资料" in detail.content.decode()
    # the 2021 standard's code finds the same occupation
    assert "人工智能工程技术人员" in client.get("/occupations/2-02-10-09/").content.decode()
    assert client.get("/occupations/9-99-99-99/").status_code == 404


def test_api_answers_without_login(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/occupations")
    assert response.status_code == 200
    assert response.json()["count"] == 10
    body = response.json()["items"]
    assert len(body) == 10
    ai = next(o for o in body if o["name"] == "人工智能工程技术人员")
    assert (
        ai["code"] == "2-02-38-01" and ai["alias_codes"] == ["2-02-10-09"] and ai["confidence"] == "confirmed"
    )
    assert {d["name"] for d in ai["directions"]} == {"自然语言及语音处理产品实现", "计算机视觉产品实现"}
    assert next(o for o in body if o["name"] == "数字化管理师")["confidence"] == "to_verify"

    detail = client.get(f"{API}/occupations/2-02-10-11").json()
    assert detail["code"] == "2-02-38-03"
    assert [lv["name"] for lv in detail["levels"]] == ["初级", "中级", "高级"]
    assert detail["provenance"]

    missing = client.get(f"{API}/occupations/9-99-99-99")
    assert missing.status_code == 404
    assert missing.json()["code"] == "occupation_not_found"

    levels = client.get(f"{API}/levels").json()
    assert len(levels["items"]) == 8 and levels["count"] == 8
    assert [lv["name"] for lv in client.get(f"{API}/levels?kind=skill").json()["items"]] == [
        "五级",
        "四级",
        "三级",
        "二级",
        "一级",
    ]
    assert client.get(f"{API}/levels?kind=other").status_code == 400
    industries = client.get(f"{API}/industries").json()["items"]
    assert [i["code"] for i in industries] == [chr(c) for c in range(ord("A"), ord("T") + 1)]


def test_trades_api_is_paginated(client, db, django_assert_max_num_queries):
    Trade.objects.bulk_create(
        Trade(code=f"6-28-01-{i:02d}", name=f"工种{i}", occupation_code=f"6-28-01-{i:02d}")
        for i in range(1, 31)
    )
    Trade.objects.filter(code="6-28-01-30").update(disabled_on="2020-01-01")
    with django_assert_max_num_queries(3):
        page = client.get(f"{API}/trades?limit=10&offset=0")
    assert page.status_code == 200
    body = page.json()
    assert body["count"] == 29
    assert len(body["items"]) == 10
    assert body["items"][0] == {
        "code": "6-28-01-01",
        "name": "工种1",
        "occupation_code": "6-28-01-01",
        "occupation_name": None,
    }
    assert client.get(f"{API}/trades?q=工种2").json()["count"] == 11  # 工种2, 工种20 … 工种29
    assert client.get(f"{API}/trades?occupation_code=6-28-01-05").json()["count"] == 1


IMPORT_URL = "/admin/catalogs/trade/import/"


def test_admin_import_page_needs_reference_manage(client, world, no_otp):
    assert client.get(IMPORT_URL).status_code == 302  # anonymous: to the login page
    client.force_login(world.sy_inst_admin)  # no administration capability at all
    assert client.get(IMPORT_URL).status_code == 302
    # the auditor may enter the admin site (audit.view) but not maintain reference data
    client.force_login(world.dl_auditor)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"mode": "valid_only"}).status_code == 403
    assert not Trade.objects.exists()


@pytest.mark.parametrize("mode,written", [("all_or_nothing", 0), ("valid_only", 1)])
def test_admin_import_shows_the_row_report(client, world, no_otp, mode, written):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.sysadmin)
    assert client.get(IMPORT_URL).status_code == 200
    assert "从电子表格导入" in client.get("/admin/catalogs/trade/").content.decode()
    upload = SimpleUploadedFile(
        "trades.xlsx", make_xlsx([["6-28-01-01-01", "电工", "6-28-01-01"], ["6-28-01-02", "", "6-28-01-02"]])
    )
    response = client.post(IMPORT_URL, {"mode": mode, "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "缺少工种名称" in page
    assert "<td>3</td>" in page
    assert Trade.objects.count() == written


def test_admin_pages_of_the_catalogs_render_and_offer_no_deletion(client, world, reference, no_otp):
    from peiyu.catalogs.models import Occupation

    client.force_login(world.sysadmin)
    for model in ("occupation", "level", "industry", "trade"):
        assert client.get(f"/admin/catalogs/{model}/").status_code == 200, model
    occupation = Occupation.objects.get(code="4-04-05-03")
    page = client.get(f"/admin/catalogs/occupation/{occupation.pk}/change/").content.decode()
    assert "待核实" in page and "2019年新职业公告" in page
    assert client.post(f"/admin/catalogs/occupation/{occupation.pk}/delete/").status_code == 403
    assert Occupation.objects.filter(pk=occupation.pk).exists()


def test_admin_validates_codes_and_audits_corrections(client, world, reference, no_otp):
    from peiyu.audit.models import AuditEvent
    from peiyu.catalogs.models import Occupation

    client.force_login(world.sysadmin)
    response = client.post(
        "/admin/catalogs/trade/add/", {"code": "6-2x-01-01", "name": "焊工", "occupation_code": "6-28-01-01"}
    )
    assert response.status_code == 200 and "工种编码应为" in response.content.decode()
    assert not Trade.objects.exists()

    occupation = Occupation.objects.get(code="2-02-38-05")
    data = {
        "code": "2-02-38-05",
        "alias_codes": '["2-02-07-13"]',
        "name": occupation.name,
        "code_source": "classification_2022",
        "programme": "dte",
        "kind": "professional",
        "confidence": "confirmed",
        "provenance": "已核对2022年版大典原文",
        "disabled_on": "",
        "directions-TOTAL_FORMS": "0",
        "directions-INITIAL_FORMS": "0",
    }
    bad = client.post(
        f"/admin/catalogs/occupation/{occupation.pk}/change/", {**data, "alias_codes": '["2-2-7"]'}
    )
    assert bad.status_code == 200 and "别名编码格式不正确" in bad.content.decode()
    response = client.post(f"/admin/catalogs/occupation/{occupation.pk}/change/", data)
    assert response.status_code == 302
    occupation.refresh_from_db()
    assert occupation.confidence == "confirmed"
    event = AuditEvent.objects.filter(action="admin:catalogs.occupation.changed").get()
    assert event.after["confidence"] == "confirmed"

"""The expert pool's pages (issue 12 §3): the official's list (searched, paged), adding with nothing
typed lost after a refusal, the expert's page (phone in full for a role that may see it, audited),
disabling and re-enabling, the xlsx import with its per-row result and report; the expert's own
declarations page; and 404 for another province's official."""

from __future__ import annotations

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.institutions.models import Expert, ExpertRelation

from .expert_support import HEADER, OCCUPATION, OTHER_USCC, Journey, hubei_expert, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(world, policies):
    return Journey(world)


@pytest.fixture
def official(journey, login_as):
    return login_as(journey.official)


def text(response) -> str:
    return response.content.decode()


def test_the_official_adds_an_expert_and_a_refusal_keeps_what_was_typed(official):
    form = {
        "name": "孙立新", "employer_name": "沈阳工业大学", "title": "教授级高工", "fields": "2-02-38-01、AI",
        "specialty": "工业互联网", "phone": "13800138000", "email": "sun@example.com",
    }  # fmt: skip
    r = official.post("/directory/experts/new/", form)
    assert r.status_code == 400
    page = text(r)
    assert "职业编码“AI”格式不正确" in page
    for typed in ("孙立新", "沈阳工业大学", "工业互联网", "13800138000", "sun@example.com"):
        assert f'value="{typed}"' in page
    r = official.post("/directory/experts/new/", {**form, "fields": "2-02-38-01"})
    expert = Expert.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/directory/experts/{expert.pk}/"
    detail = text(official.get(r["Location"]))
    assert "13800138000" in detail and "孙立新" in detail
    assert AuditEvent.objects.filter(action="personal_data.viewed", object_id=str(expert.pk)).count() == 1


def test_the_list_is_searched_and_paged(journey, official):
    for i in range(32):
        journey.expert(f"专家{i:02d}", user=False)
    journey.expert("钱晓雯", user=False, title="研究员")
    first = text(official.get("/directory/experts/"))
    assert "第 1 / 2 页，共 33 项" in first
    found = text(official.get("/directory/experts/", {"q": "钱晓雯"}))
    assert "钱晓雯" in found and "专家01" not in found
    assert "没有符合条件的专家" in text(official.get("/directory/experts/", {"q": "无此人"}))


def test_disable_and_enable_from_the_experts_page(journey, official):
    expert = journey.expert(user=False)
    r = official.post(f"/directory/experts/{expert.pk}/disable/", {"reason": "长期出国"})
    assert r.status_code == 302
    expert.refresh_from_db()
    assert not expert.active and expert.disabled_reason == "长期出国"
    page = text(official.get(f"/directory/experts/{expert.pk}/"))
    assert "已停用" in page and "长期出国" in page and "恢复在库" in page
    official.post(f"/directory/experts/{expert.pk}/enable/")
    expert.refresh_from_db()
    assert expert.active
    empty = official.post(f"/directory/experts/{expert.pk}/disable/", {"reason": ""}, follow=True)
    assert "请填写停用原因" in text(empty)


def test_a_refused_disabling_keeps_the_reason_typed(journey, official):
    expert = journey.expert(user=False)
    long_reason = "长期出国" * 60  # 240 characters: over the 200 allowed, refused, not shortened
    r = official.post(f"/directory/experts/{expert.pk}/disable/", {"reason": long_reason})
    assert r.status_code == 400
    assert "停用原因" in text(r) and f'value="{long_reason}"' in r.content.decode()
    expert.refresh_from_db()
    assert expert.active


def test_the_import_page_shows_each_refused_row_and_offers_the_report(journey, official):
    assert official.get("/directory/experts/import/template.xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    rows = [
        HEADER,
        ["甲", "东北大学", "教授", OCCUPATION, "", "", ""],
        ["乙", "东北大学", "", "x", "", "", ""],
    ]
    r = official.post("/directory/experts/import/", {"mode": "all", "file": xlsx_upload(rows)})
    assert r.status_code == 302
    result = text(official.get(r["Location"]))
    assert "共 2 行：新增专家 0 名，有误 1 行" in result and "本次未导入任何专家" in result
    assert "职业编码“X”格式不正确" in result
    report = official.get(r["Location"] + "report.xlsx")
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    refused = official.post("/directory/experts/import/", {"mode": "all"})
    assert refused.status_code == 400 and "请选择专家名单文件" in text(refused)


def test_the_expert_keeps_declarations_current_on_their_own_page(journey, world, login_as):
    expert = journey.expert(user=True)
    me = login_as(expert.user)
    page = text(me.get("/directory/expert/declarations/"))
    assert "我的回避申报" in page and "没有申报回避单位" in page
    bad = me.post(
        "/directory/expert/declarations/", {"kind": "relative", "unit_name": "无名公司", "note": "配偶"}
    )
    assert bad.status_code == 400 and 'value="无名公司"' in text(bad) and 'value="配偶"' in text(bad)
    r = me.post(
        "/directory/expert/declarations/", {"kind": "relative", "uscc": OTHER_USCC, "unit_name": "某公司"}
    )
    assert r.status_code == 302
    relation = ExpertRelation.objects.get(expert=expert)
    assert "近亲属在该单位任职或持股" in text(me.get("/directory/expert/declarations/"))
    me.post("/directory/expert/declarations/confirm/")
    me.post(f"/directory/expert/declarations/{relation.pk}/withdraw/", {"reason": "已离婚"})
    relation.refresh_from_db()
    expert.refresh_from_db()
    assert relation.withdrawn_at is not None and expert.declarations_confirmed_at is not None
    assert "已离婚" in text(me.get("/directory/expert/declarations/"))
    assert login_as(world.sy_official).get("/directory/expert/declarations/").status_code == 404


def test_another_provinces_official_gets_404_and_a_city_official_403(journey, world, login_as, official):
    expert = journey.expert(user=False)
    hubei = login_as(world.hb_official)
    for url in (f"/directory/experts/{expert.pk}/", f"/directory/experts/{expert.pk}/edit/"):
        assert hubei.get(url).status_code == 404
    assert hubei.post(f"/directory/experts/{expert.pk}/disable/", {"reason": "x"}).status_code == 404
    assert hubei.post(f"/directory/experts/{expert.pk}/relations/", {"uscc": OTHER_USCC}).status_code == 404
    assert official.get(f"/directory/experts/{hubei_expert(world).pk}/").status_code == 404
    assert login_as(world.sy_official).get("/directory/experts/").status_code == 403

"""Pages and API of banks and items (EVL-2): the same services; lists show metadata only; content
behind exam.items_view with every view audited; another institution's staff and another province's
official get 404, the district official sees the bank and its counts but not item content."""

from __future__ import annotations

import json

from peiyu.audit.models import AuditEvent
from peiyu.exams.models import Item
from peiyu.exams.services import items as svc

from .banks_support import data, empty_bank

API = "/api/v1/exams"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_bank_pages_show_counts_and_the_minimum_but_no_content(exams, login_as):
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    for who in ("cd_exam_admin", "cd_setter", "wuhou_official"):
        c = login_as(exams.users[who])
        page = c.get(f"/exams/banks/{bank.pk}/")
        assert page.status_code == 200, who
        text = page.content.decode()
        assert "未达到最低题量" in text and "少于1200道" in text
        assert item.code in text and "安全电压" not in text  # metadata only
    assert login_as(exams.users["cd_exam_admin"]).get("/exams/banks/").status_code == 200


def test_a_profile_without_a_minimum_says_so_instead_of_failing_the_bank(exams, login_as):
    """The session service schedules on such a bank without a minimum; the bank's page says the same."""
    from .factories import AI, bank

    dte = bank(exams.orgs["hb_eval"], exams.users["cd_setter"], occupation=AI, level="初级", per_cell=0,
               programme="dte")  # fmt: skip
    page = login_as(exams.users["hb_official"]).get(f"/exams/banks/{dte.pk}/").content.decode()
    assert "未规定最低题量" in page and "未达到最低题量" not in page
    assert "“理论题库最少题量”" in page and "bank_min_theory_items" not in page


def test_item_content_page_is_audited_and_refused_without_the_capability(exams, login_as):
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    c = login_as(exams.users["cd_reviewer"])
    before = AuditEvent.objects.filter(action="exam_item.content_viewed").count()
    page = c.get(f"/exams/items/{item.pk}/?show=1")
    assert "安全电压" in page.content.decode()
    assert AuditEvent.objects.filter(action="exam_item.content_viewed").count() == before + 1
    assert login_as(exams.users["wuhou_official"]).get(f"/exams/items/{item.pk}/?show=1").status_code == 403
    assert login_as(exams.users["wuhou_official"]).get(f"/exams/items/{item.pk}/").status_code == 200


def test_other_institutions_and_other_provinces_get_404(exams, login_as):
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    for who in ("cd_employer_exam", "sy_official"):
        c = login_as(exams.users[who])
        assert c.get(f"/exams/banks/{bank.pk}/").status_code == 404, who
        assert c.get(f"/exams/items/{item.pk}/").status_code == 404, who
        assert c.get(f"{API}/banks/{bank.pk}").status_code == 404, who
        assert _post(c, f"{API}/items/{item.pk}/content", {}).status_code in (403, 404), who


def test_writing_reviewing_and_approving_through_the_pages(exams, login_as):
    bank = empty_bank(exams)
    setter = login_as(exams.users["cd_setter"])
    bad = setter.post(f"/exams/banks/{bank.pk}/items/new/?type=single",
                      {"item_type": "single", "stem": "题干", "options": "甲\n乙", "answer": "C", "area_code": "A",
                       "difficulty": "2", "points": "1"})  # fmt: skip
    assert (
        bad.status_code == 200
        and "标准答案应为选项字母" in bad.content.decode()
        and "题干" in bad.content.decode()
    )
    ok = setter.post(f"/exams/banks/{bank.pk}/items/new/?type=single",
                     {"item_type": "single", "stem": "题干", "options": "甲\n乙", "answer": "B", "area_code": "A",
                      "difficulty": "2", "points": "1"})  # fmt: skip
    item = Item.objects.get(bank=bank)
    assert ok.status_code == 302
    setter.post(f"/exams/items/{item.pk}/act/", {"action": "submit"})
    page = setter.get(f"/exams/items/{item.pk}/")
    assert "审题通过" not in page.content.decode()
    reviewer = login_as(exams.users["cd_reviewer"])
    assert item.code in reviewer.get("/exams/items/queue/").content.decode()
    reviewer.post(f"/exams/items/{item.pk}/act/", {"action": "review"})
    login_as(exams.users["cd_approver"]).post(f"/exams/items/{item.pk}/act/", {"action": "approve"})
    assert Item.objects.get(pk=item.pk).status == "approved"


def test_the_api_writes_and_acts_through_the_same_services(exams, login_as):
    bank = empty_bank(exams)
    setter = login_as(exams.users["cd_setter"])
    made = _post(setter, f"{API}/banks/{bank.pk}/items", {"item_type": "true_false", "area_code": "B", "difficulty": 1,
                                                          "content": {"stem": "停电作业前必须验电。", "answer": "对"}})  # fmt: skip
    assert made.status_code == 201, made.content
    item_id = made.json()["id"]
    assert made.json()["allowed_actions"] == ["submit"]
    bad = _post(
        setter, f"{API}/banks/{bank.pk}/items", {"item_type": "single", "area_code": "Q", "content": {}}
    )
    assert bad.status_code == 400 and "area_code" in bad.json()["fields"]
    _post(setter, f"{API}/items/{item_id}/actions", {"action": "submit"})
    refused = _post(setter, f"{API}/items/{item_id}/actions", {"action": "review"})
    assert refused.status_code == 403
    listed = login_as(exams.users["wuhou_official"]).get(f"{API}/banks/{bank.pk}/items")
    assert (
        listed.status_code == 200
        and listed.json()["count"] == 1
        and "content" not in listed.json()["items"][0]
    )
    detail = login_as(exams.users["wuhou_official"]).get(f"{API}/banks/{bank.pk}")
    assert detail.json()["minimum_ok"] is False
    official = _post(login_as(exams.users["wuhou_official"]), f"{API}/items/{item_id}/content", {})
    assert official.status_code == 403  # the jurisdiction sees metadata and counts, not content
    content = _post(login_as(exams.users["cd_reviewer"]), f"{API}/items/{item_id}/content", {})
    assert content.json()["content"]["answer"] == "T"


def test_import_page_reports_each_row(exams, login_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peiyu.exams.services.item_import import import_template

    bank = empty_bank(exams)
    c = login_as(exams.users["cd_setter"])
    assert c.get(f"/exams/banks/{bank.pk}/template/").status_code == 200
    done = c.post(
        f"/exams/banks/{bank.pk}/import/", {"file": SimpleUploadedFile("t.xlsx", import_template())}
    )
    assert done.status_code == 302
    assert "新增试题 6 道" in c.get(done["Location"]).content.decode()

"""The pages of calls: the provincial official's list, form and detail (pre-filled from the profile,
inputs only where the profile allows, what was typed kept after a refusal, the buttons of
`allowed_actions`), another province's official gets 404; the portal shows a call only to the regions
it is open to, never a draft, and a closed call never as open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from peiyu.institutions.models import Call
from peiyu.institutions.services import calls as services

from . import factories as f
from .call_support import TODAY, ln_draft, travel

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(time_machine):
    travel(time_machine)


def _form(**extra) -> dict:
    return {
        "title": "辽宁省第三批机构申报",
        "kinds": ["training", "evaluation"],
        "occupation_codes": [f.AI, f.BIGDATA],
        "levels": ["初级", "中级"],
        "opens_on": TODAY.isoformat(),
        "deadline": (TODAY + dt.timedelta(days=30)).isoformat(),
        "quota_table.quota_training.default": "2",
        "quota_table.quota_training.overrides": "沈阳市 5\n大连市 5",
        "quota_table.quota_evaluation.default": "1",
        "quota_table.quota_evaluation.overrides": "沈阳市 2\n大连市 2",
        "excluded_evaluation": ["2-02-38-05", "2-02-38-03", "2-02-38-08"],
        "body": "正文",
        "source": "",
        **extra,
    }


def test_the_form_is_prefilled_and_only_allowed_items_are_inputs(directory, now, login_as):
    page = login_as(directory.ln_official).get("/directory/calls/new/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="quota_table.quota_training.default" inputmode="numeric" value="2"' in text
    assert "沈阳市 5\n大连市 5" in text
    assert 'name="founded_on_or_before"' not in text  # fixed by the profile: shown, not an input
    assert "2018-12-31" in text and "政策配置规定，不在申报通知中调整" in text
    assert 'name="publicity_working_days"' not in text
    assert 'value="初级" checked' in text and 'value="高级" checked' in text
    assert "liaoning-dte-batch2" not in text.split("技术信息")[0]  # no internal code outside the fold


def test_a_refused_form_keeps_what_was_typed_with_chinese_field_messages(directory, now, login_as):
    client = login_as(directory.ln_official)
    response = client.post(
        "/directory/calls/new/",
        _form(deadline="2020-01-01", **{"quota_table.quota_training.overrides": "沈阳 五家"}),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "截止日期不能早于开始受理日期" in text
    assert "应在" in text or "请填写整数" in text or "找不到地区" in text
    assert 'value="辽宁省第三批机构申报"' in text and "正文" in text
    assert 'value="2020-01-01"' in text and "沈阳 五家" in text
    assert f'value="{f.BIGDATA}" checked' in text
    assert not Call.objects.exists()


def test_the_official_saves_publishes_and_sees_the_call_on_the_portal(directory, now, login_as):
    client = login_as(directory.ln_official)
    response = client.post("/directory/calls/new/", _form(**{"quota_table.quota_training.default": "3"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get()
    assert call.status == Call.Status.DRAFT and call.quota_table["quota_training"]["default"] == 3
    assert call.quota_table["quota_training"]["overrides"] == {"210100": 5, "210200": 5}
    detail = client.get(response["Location"]).content.decode()
    assert "发布" in detail and f"/directory/calls/{call.pk}/publish/" in detail
    assert "已调整" in detail and "草稿" in detail
    assert client.post(f"/directory/calls/{call.pk}/publish/").status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    detail = client.get(f"/directory/calls/{call.pk}/").content.decode()
    assert f"/directory/calls/{call.pk}/publish/" not in detail and "提前截止" in detail
    assert f"/directory/calls/{call.pk}/edit/" not in detail
    listed = Client().get("/calls/", {"region": "210100"}).content.decode()
    assert call.title in listed.split('id="open-calls"')[1].split("</section>")[0]


def test_publishing_an_incomplete_call_shows_the_refusal_with_its_rule(directory, now, login_as):
    call = ln_draft(directory, occupation_codes=[])
    client = login_as(directory.ln_official)
    response = client.post(f"/directory/calls/{call.pk}/publish/", follow=True)
    text = response.content.decode()
    assert "SEL-9" in text and "职业（工种）" in text and "未通过，未发布" in text
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


def test_another_provinces_official_gets_404_on_every_call_page(directory, now, login_as):
    call = ln_draft(directory)
    client = login_as(directory.hb_official)
    for url in (f"/directory/calls/{call.pk}/", f"/directory/calls/{call.pk}/edit/"):
        assert client.get(url).status_code == 404
    for url in (f"/directory/calls/{call.pk}/publish/", f"/directory/calls/{call.pk}/close/"):
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert call.title not in client.get("/directory/calls/").content.decode()
    assert login_as(directory.sy_inst_admin).get("/directory/calls/").status_code == 403


def test_the_portal_shows_a_call_only_to_the_regions_it_is_open_to(directory, now, login_as):
    liaoning = services.call_publish(actor=directory.ln_official, call=ln_draft(directory, title="辽宁通知"))
    draft = ln_draft(directory, title="辽宁草稿")
    national = services.call_create(
        actor=directory.cg_official,
        region_code=None,
        title="全国评价机构遴选",
        programme="dte",
        kinds=["evaluation"],
        occupation_codes=[f.AI],
        opens_on=TODAY,
        deadline=TODAY + dt.timedelta(days=10),
        published=True,
    )
    public = Client()
    shenyang = public.get("/calls/", {"region": "210102"}).content.decode()
    assert liaoning.title in shenyang and national.title in shenyang and draft.title not in shenyang
    wuhan = public.get("/calls/", {"region": "420100"}).content.decode()
    assert liaoning.title not in wuhan and national.title in wuhan
    everywhere = public.get("/calls/").content.decode()
    assert liaoning.title in everywhere and draft.title not in everywhere
    # a signed-in institution sees the calls of its own region by default
    mine = login_as(directory.sy_inst_admin).get("/calls/").content.decode()
    assert liaoning.title in mine and "只列出面向" in mine
    assert public.get(f"/calls/{draft.code}/").status_code == 404
    hubei = services.call_create(
        actor=directory.hb_official,
        region_code="420000",
        title="湖北省机构申报",
        programme="dte",
        kinds=["training"],
        occupation_codes=[f.AI],
        opens_on=TODAY,
        deadline=TODAY + dt.timedelta(days=10),
        published=True,
    )
    assert hubei.policy_name == "hubei-dte"
    offered = login_as(directory.sy_inst_admin).get("/directory/applications/new/").content.decode()
    assert liaoning.title in offered and national.title in offered and hubei.title not in offered


def test_a_closed_call_is_never_listed_as_open(directory, time_machine, login_as):
    travel(time_machine)
    call = services.call_publish(actor=directory.ln_official, call=ln_draft(directory, title="即将截止"))
    services.call_close(actor=directory.ln_official, call=call, reason="名额已满")
    page = Client().get("/calls/").content.decode()
    open_part = page.split('id="open-calls"')[1].split("</section>")[0]
    closed_part = page.split('id="closed-calls"')[1]
    assert "即将截止" not in open_part and "即将截止" in closed_part
    detail = Client().get(f"/calls/{call.code}/").content.decode()
    assert "已截止" in detail and "在线申报" not in detail
    # a published call past its deadline the tick has not closed yet is not listed as open either
    other = services.call_publish(
        actor=directory.ln_official,
        call=ln_draft(directory, title="已过期未关闭", deadline=dt.date(2027, 3, 2)),
    )
    travel(time_machine, dt.datetime(2027, 3, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    page = Client().get("/calls/").content.decode()
    assert other.title not in page.split('id="open-calls"')[1].split("</section>")[0]
    apply_page = login_as(directory.sy_inst_admin).get("/directory/applications/new/").content.decode()
    assert "即将截止" not in apply_page


def test_the_draft_button_is_offered_only_to_a_body_that_publishes_calls_here(directory, now, login_as):
    issuer = login_as(directory.ln_official).get("/directory/calls/").content.decode()
    assert "/directory/calls/new/" in issuer
    city = login_as(directory.sy_official)  # Liaoning's calls come from the province (SEL-9)
    page = city.get("/directory/calls/").content.decode()
    assert "/directory/calls/new/" not in page and "本单位不发布本地区的申报通知" in page
    assert city.get("/directory/calls/new/").status_code == 403  # and the form itself refuses it

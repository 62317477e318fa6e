"""Pages and API of results, the score notice and objections: the institution publishes from its results
page, the public sees masked rows and files an objection, the objector follows it, the candidate sees her
own scores; bureaus see their region, another city's official gets 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from peiyu.exams.models import ScoreNotice, ScoreObjection
from peiyu.exams.tests.scores_support import BEIJING, PUBLISH_AT, graded_session, regs


@pytest.fixture
def graded(exams, time_machine):
    time_machine.move_to(PUBLISH_AT, tick=False)
    return graded_session(exams)


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_institution_publishes_from_the_results_page(graded, exams, login_as):
    client = login_as(exams.cd_exam_admin)
    page = _text(client.get(f"/exams/scores/sessions/{graded.pk}/"))
    assert "2026-04-03 至 2026-04-13（5个工作日），自发布次日起算" in page
    assert "王小明" in page and "免考理论" in page
    response = client.post(
        f"/exams/scores/sessions/{graded.pk}/act/", {"action": "publish_notice"}, follow=True
    )
    assert response.status_code == 200
    notice = ScoreNotice.objects.get()
    assert notice.number in _text(response)
    export = client.get(f"/exams/scores/sessions/{graded.pk}/export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_finalise_button_refused_before_the_end_cites_the_rule(graded, exams, login_as):
    client = login_as(exams.cd_exam_admin)
    client.post(f"/exams/scores/sessions/{graded.pk}/act/", {"action": "publish_notice"})
    response = client.post(f"/exams/scores/sessions/{graded.pk}/act/", {"action": "finalise"})
    assert response.status_code == 400
    assert "2026-04-13" in _text(response) and "EVL-5" in _text(response)


def test_public_notice_masks_and_takes_an_objection_tracked_by_phone(graded, exams, login_as):
    login_as(exams.cd_exam_admin).post(
        f"/exams/scores/sessions/{graded.pk}/act/", {"action": "publish_notice"}
    )
    notice = ScoreNotice.objects.get()
    public = Client()
    page = _text(public.get(f"/exam/score-notices/{notice.number}/"))
    assert "王**" in page and "王小明" not in page and "免考理论" in page
    assert regs(graded)[0].ticket_number not in page
    bad = public.post(f"/exam/score-notices/{notice.number}/objections/", {"registration": "", "name": "陈异议",
                      "phone": "12345", "content": "评分偏低请复核"})  # fmt: skip
    assert bad.status_code == 400 and "陈异议" in bad.content.decode()
    ok = public.post(f"/exam/score-notices/{notice.number}/objections/", {"registration": regs(graded)[2].pk,
                     "name": "陈异议", "phone": "13800138000", "content": "该考生实操评分明显偏低，请求复核。"})  # fmt: skip
    obj = ScoreObjection.objects.get()
    assert obj.tracking_number in _text(ok)
    found = public.post(
        "/exam/score-objections/track/", {"tracking_number": obj.tracking_number, "phone": "13800138000"}
    )
    assert "待处理" in _text(found)
    wrong = public.post(
        "/exam/score-objections/track/", {"tracking_number": obj.tracking_number, "phone": "13900000000"}
    )
    assert wrong.status_code == 404


def test_candidate_sees_her_own_scores_only_after_release(graded, exams, login_as):
    client = login_as(exams.cand1)
    assert "82.0" not in _text(client.get("/exam/my/scores/"))
    login_as(exams.cd_exam_admin).post(
        f"/exams/scores/sessions/{graded.pk}/act/", {"action": "publish_notice"}
    )
    page = _text(client.get("/exam/my/scores/"))
    assert "82.0" in page and "75.0" in page and "合格" in page
    assert client.get(f"/exams/scores/sessions/{graded.pk}/").status_code == 404


def test_bureaus_see_their_region_and_another_city_gets_404(graded, exams, login_as):
    assert login_as(exams.cd_official).get(f"/exams/scores/sessions/{graded.pk}/").status_code == 200
    assert login_as(exams.sy_official).get(f"/exams/scores/sessions/{graded.pk}/").status_code == 404
    assert login_as(exams.cd_employer_exam).get(f"/exams/scores/sessions/{graded.pk}/").status_code == 404
    response = login_as(exams.sy_official).post(
        f"/exams/scores/sessions/{graded.pk}/act/", {"action": "publish_notice"}
    )
    assert response.status_code == 404


def test_objection_accepted_and_remarked_on_its_page(graded, exams, login_as, time_machine):
    client = login_as(exams.cd_exam_admin)
    client.post(f"/exams/scores/sessions/{graded.pk}/act/", {"action": "publish_notice"})
    notice = ScoreNotice.objects.get()
    Client().post(f"/exam/score-notices/{notice.number}/objections/", {"registration": regs(graded)[2].pk,
                  "name": "陈异议", "phone": "13800138000", "content": "该考生实操评分明显偏低，请求复核。"})  # fmt: skip
    obj = ScoreObjection.objects.get()
    url = f"/exams/scores/objections/{obj.pk}/"
    refused = client.post(url, {"action": "accept", "reason": ""})
    assert refused.status_code == 400
    client.post(url, {"action": "accept", "reason": "受理复核"})
    typed = client.post(url, {"action": "remark", "part": "practical", "score": "120", "note": "复核"})
    assert typed.status_code == 400 and 'value="120"' in typed.content.decode()
    client.post(
        url, {"action": "remark", "part": "practical", "score": "61", "note": "考评组复核，原记录漏计"}
    )
    obj.refresh_from_db()
    assert obj.status == "resolved"
    assert "复核更正" in _text(Client().get(f"/exam/score-notices/{notice.number}/"))


def test_api_results_notice_and_objection(graded, exams, login_as):
    client = login_as(exams.cd_exam_admin)
    body = client.post(f"/api/v1/exams/scores/sessions/{graded.pk}/actions", {"action": "publish_notice"},
                       content_type="application/json").json()  # fmt: skip
    assert body["status"] == "notice" and "finalise" in body["allowed_actions"]
    results = client.get(f"/api/v1/exams/scores/sessions/{graded.pk}").json()
    assert results["notice"]["period"] == "2026-04-03 至 2026-04-13（5个工作日），自发布次日起算"
    assert [r["result"] for r in results["results"]] == ["passed", "passed", "failed", "passed"]
    public = Client()
    notice = public.get(f"/api/v1/exams/score-notices/{results['notice']['number']}").json()
    assert notice["rows"][0]["name"] == "王**" and notice["accepts_objections"]
    created = public.post(f"/api/v1/exams/score-notices/{notice['number']}/objections",
                          {"registration": notice["rows"][2]["registration"], "name": "陈异议", "phone": "13800138000",
                           "content": "该考生实操评分明显偏低，请求复核。"}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201
    track = public.post("/api/v1/exams/score-objections/track",
                        {"tracking_number": created.json()["tracking_number"], "phone": "13800138000"},
                        content_type="application/json")  # fmt: skip
    assert track.json()["status"] == "open"
    assert login_as(exams.sy_official).get(f"/api/v1/exams/scores/sessions/{graded.pk}").status_code == 404


def test_api_passing_list_after_the_notice(graded, exams, login_as, time_machine):
    client = login_as(exams.cd_exam_admin)
    client.post(f"/api/v1/exams/scores/sessions/{graded.pk}/actions", {"action": "publish_notice"},
                content_type="application/json")  # fmt: skip
    assert client.get(f"/api/v1/exams/scores/sessions/{graded.pk}/passing-list").status_code == 404
    time_machine.move_to(dt.datetime(2026, 4, 14, 9, 0, tzinfo=BEIJING), tick=False)
    client = login_as(exams.cd_exam_admin)  # a day later: signed in again
    client.post(f"/api/v1/exams/scores/sessions/{graded.pk}/actions", {"action": "finalise"},
                content_type="application/json")  # fmt: skip
    body = client.get(f"/api/v1/exams/scores/sessions/{graded.pk}/passing-list").json()
    assert body["count"] == 3 and body["exam_on"] == "2026-04-02" and len(body["digest"]) == 64

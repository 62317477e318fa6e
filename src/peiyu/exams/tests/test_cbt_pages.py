"""The candidate's pages and API (EVL-6) and the proctor's console: plain forms without scripts, the
JSON autosave the script calls, scoping (a proctor only her institution's sittings; another city's
official does not see the incidents: 404)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from peiyu.exams.api.cbt import SavedOut
from peiyu.exams.models import Attempt, ResumeRequest
from peiyu.exams.services import cbt

from .cbt_support import build_exam


@pytest.fixture
def exam(exams, time_machine):
    e = build_exam(exams)
    time_machine.move_to(e.start + dt.timedelta(minutes=1), tick=False)
    return e


def _identify(client, exam, i=0):
    reg, id_number = exam.candidates[i]
    return client.post("/exam/sit/", {"id_number": id_number, "ticket_number": reg.ticket_number})


def test_the_plain_form_starts_saves_and_submits_without_scripts(exam):
    client = Client()
    assert client.get("/exam/sit/paper/").status_code == 302  # no cookie: to the identity check
    response = _identify(client, exam)
    assert response.status_code == 302 and response["Location"] == "/exam/sit/paper/"
    cookie = client.cookies[cbt.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    page = client.get("/exam/sit/paper/")
    assert page.status_code == 200 and "剩余时间" in page.content.decode()
    attempt = Attempt.objects.get()
    single = next(i for i in page.context["items"] if i["type"] == "single")
    pos = single["position"]
    saved = client.post(
        "/exam/sit/paper/", {"revision": "0", f"q{pos}": single["options"][0]["value"], "action": "save"}
    )
    assert saved.status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == {str(pos): single["options"][0]["value"]} and attempt.revision == 1
    stale = client.post("/exam/sit/paper/", {"revision": "0", f"q{pos}": "A", "action": "save"})
    assert stale.status_code == 400 and "其他页面" in stale.content.decode()
    done = client.post("/exam/sit/paper/", {"revision": "1", "action": "submit"})
    assert done["Location"] == "/exam/sit/done/"
    assert client.get("/exam/sit/done/").status_code == 200
    assert Attempt.objects.get().status == Attempt.Status.SUBMITTED


def test_a_wrong_pair_is_a_chinese_field_error_keeping_what_was_typed(exam):
    reg, _ = exam.candidates[0]
    response = Client().post(
        "/exam/sit/", {"id_number": exam.candidates[1][1], "ticket_number": reg.ticket_number}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "不匹配" in body and reg.ticket_number in body


def test_the_json_autosave_answers_with_the_revision_and_refuses_a_stale_one(exam):
    client = Client()
    started = client.post("/api/v1/exams/cbt/start", json.dumps({"id_number": exam.candidates[0][1],
                          "ticket_number": exam.candidates[0][0].ticket_number}), content_type="application/json")  # fmt: skip
    assert started.status_code == 200, started.content
    items = started.json()["items"]
    assert items and all("answer" not in i for i in items)
    pos = str(items[0]["position"])
    value = items[0]["options"][0]["value"] if items[0]["options"] else "T"
    ok = client.post("/api/v1/exams/cbt/answers", json.dumps({"revision": 0, "answers": {pos: value}}),
                     content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["revision"] == 1
    # the published SavedOut, exactly: the time of the save in Beijing time, as every API time is
    assert set(ok.json()) == set(SavedOut.model_fields)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00", ok.json()["saved_at"])
    stale = client.post("/api/v1/exams/cbt/answers", json.dumps({"revision": 0, "answers": {pos: value}}),
                        content_type="application/json")  # fmt: skip
    assert stale.status_code == 409 and stale.json()["code"] == "stale_revision"
    left = client.post(
        "/api/v1/exams/cbt/leaves", json.dumps({"kind": "blur"}), content_type="application/json"
    )
    assert left.json() == {"leaves": 1}
    assert Client().get("/api/v1/exams/cbt/attempt").status_code == 404  # another browser: no cookie


def test_a_malformed_start_or_autosave_body_is_refused_in_chinese_and_changes_nothing(exam):
    """The two bodies are read by core.schemas.validated_body, not by ninja: the refusals stay the API's."""
    client = Client()
    post = lambda path, text: client.post(path, text, content_type="application/json")  # noqa: E731
    missing = post("/api/v1/exams/cbt/start", json.dumps({"id_number": exam.candidates[0][1]}))
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_input"
    assert (
        list(missing.json()["fields"]) == ["ticket_number"] and "ticket_number" in missing.json()["message"]
    )
    broken = post("/api/v1/exams/cbt/start", "{not json")
    assert broken.status_code == 400 and broken.json()["code"] == "bad_request"
    assert not Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS).exists()
    started = post("/api/v1/exams/cbt/start", json.dumps({"id_number": exam.candidates[0][1],
                   "ticket_number": exam.candidates[0][0].ticket_number}))  # fmt: skip
    assert started.status_code == 200, started.content
    wrong = post("/api/v1/exams/cbt/answers", json.dumps({"revision": "first", "answers": []}))
    assert wrong.status_code == 400 and set(wrong.json()["fields"]) == {"revision", "answers"}
    assert Attempt.objects.get(status=Attempt.Status.IN_PROGRESS).revision == 0


def test_the_spec_still_publishes_the_start_and_autosave_bodies():
    from peiyu.config.api import api

    paths = api.get_openapi_schema()["paths"]
    for path, fields in (("/api/v1/exams/cbt/start", {"id_number", "ticket_number"}),
                         ("/api/v1/exams/cbt/answers", {"revision", "answers"})):  # fmt: skip
        body = paths[path]["post"]["requestBody"]
        assert body["required"] is True
        assert set(body["content"]["application/json"]["schema"]["required"]) == fields


def test_a_second_computer_waits_and_the_proctor_approves_on_the_console(exam):
    laptop, spare = Client(), Client()
    _identify(laptop, exam)
    response = _identify(spare, exam)
    assert response["Location"] == "/exam/sit/wait/"
    assert "等待监考人员确认" in spare.get("/exam/sit/wait/").content.decode()
    proctor = Client()
    proctor.force_login(exam.world.users["cd_proctor"])
    console = proctor.get(f"/exams/proctor/sittings/{exam.sitting.pk}/")
    assert console.status_code == 200 and "续考申请" in console.content.decode()
    live = proctor.get(f"/exams/proctor/sittings/{exam.sitting.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 10s"' in live.content.decode()
    request = ResumeRequest.objects.get()
    proctor.post(f"/exams/proctor/resume-requests/{request.pk}/", {"action": "approve", "note": "死机"})
    assert spare.get("/exam/sit/wait/")["Location"] == "/exam/sit/paper/"
    assert spare.get("/exam/sit/paper/").status_code == 200
    assert laptop.get("/exam/sit/paper/").status_code == 302  # the old computer is out


def test_another_institution_and_another_city_see_nothing(exam, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    from tests.personas import _user

    stranger = _user(exam.world, "emp_proctor", exam.world.orgs["cd_employer"], "exam_staff")
    c = Client()
    c.force_login(stranger)
    assert c.get(f"/exams/proctor/sittings/{exam.sitting.pk}/").status_code == 404
    proctor = Client()
    proctor.force_login(exam.world.users["cd_proctor"])
    proctor.post(
        f"/exams/proctor/sittings/{exam.sitting.pk}/incidents/", {"reason": "cheating", "description": "夹带"}
    )
    incident = exam.sitting.incidents.get()
    official = Client()
    official.force_login(exam.world.users["sy_official"])
    assert official.get(f"/exams/incidents/{incident.pk}/").status_code == 404
    chengdu = Client()
    chengdu.force_login(exam.world.users["cd_official"])
    detail = chengdu.get(f"/exams/incidents/{incident.pk}/")
    assert detail.status_code == 200 and "签收报告" in detail.content.decode()
    chengdu.post(f"/exams/incidents/{incident.pk}/acknowledge/")
    assert "待签收" not in chengdu.get(f"/exams/incidents/{incident.pk}/").content.decode()


def test_the_console_refreshes_in_few_queries(exam, django_assert_max_num_queries):
    for i in range(3):
        _identify(Client(), exam, i)
    proctor = Client()
    proctor.force_login(exam.world.users["cd_proctor"])
    proctor.get(f"/exams/proctor/sittings/{exam.sitting.pk}/", HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(12):
        proctor.get(f"/exams/proctor/sittings/{exam.sitting.pk}/", HTTP_HX_REQUEST="true")

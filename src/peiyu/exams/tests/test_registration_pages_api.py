"""Registration through the API and the pages (the same services): a candidate's journey, the
institution's review with the stored checks and rule tags, masking by role, scoping (another city's
official gets 404), the ticket download, and concurrent approvals numbering tickets without a gap or a
repeat."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from peiyu.exams.models import Registration
from peiyu.exams.services import registrations as svc

from .registrations_support import GOOD_FACTS, candidate, open_session

pytestmark = pytest.mark.django_db
API = "/api/v1/exams/registrations"
ME = {"name": "李晓红", "id_number": "510107199203040020"}


def test_a_candidate_registers_through_the_api_and_the_institution_approves(exams, login_as):
    session = open_session(exams)
    user = candidate(exams)
    c = login_as(user)
    made = c.post(API, {"session_id": session.pk, **ME}, content_type="application/json")
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    assert made.json()["id_number"] == "510107199203040020"  # her own data, in full
    preview = c.post(f"{API}/{rid}/preview", {"years_in_trade": "5"}, content_type="application/json").json()
    assert not preview["holds"] and "尚差1年" in preview["alternatives"][1]["unmet"][0]
    assert c.put(f"{API}/{rid}/facts", {**GOOD_FACTS}, content_type="application/json").status_code == 200
    refused = c.post(f"{API}/{rid}/actions", {"action": "submit"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["rules"] == ["EVL-8"]
    assert c.post(f"{API}/{rid}/sign", {"agree": True}, content_type="application/json").status_code == 200
    done = c.post(f"{API}/{rid}/actions", {"action": "submit"}, content_type="application/json").json()
    assert done["status"] == "submitted" and done["allowed_actions"] == ["withdraw"]
    admin = login_as(exams.users["cd_exam_admin"])
    seen = admin.get(f"{API}/{rid}").json()
    assert seen["allowed_actions"] == ["approve", "return", "reject"]
    assert {c["rule"] for c in seen["decision"]["checks"]} == {"EVL-5", "EVL-8"}
    approved = admin.post(
        f"{API}/{rid}/actions", {"action": "approve"}, content_type="application/json"
    ).json()
    assert approved["ticket_number"] == f"{session.number}0001" and approved["ticket_url"]
    pdf = c.get(f"{API}/{rid}/ticket")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert login_as(exams.users["sy_official"]).get(f"{API}/{rid}").status_code == 404
    assert login_as(exams.users["hb_official"]).get(f"{API}/{rid}/ticket").status_code == 404
    assert login_as(candidate(exams, "cand2")).get(f"{API}/{rid}").status_code == 404
    listing = login_as(exams.users["cd_official"]).get(API).json()
    assert listing["count"] == 1 and listing["items"][0]["id_number"] == "510107199203040020"
    examiner_view = login_as(exams.users["cd_exam_admin"]).get(API).json()["items"][0]
    assert examiner_view["name"] == "李晓红"  # the institution's staff with personal_data.view_full


def test_the_candidate_pages_register_sign_submit_and_show_the_reason(exams, login_as):
    session = open_session(exams)
    c = login_as(candidate(exams))
    page = c.get("/exam/register/")
    assert page.status_code == 200 and session.number in page.content.decode()
    bad = c.post(f"/exam/register/{session.pk}/start/", {"name": "李晓红", "id_number": "123"})
    assert (
        bad.status_code == 400
        and "身份证号码应为18位" in bad.content.decode()
        and 'value="123"' in bad.content.decode()
    )
    start = c.post(f"/exam/register/{session.pk}/start/", ME)
    reg = Registration.objects.get()
    assert start.status_code == 302 and start["Location"] == f"/exam/my/{reg.pk}/"
    live = c.post(f"/exam/my/{reg.pk}/preview/", {"years_in_trade": "6"}).content.decode()
    assert "满足" in live and "EVL-8" in live
    typed = c.post(f"/exam/my/{reg.pk}/facts/", {**GOOD_FACTS, "years_in_trade": "很多"})
    assert typed.status_code == 400 and "很多" in typed.content.decode()
    assert c.post(f"/exam/my/{reg.pk}/facts/", GOOD_FACTS).status_code == 302
    assert c.post(f"/exam/my/{reg.pk}/sign/", {"agree": "yes"}).status_code == 302
    assert c.post(f"/exam/my/{reg.pk}/submit/").status_code == 302
    admin = login_as(exams.users["cd_exam_admin"])
    detail = admin.get(f"/exams/registrations/{reg.pk}/").content.decode()
    assert "EVL-8" in detail and "符合四级申报条件第1条" in detail
    back = admin.post(
        f"/exams/registrations/{reg.pk}/review/", {"action": "return", "reason": "请上传五级证书"}
    )
    assert back.status_code == 302
    mine = c.get(f"/exam/my/{reg.pk}/").content.decode()
    assert "退回补正" in mine and "请上传五级证书" in mine
    assert any("退回" in t.title for t in _todos(c, exams.users["cand1"]))


def _todos(_client, user):
    from peiyu.exams.todos.registrations import returned_todos

    return returned_todos(user)


def test_the_institution_pages_list_mask_and_scope(exams, login_as):
    session = open_session(exams)
    user = candidate(exams)
    reg = svc.registration_start(actor=user, session=session, person=ME)
    svc.registration_state_facts(actor=user, registration=reg, data=GOOD_FACTS)
    svc.registration_sign(actor=user, registration=reg, agreed=True)
    svc.registration_submit(actor=user, registration=reg)
    listing = (
        login_as(exams.users["cd_exam_admin"])
        .get(f"/exams/registrations/session/{session.pk}/")
        .content.decode()
    )
    assert "李晓红" in listing and "批量审核通过" in listing
    wuhou = (
        login_as(exams.users["cd_official"])
        .get(f"/exams/registrations/session/{session.pk}/")
        .content.decode()
    )
    assert "批量审核通过" not in wuhou
    assert (
        login_as(exams.users["hb_official"]).get(f"/exams/registrations/session/{session.pk}/").status_code
        == 404
    )
    assert login_as(exams.users["hb_official"]).get(f"/exams/registrations/{reg.pk}/").status_code == 404
    from peiyu.exams.todos.registrations import review_todos

    todo = review_todos(exams.users["cd_exam_admin"])
    assert len(todo) == 1 and todo[0].deadline == session.registration_closes_on and todo[0].rule == "EVL-8"
    bulk = login_as(exams.users["cd_exam_admin"]).post(
        f"/exams/registrations/session/{session.pk}/approve-passing/"
    )
    assert bulk.status_code == 302
    reg.refresh_from_db()
    assert reg.status == "approved"
    pdf = login_as(exams.users["cd_exam_admin"]).get(f"/exam/tickets/{reg.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert login_as(exams.users["cd_official"]).get(f"/exam/tickets/{reg.pk}/pdf/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_number_tickets_without_a_gap_or_a_repeat(exams):
    session = open_session(exams)
    regs = []
    for i, number in enumerate(
        ["510107199203040020", "510107199001010042", "510107198505050019", "510107198808080039"]
    ):
        user = candidate(exams, f"c{i}")
        reg = svc.registration_start(
            actor=user, session=session, person={"name": f"考生{'甲乙丙丁'[i]}", "id_number": number}
        )
        svc.registration_state_facts(actor=user, registration=reg, data=GOOD_FACTS)
        svc.registration_sign(actor=user, registration=reg, agreed=True)
        regs.append(svc.registration_submit(actor=user, registration=reg))
    admin = exams.users["cd_exam_admin"]
    errors: list[BaseException] = []

    def approve(reg: Registration) -> None:
        try:
            svc.registration_review(actor=admin, registration=reg, action="approve")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in regs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Registration.objects.filter(session=session).values_list("ticket_number", flat=True))
    assert numbers == [f"{session.number}{i:04d}" for i in range(1, 5)]

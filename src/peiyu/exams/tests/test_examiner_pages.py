"""Pages and API of the examiners area through the same services: the register (a wrong form keeps what
was typed), drawing a panel, the examiner's scoring page (own panels only), the leader's confirmation,
supervision pages; another city's official gets 404."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from peiyu.exams.models import Panel, ScoreEntry
from peiyu.exams.services.panels import panel_draw

from . import factories
from .examiners_support import session_with_candidates


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_register_page_lists_adds_and_keeps_what_was_typed(exams):
    c = _client(exams.users["cd_exam_admin"])
    page = c.get("/exams/examiners/")
    assert page.status_code == 200 and "考评员1" in page.content.decode()
    bad = c.post("/exams/examiners/", {"name": "周考评", "id_number": "123", "occupations": "6-31-01-03",
                                       "licence_number": "KP-9", "licence_valid_until": "2028-01-01"})  # fmt: skip
    body = bad.content.decode()
    assert bad.status_code == 400 and "周考评" in body and "身份证号码应为18位" in body
    e = exams.examiners[0]
    detail = c.get(f"/exams/examiners/{e.pk}/")
    assert detail.status_code == 200 and "培训记录" in detail.content.decode()
    assert _client(exams.users["sy_official"]).get(f"/exams/examiners/{e.pk}/").status_code == 404
    assert _client(exams.users["cd_official"]).get(f"/exams/examiners/{e.pk}/").status_code == 200
    me = _client(exams.users["cd_examiner1"]).get("/exams/examiners/me/")
    assert me.status_code == 200 and "我的回避申报" in me.content.decode()


def test_drawing_scoring_and_confirming_through_the_pages(exams):
    sess, regs = session_with_candidates(exams, n=1)
    admin = _client(exams.users["cd_exam_admin"])
    assert _client(exams.users["sy_official"]).get(f"/exams/sessions/{sess.pk}/panels/").status_code == 404
    r = admin.post(f"/exams/sessions/{sess.pk}/panels/", {"kind": "practical", "seed": "页面"})
    assert r.status_code == 302
    panel = Panel.objects.get(session=sess, kind="practical")
    assert admin.get(r["Location"]).status_code == 200
    members = list(panel.members.select_related("examiner__user").order_by("role"))
    outsider = next(e for e in exams.examiners if e.pk not in {m.examiner_id for m in members})
    assert _client(outsider.user).get(f"/exams/panels/{panel.pk}/score/{regs[0].pk}/").status_code == 404
    for m in members:
        c = _client(m.examiner.user)
        page = c.get(f"/exams/panels/{panel.pk}/score/{regs[0].pk}/")
        assert page.status_code == 200 and "安全操作" in page.content.decode()
        wrong = c.post(f"/exams/panels/{panel.pk}/score/{regs[0].pk}/", {"mark_1.1": "99", "mark_1.2": "50"})
        assert wrong.status_code == 400 and "0 至 40" in wrong.content.decode()
        ok = c.post(f"/exams/panels/{panel.pk}/score/{regs[0].pk}/", {"mark_1.1": "36", "mark_1.2": "50"})
        assert ok.status_code == 302
    assert ScoreEntry.objects.filter(panel=panel).count() == 3
    leader = next(m for m in members if m.role == "leader")
    done = _client(leader.examiner.user).post(f"/exams/panels/{panel.pk}/confirm/", {"note": ""})
    assert done.status_code == 302
    regs[0].refresh_from_db()
    assert str(regs[0].practical_score) == "86.0"
    page = admin.get(f"/exams/sessions/{sess.pk}/panels/").content.decode()
    assert "86.0" in page and "平均分" in page


def test_the_api_draws_and_scores_with_the_same_rules(exams):
    sess, regs = session_with_candidates(exams, n=1)
    admin = _client(exams.users["cd_exam_admin"])
    r = admin.post(f"/api/v1/exams/sessions/{sess.pk}/panels", json.dumps({"kind": "practical", "size": 2}),
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 400 and r.json()["rules"] == ["EVL-6"]
    r = admin.post(f"/api/v1/exams/sessions/{sess.pk}/panels", json.dumps({"kind": "practical", "seed": "api"}),
                   content_type="application/json")  # fmt: skip
    assert (
        r.status_code == 201 and len(r.json()["members"]) == 3 and r.json()["decision"]["rules"] == ["EVL-6"]
    )
    panel_id = r.json()["id"]
    member_id = r.json()["members"][0]["examiner_id"]
    member = next(e for e in exams.examiners if e.pk == member_id)
    s = _client(member.user).post(f"/api/v1/exams/panels/{panel_id}/scores",
                                  json.dumps({"registration_id": regs[0].pk, "marks": {"1.1": "40", "1.2": "60"}}),
                                  content_type="application/json")  # fmt: skip
    assert s.status_code == 200 and s.json()["score"] in ("100.0", 100.0)
    other = _client(exams.users["sy_official"]).get(f"/api/v1/exams/panels/{panel_id}")
    assert other.status_code == 404


def test_supervision_pages_for_the_institution_and_the_supervisor(exams, time_machine):
    from peiyu.exams.services import supervision

    sess = factories.session(exams, status="papers")
    sitting = factories.sitting(sess, "theory")
    admin = _client(exams.users["cd_exam_admin"])
    r = admin.post("/exams/supervisors/", {"kind": "internal", "username": "cd_supervisor", "full_time": "1"})
    assert r.status_code == 302
    sup = supervision.QualitySupervisor.objects.get(user=exams.users["cd_supervisor"])
    page = admin.get(f"/exams/sessions/{sess.pk}/supervision/").content.decode()
    assert "未安排内部质量督导员" in page
    assert (
        admin.post(
            f"/exams/sessions/{sess.pk}/supervision/", {"sitting": sitting.pk, "supervisor": sup.pk}
        ).status_code
        == 302
    )
    a = sup.assignments.get()
    time_machine.move_to(sitting.starts_at, tick=False)
    s = _client(exams.users["cd_supervisor"])
    assert "到岗签到" in s.get(f"/exams/supervision/{a.pk}/").content.decode()
    assert s.post(f"/exams/supervision/{a.pk}/check-in/").status_code == 302
    assert s.post(f"/exams/supervision/{a.pk}/", {"report": "秩序良好"}).status_code == 302
    a.refresh_from_db()
    assert a.checked_in_at and a.report == "秩序良好"
    assert _client(exams.users["cd_examiner1"]).get(f"/exams/supervision/{a.pk}/").status_code == 404
    assert panel_draw  # the draw service the pages call (imported for the page flow above)

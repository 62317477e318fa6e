"""Sessions through the API and the pages (the same services), the tables of plans, sessions and sittings
(every allowed move, a sample of forbidden ones), allowed_actions per role, the workbench to-dos, and the
query counts of the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidTransition
from peiyu.core.models import TransitionLog
from peiyu.exams.flows import PLAN_FLOW, SESSION_FLOW, SITTING_FLOW
from peiyu.exams.models import EvaluationPlan, EvaluationSession
from peiyu.exams.selectors.actions import session_allowed_actions, sitting_allowed_actions
from peiyu.exams.todos import sessions as todos

from . import factories
from .sessions_support import form

S = EvaluationSession.Status


# --- the tables ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("flow", "make"), [
    (SESSION_FLOW, lambda w, st: factories.session(w, status=st)),
    (SITTING_FLOW, lambda w, st: factories.sitting(factories.session(w, status="exam"), status=st)),
    (PLAN_FLOW, lambda w, st: EvaluationPlan.objects.create(institution=w.orgs["cd_social1"], region_code="510107",
                                                            year=2026, title="p", status=st)),
])  # fmt: skip
def test_every_allowed_move_logs_and_audits(exams, flow, make):
    admin = exams.users["cd_exam_admin"]
    for source, targets in flow.transitions.items():
        for target in targets:
            obj = make(exams, source)
            flow.transition(obj, target, actor=admin)
            obj.refresh_from_db()
            assert obj.status == target
            assert TransitionLog.objects.filter(
                subject_id=str(obj.pk), from_status=source, to_status=target
            ).exists()
            assert AuditEvent.objects.filter(action=f"{flow.name}.{target}").exists()
            obj.delete() if flow is PLAN_FLOW else None


@pytest.mark.parametrize(("source", "target"), [("draft", "exam"), ("registration", "rooms"), ("exam", "cancelled"),
                                                ("certificates", "grading"), ("cancelled", "draft")])  # fmt: skip
def test_forbidden_session_moves_write_nothing(exams, source, target):
    s = factories.session(exams, status=source)
    before = TransitionLog.objects.count()
    with pytest.raises(InvalidTransition):
        SESSION_FLOW.transition(s, target, actor=exams.users["cd_exam_admin"])
    s.refresh_from_db()
    assert s.status == source and TransitionLog.objects.count() == before


# --- allowed actions per role -------------------------------------------------------------------------------------


def test_allowed_actions_per_role(exams):
    s = factories.session(exams, status="draft")
    assert session_allowed_actions(exams.users["cd_exam_admin"], s) == ["announce", "cancel"]
    for name in ("cd_official", "cd_proctor", "cd_setter", "cd_employer_exam", "hb_official"):
        assert session_allowed_actions(exams.users[name], s) == [], name
    s.status = "rooms"
    assert session_allowed_actions(exams.users["cd_exam_admin"], s) == ["prepare_papers", "cancel"]
    s.status = "exam"
    assert session_allowed_actions(exams.users["cd_exam_admin"], s) == ["start_grading"]
    s.status = "notice"  # the scores area's verbs, opened by the table
    assert session_allowed_actions(exams.users["cd_exam_admin"], s) == ["remark", "finalise"]
    sitting = factories.sitting(factories.session(exams, status="exam"))
    assert sitting_allowed_actions(exams.users["cd_proctor"], sitting) == ["open"]
    assert sitting_allowed_actions(exams.users["cd_official"], sitting) == []
    rooms = factories.sitting(factories.session(exams, status="rooms"))
    assert sitting_allowed_actions(exams.users["cd_exam_admin"], rooms) == [
        "assign_proctor",
        "allocate_seats",
    ]
    assert sitting_allowed_actions(exams.users["cd_proctor"], rooms) == []


# --- API ----------------------------------------------------------------------------------------------------------


def _api_body(exams):
    data = form(exams)
    today = timezone.localdate()
    return {**{k: v for k, v in data.items() if k not in ("site", "bank", "listing", "capacity", "fee",
                                                          "theory_minutes", "forms")},
            "listing": int(data["listing"]), "site": int(data["site"]), "bank": int(data["bank"]), "capacity": 40,
            "fee": "300", "theory_starts_at": f"{(today + dt.timedelta(days=30)).isoformat()}T09:00:00+08:00"}  # fmt: skip


def test_the_api_creates_and_walks_a_session(exams, login_as, time_machine):
    c = login_as(exams.users["cd_exam_admin"])
    created = c.post("/api/v1/exams/sessions", _api_body(exams), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["allowed_actions"] == ["announce", "cancel"]
    assert [s["label"] for s in body["steps"]][:3] == ["公告发布", "报名受理", "报名审核"]
    assert body["decisions"][0]["outcome"] == "created" and body["decisions"][0]["policy_version"]
    sid = body["id"]
    done = c.post(
        f"/api/v1/exams/sessions/{sid}/actions", {"action": "announce"}, content_type="application/json"
    )
    assert done.json()["status"] == "announced"
    early = c.post(f"/api/v1/exams/sessions/{sid}/actions", {"action": "open_registration"},
                   content_type="application/json")  # fmt: skip
    assert early.status_code == 400 and early.json()["rules"] == ["EVL-5"]
    twice = c.post(
        f"/api/v1/exams/sessions/{sid}/actions", {"action": "announce"}, content_type="application/json"
    )
    assert twice.status_code == 409
    unknown = c.post(
        f"/api/v1/exams/sessions/{sid}/actions", {"action": "x"}, content_type="application/json"
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_action"
    public = c.get(f"/api/v1/exams/announcements/{body['number']}")
    assert public.status_code == 200 and public.json()["status_label"] == "已发布公告"


def test_the_api_refusal_names_the_rules_and_the_stored_decision(exams, login_as):
    listing = exams.listings["cd_elec"]
    listing.status = "suspended"
    listing.save()
    c = login_as(exams.users["cd_exam_admin"])
    refused = c.post("/api/v1/exams/sessions", _api_body(exams), content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["rules"] == ["SUP-7"] and refused.json()["details"]["decision"]


def test_the_api_scopes_sessions(exams, login_as):
    s = factories.session(exams, status="announced")
    draft = factories.session(exams, status="draft")
    for name, seen in (("cd_exam_admin", {s.pk, draft.pk}), ("cd_official", {s.pk}), ("wuhou_official", {s.pk}),
                       ("hb_official", set()), ("sy_official", set()), ("cd_employer_exam", set())):  # fmt: skip
        c = login_as(exams.users[name])
        listed = c.get("/api/v1/exams/sessions").json()
        assert {i["id"] for i in listed["items"]} == seen, name
        assert c.get(f"/api/v1/exams/sessions/{s.pk}").status_code == (200 if s.pk in seen else 404), name


def test_the_api_prepares_rooms(exams, login_as):
    s = factories.session(exams, status="rooms")
    c = login_as(exams.users["cd_exam_admin"])
    room = s.site.rooms.get(kind="theory")
    made = c.post(f"/api/v1/exams/sessions/{s.pk}/sittings", {"kind": "theory", "room": room.pk,
                                                              "proctor": exams.users["cd_proctor"].pk},
                  content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.json()
    assert made.json()["capacity"] == 40 and made.json()["allowed_actions"] == [
        "assign_proctor",
        "allocate_seats",
    ]
    listed = c.get(f"/api/v1/exams/sessions/{s.pk}/sittings").json()
    assert listed["count"] == 1


# --- pages --------------------------------------------------------------------------------------------------------


def test_the_form_shows_a_refusal_with_its_rule_tags_and_keeps_the_input(exams, login_as):
    site = factories.site(exams.orgs["cd_employer"])
    c = login_as(exams.users["cd_exam_admin"])
    response = c.post(reverse("exams:session_new"), form(exams, site=site.pk, title="借用考点的批次"))
    text = response.content.decode()
    assert response.status_code == 400
    assert '<span class="tag" title="规则编号">EVL-9</span>' in text and "借用考点的批次" in text
    assert "不得借用" in text


def test_the_pages_create_announce_and_show_the_step_bar(exams, login_as):
    c = login_as(exams.users["cd_exam_admin"])
    response = c.post(reverse("exams:session_new"), form(exams))
    assert response.status_code == 302
    s = EvaluationSession.objects.get()
    page = c.get(reverse("exams:session_detail", args=[s.pk])).content.decode()
    assert 'class="stepbar"' in page and "公告发布" in page and "发布考核公告" in page and "EVL-2" in page
    c.post(reverse("exams:session_act", args=[s.pk]), {"action": "announce"})
    s.refresh_from_db()
    assert s.status == S.ANNOUNCED
    public = c.get(reverse("exam_public:announcement_detail", args=[s.number]))
    assert public.status_code == 200 and s.title in public.content.decode()
    listed = c.get(reverse("exams:session_list"), {"status": "announced"}).content.decode()
    assert s.number in listed and "已发布公告" in listed


def test_an_official_sees_no_buttons_and_another_city_gets_404(exams, login_as):
    s = factories.session(exams, status="registration")
    page = login_as(exams.users["cd_official"]).get(reverse("exams:session_detail", args=[s.pk]))
    assert page.status_code == 200 and "当前没有需要您办理的事项" in page.content.decode()
    assert (
        login_as(exams.users["sy_official"]).get(reverse("exams:session_detail", args=[s.pk])).status_code
        == 404
    )
    post = login_as(exams.users["sy_official"]).post(
        reverse("exams:session_act", args=[s.pk]), {"action": "cancel"}
    )
    assert post.status_code == 404


def test_the_sitting_page_shows_the_supervisor_gate(exams, login_as):
    x = factories.sitting(factories.session(exams, status="exam"), proctor=exams.users["cd_proctor"])
    c = login_as(exams.users["cd_proctor"])
    page = c.get(reverse("exams:sitting_detail", args=[x.pk])).content.decode()
    assert "开考" in page and "EVL-3" in page
    c.post(reverse("exams:sitting_act", args=[x.pk]), {"action": "open"})
    x.refresh_from_db()
    assert x.status == "scheduled"
    page = c.get(reverse("exams:sitting_detail", args=[x.pk])).content.decode()
    assert "未安排内部质量督导员" in page


# --- lists and to-dos ---------------------------------------------------------------------------------------------


def test_the_lists_run_a_fixed_number_of_queries(exams, login_as):
    c = login_as(exams.users["cd_exam_admin"])
    factories.session(exams, status="announced")
    c.get("/api/v1/exams/sessions")  # warm the user's assignments and the caches
    with CaptureQueriesContext(connection) as few:
        assert c.get("/api/v1/exams/sessions").status_code == 200
    for _ in range(4):
        factories.session(exams, status="announced")
    with CaptureQueriesContext(connection) as many:
        assert c.get("/api/v1/exams/sessions").json()["count"] == 5
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as page_few:
        c.get(reverse("exams:session_list"))
    factories.session(exams, status="draft")
    with CaptureQueriesContext(connection) as page_many:
        c.get(reverse("exams:session_list"))
    assert len(page_many) == len(page_few)


def test_the_todos_carry_the_stored_deadlines(exams, time_machine):
    draft = factories.session(exams, status="draft")
    draft.announce_by = (factories.DAY - dt.timedelta(days=1)).date()
    draft.save()
    review = factories.session(exams, status="eligibility")
    review.review_due_on = (factories.DAY + dt.timedelta(days=3)).date()
    review.save()
    factories.session(exams, status="rooms")
    admin = exams.users["cd_exam_admin"]
    announce = todos.sessions_to_announce(admin)
    assert len(announce) == 1 and announce[0].overdue and announce[0].rule == "EVL-5"
    assert todos.reviews_to_finish(admin)[0].deadline == review.review_due_on
    assert len(todos.rooms_to_prepare(admin)) == 1
    assert todos.sessions_to_announce(exams.users["cd_official"]) == []
    soon = factories.session(exams, status="registration", starts=factories.DAY + dt.timedelta(days=5))
    titles = [t.title for t in todos.sessions_starting_soon(exams.users["cd_official"])]
    assert any(soon.title in t for t in titles)
    assert todos.sessions_starting_soon(exams.users["sy_official"]) == []


def test_a_dte_session_reaches_the_province_and_the_coordination_group(exams):
    from peiyu.exams.selectors.sessions import sessions_visible_to

    dte = factories.session(exams, listing_key="hb_ai", level="初级", status="announced")
    skill = factories.session(exams, status="announced")
    assert set(sessions_visible_to(exams.users["hb_official"])) == {dte}
    assert set(sessions_visible_to(exams.users["cg_official"])) == {dte}  # not Chengdu's skill session
    assert set(sessions_visible_to(exams.users["cd_official"])) == {skill}
    assert not sessions_visible_to(exams.users["hb_eval_admin"]).filter(pk=skill.pk).exists()

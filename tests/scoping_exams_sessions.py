"""Evaluation plans, sessions and sittings of a Shenyang and a Dalian institution for the scoping walk: an
evaluation entry of each, an accepted site, a session in room preparation with a theory sitting, and a
published annual plan. The bureaus of each city supervise their own (exam.supervise)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

PARAMS = ("exam_session_id", "sitting_id", "exam_plan_id")
OWNERS = {
    "exam_session_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "sitting_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "exam_plan_id": {"shenyang": "sy_official", "dalian": "dl_official"},
}
PAGE_RECORDS = {
    "exams/sessions/<int:pk>/": "exam_session_id",
    "exams/sittings/<int:pk>/": "sitting_id",
    "exams/plans/<int:pk>/": "exam_plan_id",
}
_ACTION = lambda w, c: {"action": "cancel", "reason": "x"}  # noqa: E731
BODIES = {
    ("post", "/api/v1/exams/sessions/{exam_session_id}/actions"): _ACTION,
    ("post", "/api/v1/exams/sessions/{exam_session_id}/sittings"): lambda w, c: {"kind": "theory", "room": 1},
    ("post", "/api/v1/exams/sittings/{sitting_id}/actions"): lambda w, c: {"action": "open"},
    ("put", "/api/v1/exams/plans/{exam_plan_id}"): lambda w, c: {"year": 2026, "title": "x"},
    ("post", "/api/v1/exams/plans/{exam_plan_id}/actions"): lambda w, c: {
        "action": "withdraw",
        "reason": "x",
    },
}


def records(world) -> dict[str, dict[str, int]]:
    from peiyu.exams.models import EvaluationPlan, EvaluationSession, ExamRoom, ExamSite, PlanEntry, Sitting
    from peiyu.institutions.models import Listing

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    today = timezone.localdate()
    starts = timezone.now() + dt.timedelta(days=30)
    for city, org_key in (("shenyang", "inst_sy"), ("dalian", "inst_dl")):
        org = world.orgs[org_key]
        listing = Listing.objects.create(
            number=f"LEWALK{city}", programme="dte", institution=org, institution_name=org.name, kind="evaluation",
            occupation_code="2-02-38-01", occupation_name="人工智能工程技术人员", levels=["初级"],
            region_id=org.region_id, valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=900),
            status="active",
        )  # fmt: skip
        site = ExamSite.objects.create(institution=org, region_id=org.region_id, name=f"walk-{city}", address="x",
                                       status="accepted")  # fmt: skip
        room = ExamRoom.objects.create(
            site=site, kind="theory", name="walk", seats=10, computers=10, one_per_desk=True
        )
        session = EvaluationSession.objects.create(
            number=f"KHWALK{city}", institution=org, listing=listing, region_code=org.region_id, programme="dte",
            occupation_code=listing.occupation_code, occupation_name=listing.occupation_name, level="初级",
            title="walk", site=site, registration_opens_on=today, registration_closes_on=today,
            theory_starts_at=starts, status="rooms",
        )  # fmt: skip
        sitting = Sitting.objects.create(session=session, kind="theory", room=room, starts_at=starts,
                                         ends_at=starts + dt.timedelta(hours=2))  # fmt: skip
        plan = EvaluationPlan.objects.create(institution=org, region_code=org.region_id, year=today.year,
                                             title="walk", status="published", published_at=timezone.now())  # fmt: skip
        PlanEntry.objects.create(plan=plan, occupation_code=listing.occupation_code,
                                 occupation_name=listing.occupation_name, level="初级", times="x", place="x")  # fmt: skip
        out["exam_session_id"][city] = session.pk
        out["sitting_id"][city] = sitting.pk
        out["exam_plan_id"][city] = plan.pk
    return out

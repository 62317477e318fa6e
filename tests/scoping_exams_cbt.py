"""The computer-based exam of a Shenyang and a Dalian session for the scoping walk: the walk
registration's attempt on the session's walk form (scoping_exams_papers), a pending resumption request
and an incident recorded in the theory sitting. The bureaus of each city see their incidents
(exam.supervise); only the institution's proctor decides a resumption or voids an attempt (no proctor
persona in the walk: the console's pages are walked for outsiders only)."""

from __future__ import annotations

PARAMS = ("attempt_id", "request_id", "incident_id")
OWNERS = {
    "attempt_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "request_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "incident_id": {"shenyang": "sy_official", "dalian": "dl_official"},
}
PAGE_RECORDS = {
    "exams/incidents/<int:pk>/": "incident_id",
    "exams/proctor/sittings/<int:": "sitting_id",
    "exams/proctor/resume-requests/<int:": "request_id",
    "exams/proctor/attempts/<int:": "attempt_id",
    "exams/marking/sessions/<int:": "exam_session_id",
}
BODIES = {
    ("post", "/api/v1/exams/cbt/resume-requests/{request_id}/decision"): lambda w, c: {"action": "approve"},
    ("post", "/api/v1/exams/cbt/attempts/{attempt_id}/void"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/exams/cbt/sittings/{sitting_id}/incidents"): lambda w, c: {"reason": "late", "description": "x"},
}  # fmt: skip


def records(
    world, sittings: dict[str, int], registrations: dict[str, int], papers: dict[str, int]
) -> dict[str, dict[str, int]]:
    """The walk's theory sitting, registration and form of each city."""
    from django.utils import timezone

    from peiyu.exams.models import Attempt, Incident, ResumeRequest, Sitting

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for city, admin in (("shenyang", "sy_inst_admin"), ("dalian", "dl_inst_admin")):
        sitting = Sitting.objects.get(pk=sittings[city])
        attempt = Attempt.objects.create(registration_id=registrations[city], sitting=sitting,
                                         paper_id=papers[city], shuffle_seed="walk", status="in_progress")  # fmt: skip
        request = ResumeRequest.objects.create(attempt=attempt, reason="walk", device_token="0" * 64)
        incident = Incident.objects.create(session_id=sitting.session_id, sitting=sitting, reason="late",
                                           description="walk", occurred_at=timezone.now(),
                                           recorded_by=world.users[admin])  # fmt: skip
        out["attempt_id"][city], out["request_id"][city] = attempt.pk, request.pk
        out["incident_id"][city] = incident.pk
    return out

"""Registrations of a Shenyang and a Dalian candidate for the scoping walk: an approved registration with
an admission ticket in each city's walk session (scoping_exams_sessions), seated in its theory sitting.
The institution sees its sessions' registrations and tickets (exam.manage); the bureaus supervise."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PARAMS = ("registration_id",)
OWNERS = {"registration_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"}}
PAGE_RECORDS = {
    "exams/registrations/<int:pk>/": "registration_id",
    # a session's registrations (pages under <int:session_id>): outsiders only, see PAGE_SUBRECORDS
    "exams/registrations/session/<int:": "exam_session_id",
}
PAGE_SUBRECORDS = {"<int:session_id>": "exam_session_id"}
_FACTS = lambda w, c: {"education": "高中", "years_in_trade": "6"}  # noqa: E731
BODIES = {
    ("put", "/api/v1/exams/registrations/{registration_id}/facts"): _FACTS,
    ("post", "/api/v1/exams/registrations/{registration_id}/preview"): _FACTS,
    ("post", "/api/v1/exams/registrations/{registration_id}/sign"): lambda w, c: {"agree": True},
    ("post", "/api/v1/exams/registrations/{registration_id}/actions"): lambda w, c: {"action": "return", "reason": "x"},
    ("post", "/api/v1/exams/registrations/{registration_id}/route"): lambda w, c: {"route": "standard", "justification": "x"},
    ("post", "/api/v1/exams/sessions/{exam_session_id}/registrations/import"): lambda w, c: (
        "multipart", {"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04")}),
}  # fmt: skip


def records(world, sessions: dict[str, int], sittings: dict[str, int]) -> dict[str, dict[str, int]]:
    """`sessions`, `sittings`: the walk's exam session and theory sitting of each city."""
    from peiyu.exams.models import EvaluationSession
    from peiyu.exams.tests import factories

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for n, city in enumerate(("shenyang", "dalian")):
        session = EvaluationSession.objects.get(pk=sessions[city])
        person = factories.person(f"考生{city}", f"21020219950615{n}27")
        reg = factories.registration(session, person, seat="01", theory_sitting_id=sittings[city])
        out["registration_id"][city] = reg.pk
    return out

"""The evaluation's later areas in the scoping walk, gathered for test_scoping_walk: registrations,
examiners (panels, supervision), the computer-based exam and scores, each built on the walk's exam
session, sitting and form of each city. Application conditions are national reference data (the
standard's text), not a jurisdiction record: their pages are not walked by city."""

from __future__ import annotations

from . import scoping_exams_cbt, scoping_exams_examiners, scoping_exams_registrations, scoping_exams_scores

_AREAS = (scoping_exams_registrations, scoping_exams_examiners, scoping_exams_cbt, scoping_exams_scores)
OWNERS = {k: v for area in _AREAS for k, v in area.OWNERS.items()}
PAGE_RECORDS = {
    **{k: v for area in _AREAS for k, v in area.PAGE_RECORDS.items()},
    # a session's archive (the archive records are scoping_exams_sites')
    "exams/archives/<int:pk>/": "exam_session_id",
    # the candidate's own registration and ticket: no candidate persona in the walk, outsiders only
    "exam/my/<int:": "registration_id",
    "exam/tickets/<int:": "registration_id",
}
PAGE_SUBRECORDS = {k: v for area in _AREAS for k, v in getattr(area, "PAGE_SUBRECORDS", {}).items()}
BODIES = {k: v for area in _AREAS for k, v in area.BODIES.items()}
PAGE_UNSCOPED = ("exams/conditions/",)


def records(world, earlier: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """`earlier`: the samples already made (exam_session_id, sitting_id, paper_id of each city)."""
    sessions, sittings = earlier["exam_session_id"], earlier["sitting_id"]
    registrations = scoping_exams_registrations.records(world, sessions, sittings)
    return {
        **registrations,
        **scoping_exams_examiners.records(world, sessions, sittings),
        **scoping_exams_cbt.records(world, sittings, registrations["registration_id"], earlier["paper_id"]),
        **scoping_exams_scores.records(world, sessions, registrations["registration_id"]),
    }

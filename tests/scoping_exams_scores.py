"""Score notices and objections of a Shenyang and a Dalian session for the scoping walk: a published
score notice of each city's walk session with one open objection on the walk registration. The bureaus
of each city see their own sessions' results and objections (exam.supervise)."""

from __future__ import annotations

PARAMS = ("score_objection_id",)
OWNERS = {"score_objection_id": {"shenyang": "sy_official", "dalian": "dl_official"}}
PAGE_RECORDS = {
    # a session's results and an objection (<int:session_id>, <int:objection_id>): outsiders only
    "exams/scores/sessions/<int:": "exam_session_id",
    "exams/scores/objections/<int:": "score_objection_id",
}
PAGE_SUBRECORDS = {"<int:objection_id>": "score_objection_id"}
BODIES = {
    ("post", "/api/v1/exams/scores/sessions/{exam_session_id}/actions"): lambda w, c: {"action": "publish_notice"},
    ("post", "/api/v1/exams/scores/objections/{score_objection_id}/actions"): lambda w, c: {
        "action": "dismiss", "reason": "x"},
    ("post", "/api/v1/exams/scores/objections/{score_objection_id}/remarks"): lambda w, c: {
        "part": "theory", "score": "60", "note": "x"},
}  # fmt: skip


def records(world, sessions: dict[str, int], registrations: dict[str, int]) -> dict[str, dict[str, int]]:
    """`sessions`, `registrations`: the walk's exam session and registration of each city."""
    import datetime as dt

    from django.utils import timezone

    from peiyu.core.models import Decision
    from peiyu.exams.models import PassingList, ScoreNotice, ScoreObjection
    from peiyu.exams.selectors.scores import rows_digest

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    today = timezone.localdate()
    for city, admin in (("shenyang", "sy_inst_admin"), ("dalian", "dl_inst_admin")):
        decision = Decision.objects.create(subject_type="exams.evaluationsession", subject_id=str(sessions[city]),
                                           kind="score_notice", outcome="published", rules=["EVL-8"])  # fmt: skip
        notice = ScoreNotice.objects.create(session_id=sessions[city], number=f"CJWALK{city}", starts_on=today,
                                            ends_on=today + dt.timedelta(days=7), working_days=5,
                                            published_by=world.users[admin], published_at=timezone.now(),
                                            decision=decision)  # fmt: skip
        objection = ScoreObjection.objects.create(notice=notice, registration_id=registrations[city],
                                                  tracking_number=f"CYWALK{city}", submitter_name="x",
                                                  content="walk")  # fmt: skip
        PassingList.objects.create(session_id=sessions[city], notice=notice, rows=[], count=0, digest=rows_digest([]),
                                   exam_on=today, created_by=world.users[admin], decision=decision)  # fmt: skip
        out["score_objection_id"][city] = objection.pk
    return out

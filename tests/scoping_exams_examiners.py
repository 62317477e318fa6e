"""Examiners, panels and quality supervision of a Shenyang and a Dalian institution for the scoping walk:
an examiner of each institution, a practical panel of each city's walk session with that examiner as
leader, and an internal supervisor assigned to the session's theory sitting. The bureaus of each city
see their own (exam.supervise); only the assigned supervisor opens her assignment (no such persona in
the walk: its pages are walked for outsiders only)."""

from __future__ import annotations

PARAMS = ("examiner_id", "exam_panel_id", "supervision_id")
OWNERS = {p: {"shenyang": "sy_official", "dalian": "dl_official"} for p in PARAMS}
PAGE_RECORDS = {
    "exams/examiners/<int:pk>/": "examiner_id",
    "exams/panels/<int:pk>/": "exam_panel_id",
    # a session's panels, results and supervision (<int:sid>): outsiders only, see PAGE_SUBRECORDS
    "exams/sessions/<int:sid>/": "exam_session_id",
    "exams/supervision/<int:": "supervision_id",
}
PAGE_SUBRECORDS = {"<int:sid>": "exam_session_id"}
_DRAW = {"kind": "practical", "size": 1}
BODIES = {
    ("patch", "/api/v1/exams/examiners/{examiner_id}"): lambda w, c: {"employer_name": "x"},
    ("post", "/api/v1/exams/examiners/{examiner_id}/disable"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/exams/examiners/{examiner_id}/relations"): lambda w, c: {"kind": "employed", "org_name": "x"},
    ("post", "/api/v1/exams/sessions/{exam_session_id}/panels"): lambda w, c: _DRAW,
    ("post", "/api/v1/exams/panels/{exam_panel_id}/redraw"): lambda w, c: {**_DRAW, "reason": "x"},
    ("post", "/api/v1/exams/panels/{exam_panel_id}/scores"): lambda w, c: {"registration_id": 1, "marks": {}},
    ("post", "/api/v1/exams/panels/{exam_panel_id}/confirm"): lambda w, c: {"note": "x"},
    ("post", "/api/v1/exams/sittings/{sitting_id}/supervisors"): lambda w, c: {"supervisor_id": 1},
    ("post", "/api/v1/exams/supervision/{supervision_id}/report"): lambda w, c: {"report": "x"},
}  # fmt: skip


def records(world, sessions: dict[str, int], sittings: dict[str, int]) -> dict[str, dict[str, int]]:
    """`sessions`, `sittings`: the walk's exam session and theory sitting of each city."""
    from django.utils import timezone

    from peiyu.core.models import Decision
    from peiyu.exams.models import Panel, PanelMember, QualitySupervisor, SupervisionAssignment
    from peiyu.exams.tests import factories

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for n, (city, org_key, admin) in enumerate(
        (("shenyang", "inst_sy", "sy_inst_admin"), ("dalian", "inst_dl", "dl_inst_admin"))
    ):
        org, user = world.orgs[org_key], world.users[admin]
        examiner = factories.examiner(
            org, f"考评员{city}", f"21020219800615{n}35", occupations=("2-02-38-01",)
        )
        decision = Decision.objects.create(subject_type="exams.evaluationsession", subject_id=str(sessions[city]),
                                           kind="panel_draw", outcome="drawn", rules=["EVL-6"])  # fmt: skip
        panel = Panel.objects.create(session_id=sessions[city], kind=Panel.Kind.PRACTICAL, seed="walk",
                                     drawn_at=timezone.now(), drawn_by=user, decision=decision)  # fmt: skip
        PanelMember.objects.create(panel=panel, examiner=examiner, role=PanelMember.Role.LEADER)
        supervisor = QualitySupervisor.objects.create(
            kind="internal", user=user, org=org, name=f"督导员{city}"
        )
        assignment = SupervisionAssignment.objects.create(sitting_id=sittings[city], supervisor=supervisor,
                                                          assigned_by=user)  # fmt: skip
        out["examiner_id"][city], out["exam_panel_id"][city] = examiner.pk, panel.pk
        out["supervision_id"][city] = assignment.pk
    return out

"""Papers of a Shenyang and a Dalian session for the scoping walk: an assembly run of each session (its
exam_session_id sample, from scoping_exams_sessions) with one assembled theory form. The bureaus of
each city see their own forms' digests and status (exam.supervise); only the institution assembles,
seals and voids."""

from __future__ import annotations

PARAMS = ("paper_id", "assembly_run_id")
OWNERS = {p: {"shenyang": "sy_official", "dalian": "dl_official"} for p in PARAMS}
PAGE_RECORDS = {
    "exams/papers/sessions/<int:pk>/": "exam_session_id",
    "exams/papers/runs/<int:pk>/": "assembly_run_id",
    "exams/papers/<int:pk>/": "paper_id",
}
BODIES = {
    ("post", "/api/v1/exams/sessions/{exam_session_id}/papers/assemble"): lambda w, c: {"forms": 2},
    ("post", "/api/v1/exams/papers/{paper_id}/actions"): lambda w, c: {"action": "void", "reason": "x"},
}


def records(world, sessions: dict[str, int]) -> dict[str, dict[str, int]]:
    from peiyu.core.models import Decision
    from peiyu.exams.models import AssemblyRun, Paper

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for city, session_id in sessions.items():
        decision = Decision.objects.create(subject_type="exams.evaluationsession", subject_id=str(session_id),
                                           kind="paper_assembly", outcome="assembled", rules=["EVL-5"])  # fmt: skip
        run = AssemblyRun.objects.create(session_id=session_id, forms=1, max_overlap=0.3, seed="walk",
                                         outcome="assembled", decision=decision,
                                         requested_by=world.users["sy_inst_admin" if city == "shenyang" else "dl_inst_admin"])  # fmt: skip
        paper = Paper.objects.create(session_id=session_id, run=run, form="A")
        out["paper_id"][city] = paper.pk
        out["assembly_run_id"][city] = run.pk
    return out

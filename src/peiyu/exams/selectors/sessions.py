"""Reads of exam sessions and their sittings, scoped (DESIGN §5): the institution sees its own (its exam
administrators and exam staff); once out of draft, the bureaus of the session's region see what they
supervise (exam.supervise), and for DTE also the coordination group (supervision.manage, national) —
the province is a bureau of the region. Missing and out of scope are both 404. The public reads the
announcements of announced sessions.

The directory is read through `peiyu.institutions.selectors` only (ADR 0007)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from peiyu.accounts.masking import MASKED, personal_view
from peiyu.accounts.models import User
from peiyu.accounts.scoping import scope_for
from peiyu.accounts.selectors.holders import users_holding
from peiyu.core.lookups import one_or_404
from peiyu.core.models import Decision
from peiyu.institutions.selectors.evaluation_listings import evaluation_listings_of

from ..flows import SESSION_FLOW
from ..models import (
    EvaluationSession,
    ExamRoom,
    ExamSite,
    QuestionBank,
    Registration,
    SeatAssignment,
    Sitting,
)
from ..rules.sessions import ROOM_FOR_SITTING, EntryFacts, RoomsFacts, sitting_capacity

S = EvaluationSession.Status
R = Registration.Status
SUBJECT = "exams.evaluationsession"
SITTING_SUBJECT = "exams.sitting"
CREATE_SUBJECT = "accounts.org"

# EVL-5's steps (seed 001 Art. 19) and the status in which each is under way
STEPS: list[tuple[str, str]] = [
    (S.ANNOUNCED, "公告发布"),
    (S.REGISTRATION, "报名受理"),
    (S.ELIGIBILITY, "报名审核"),
    (S.ROOMS, "考场准备"),
    (S.PAPERS, "试题命制"),
    (S.EXAM, "评价实施"),
    (S.GRADING, "阅卷评分"),
    (S.NOTICE, "成绩公示"),
    (S.CERTIFICATES, "证书核发"),
]
ORDER = {S.DRAFT: 0, **{status: i + 1 for i, (status, _label) in enumerate(STEPS)}}
PUBLIC_STATUSES = [status for status, _label in STEPS]
WAITING = (R.SUBMITTED, R.RETURNED)


def _none() -> Q:
    return Q(pk__in=[])


def session_q(actor: Any, prefix: str = "") -> Q:
    """The sessions the actor may see, as a filter on a model reaching the session through `prefix`."""
    own: Q = _none()
    for cap in ("exam.manage", "exam.proctor"):
        scope = scope_for(actor, cap)
        if scope.org_ids:
            own |= scope.q(org=f"{prefix}institution_id")
    supervised: Q = _none()
    supervise = scope_for(actor, "exam.supervise")
    if supervise.region_prefixes:
        supervised |= supervise.q(region=f"{prefix}region_code")
    group = scope_for(actor, "supervision.manage")
    if group.region_prefixes:  # DTE: the coordination group supervises evaluation nationally (EVL-11)
        supervised |= group.q(region=f"{prefix}region_code") & Q(**{f"{prefix}programme": "dte"})
    return own | (supervised & ~Q(**{f"{prefix}status": S.DRAFT}))


def sessions_visible_to(actor: Any) -> QuerySet[EvaluationSession]:
    return EvaluationSession.objects.filter(session_q(actor)).select_related("institution", "site")


def session_get_for(actor: Any, session_id: Any) -> EvaluationSession:
    return one_or_404(sessions_visible_to(actor).select_related("decision", "bank", "listing"), pk=session_id)


def manages(actor: Any, institution_id: int) -> bool:
    return institution_id in scope_for(actor, "exam.manage").org_ids


def managed_institutions(actor: Any) -> list[int]:
    return sorted(scope_for(actor, "exam.manage").org_ids)


# --- the directory, the sites and the banks the form offers ----------------------------------------------


def entry_facts(listing: Any) -> EntryFacts:
    return EntryFacts(
        number=listing.number,
        programme=listing.programme,
        kind=listing.kind,
        status=listing.status,
        status_label=str(listing.get_status_display()),
        occupation_code=listing.occupation_code,
        levels=tuple(listing.levels or ()),
        valid_from=listing.valid_from,
        valid_until=listing.valid_until,
    )


def evaluation_entries(institution_id: int) -> list[Any]:
    """The institution's evaluation entries that still count (any status but removed/terminated)."""
    return list(evaluation_listings_of(institution_id))


def listed_levels(institution_id: int, *, on: dt.date) -> dict[str, list[str]]:
    """Occupation code → levels of the institution's active evaluation entries valid on `on`."""
    out: dict[str, list[str]] = {}
    for listing in evaluation_listings_of(institution_id):
        if listing.status == "active" and listing.valid_from <= on <= listing.valid_until:
            out.setdefault(listing.occupation_code, []).extend(listing.levels or [])
    return out


def sites_of(institution_id: int) -> QuerySet[ExamSite]:
    return ExamSite.objects.filter(institution_id=institution_id).order_by("status", "name")


def banks_of(institution_id: int) -> QuerySet[QuestionBank]:
    return QuestionBank.objects.filter(institution_id=institution_id).order_by("occupation_code", "level")


# --- one session's page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    current: bool


def session_steps(session: EvaluationSession) -> list[Step]:
    """EVL-5's steps with where the session stands (a cancelled session shows where it stopped)."""
    at = ORDER.get(session.status, 0)
    if session.status == S.CANCELLED:
        at = 0
    return [
        Step(
            str(status),
            label,
            ORDER[status] < at or (status == S.CERTIFICATES and at == ORDER[status]),
            ORDER[status] == at,
        )
        for status, label in STEPS
    ]


DECISION_LABELS = {
    "session_create": "创建批次",
    "session_announce": "发布考核公告",
    "session_open_registration": "开始报名",
    "session_finish_review": "资格审核完成",
    "session_prepare_papers": "考场编排完成",
    "session_start_exam": "开考",
    "session_start_grading": "开始评分",
}


def session_decisions(session: EvaluationSession) -> list[Decision]:
    """The stored checks of the session (creation, each step, refusals), newest first, each with its
    `kind_label`."""
    rows = list(
        Decision.objects.filter(subject_type=SUBJECT, subject_id=str(session.pk)).order_by("-pk")[:20]
    )
    for d in rows:
        d.kind_label = DECISION_LABELS.get(d.kind, "检查")  # type: ignore[attr-defined]
    return rows


def registration_counts(session: EvaluationSession) -> dict[str, int]:
    rows = Registration.objects.filter(session=session).values("status").annotate(n=Count("id"))
    counts = {str(r["status"]): int(r["n"]) for r in rows}
    counts["waiting"] = sum(counts.get(s, 0) for s in WAITING)
    return counts


def waiting_registrations(session_id: int) -> int:
    return Registration.objects.filter(session_id=session_id, status__in=WAITING).count()


def approved_registrations(session: EvaluationSession) -> QuerySet[Registration]:
    return Registration.objects.filter(session=session, status=R.APPROVED).order_by("ticket_number", "pk")


def sittings_of(session: EvaluationSession) -> list[Sitting]:
    return list(
        Sitting.objects.filter(session=session)
        .select_related("room", "proctor")
        .annotate(taken=Count("seats"))
        .order_by("starts_at", "kind", "room__name")
    )


def capacity_of(sitting: Sitting) -> int:
    room = sitting.room
    return sitting_capacity(kind=sitting.kind, seats=room.seats, computers=room.computers)


def rooms_for(session: EvaluationSession) -> list[ExamRoom]:
    """The active rooms of the session's site, of the kinds a sitting can use."""
    return list(
        ExamRoom.objects.filter(
            site_id=session.site_id, is_active=True, kind__in=ROOM_FOR_SITTING.values()
        ).order_by("kind", "name")
    )


def proctor_choices(session: EvaluationSession) -> QuerySet[User]:
    """The institution's staff holding exam.proctor."""
    return users_holding("exam.proctor", session.institution_id)


def rooms_facts(session: EvaluationSession) -> RoomsFacts:
    approved = approved_registrations(session)
    seated = dict(
        SeatAssignment.objects.filter(sitting__session=session, registration__status=R.APPROVED)
        .values("sitting__kind")
        .annotate(n=Count("registration", distinct=True))
        .values_list("sitting__kind", "n")
    )
    without = Sitting.objects.filter(session=session, proctor__isnull=True).select_related("room")
    return RoomsFacts(
        approved=approved.count(),
        theory_needed=approved.filter(theory_exempt=False).count(),
        theory_seated=int(seated.get("theory", 0)),
        practical_seated=int(seated.get("practical", 0)),
        review_required=session.review_required,
        review_seated=int(seated.get("review", 0)),
        sittings_without_proctor=tuple(f"{s.get_kind_display()}（{s.room.name}）" for s in without),
    )


# --- sittings ------------------------------------------------------------------------------------------------


def sitting_q(actor: Any) -> Q:
    return session_q(actor, "session__")


def sitting_get_for(actor: Any, sitting_id: Any) -> Sitting:
    qs = Sitting.objects.filter(sitting_q(actor)).select_related("session", "room", "proctor")
    return one_or_404(qs, pk=sitting_id)


def sitting_seats(actor: Any, sitting: Sitting) -> list[SeatAssignment]:
    """The sitting's seats by number, each with `shown_name` as the actor may see it (DESIGN §7: in full
    for the supervising officials and the institution's staff with personal_data.view_full — one audit
    event for the list — masked for everyone else)."""
    seats = list(
        SeatAssignment.objects.filter(sitting=sitting)
        .select_related("registration__person")
        .order_by("seat_no")
    )
    session = sitting.session
    shown = (
        personal_view(
            actor,
            sitting,
            what="exam_sitting_seats",
            region_code=session.region_code,
            org_id=session.institution_id,
            count=len(seats),
        )
        if seats
        else MASKED
    )
    for seat in seats:
        seat.shown_name = shown.name(seat.registration.person.name)  # type: ignore[attr-defined]
    return seats


def sitting_decisions(sitting: Sitting) -> list[Decision]:
    return list(
        Decision.objects.filter(subject_type=SITTING_SUBJECT, subject_id=str(sitting.pk)).order_by("-pk")[:10]
    )


# --- public ---------------------------------------------------------------------------------------------------


def announcements_public() -> QuerySet[EvaluationSession]:
    """Announced sessions (announcement, registration and later; not cancelled), newest exam first."""
    return EvaluationSession.objects.filter(status__in=PUBLIC_STATUSES).select_related("institution", "site")


def announcement_get_public(number: str) -> EvaluationSession:
    return one_or_404(announcements_public(), number=number)


def session_history(session: EvaluationSession) -> list[dict[str, Any]]:
    """The status log with the statuses in words."""
    labels = dict(S.choices)
    return [
        {
            "at": h.at,
            "from_label": str(labels.get(h.from_status, "")) if h.from_status else "",
            "to_label": str(labels.get(h.to_status, h.to_status)),
            "actor": h.actor,
            "reason": h.reason,
        }
        for h in SESSION_FLOW.history(session).select_related("actor")
    ]

"""Reads of results, score notices, objections and passing lists (EVL-5, EVL-7), each scoped: an
institution sees its own sessions (exam.manage), a bureau those of its region (exam.supervise), a
candidate her own released scores, the public a published notice with names and tickets masked, and
another city's official nothing (404). `passing_list_for` is the certificates app's interface (issue 14):
the frozen list of a session, its digest checked on every read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from peiyu.accounts.masking import MASKED, OWN, Disclosure, personal_views
from peiyu.accounts.scoping import scope_for
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict, NotFound
from peiyu.core.lookups import one_or_404

from ..flows import SCORE_OBJECTION_FLOW, SESSION_FLOW
from ..models import EvaluationSession, PassingList, Registration, Remark, ScoreNotice, ScoreObjection
from ..rules.notices import mask_ticket

MANAGE, SUPERVISE = "exam.manage", "exam.supervise"
R = Registration.Result
S = EvaluationSession.Status
SCORE_ACTIONS = ("publish_notice", "remark", "finalise")


def _session_q(actor: Any, prefix: str = "") -> Q:
    """Sessions the actor may see the results of: the institution's own, the bureau's region."""
    return scope_for(actor, MANAGE).q(org=f"{prefix}institution_id") | scope_for(actor, SUPERVISE).q(
        region=f"{prefix}region_code"
    )


def result_sessions_visible_to(actor: Any) -> QuerySet[EvaluationSession]:
    return EvaluationSession.objects.filter(_session_q(actor)).select_related("institution")


def result_session_get_for(actor: Any, session_id: object) -> EvaluationSession:
    return one_or_404(result_sessions_visible_to(actor), pk=session_id)


def manages(actor: Any, session: EvaluationSession) -> bool:
    return session.institution_id in scope_for(actor, MANAGE).org_ids


def score_allowed_actions(actor: Any, session: EvaluationSession) -> list[str]:
    """The session's score steps the actor may take now (the institution's; bureaus only watch)."""
    if not manages(actor, session):
        return []
    return [a for a in SESSION_FLOW.allowed_actions(session) if a in SCORE_ACTIONS]


def objection_allowed_actions(actor: Any, objection: ScoreObjection) -> list[str]:
    if not manages(actor, objection.notice.session):
        return []
    moves = SCORE_OBJECTION_FLOW.allowed_actions(objection)
    # an accepted objection is settled by recording the re-marking (which resolves it), not a bare move
    return [m for m in moves if m != "resolve"] + (
        ["remark"] if objection.status == ScoreObjection.Status.ACCEPTED else []
    )


def current_notice(session: EvaluationSession) -> ScoreNotice | None:
    """The notice in force: the newest one not withdrawn."""
    return (
        session.score_notices.exclude(status=ScoreNotice.Status.WITHDRAWN)
        .order_by("-published_at", "-id")
        .first()
    )


def candidates(session: EvaluationSession) -> QuerySet[Registration]:
    """The approved candidates of a session, in ticket order."""
    return (
        Registration.objects.filter(session=session, status=Registration.Status.APPROVED)
        .select_related("person")
        .order_by("ticket_number", "id")
    )


@dataclass(frozen=True)
class ResultRow:
    registration: Registration
    name: str
    id_number: str
    ticket: str
    corrected: bool  # a re-marking changed one of its scores


def _corrected_ids(session: EvaluationSession) -> set[int]:
    return set(
        Remark.objects.filter(registration__session=session)
        .exclude(before=F("after"))
        .values_list("registration_id", flat=True)
    )


RESULT_FILTERS = {
    "passed": Q(result=R.PASSED),
    "failed": Q(result=R.FAILED),
    "absent": Q(result=R.ABSENT),
    "voided": Q(result=R.VOIDED),
    "pending": Q(result=R.PENDING),
}


def result_rows(
    actor: Any, session: EvaluationSession, *, result: str = "", q: str = "", what: str = "考核成绩"
) -> list[ResultRow]:
    """Every approved candidate with her scores, names and ID numbers masked or full by role (a full
    view audited once for the list, DESIGN §7). `result` filters by result, `q` by ticket number."""
    qs = candidates(session)
    if result in RESULT_FILTERS:
        qs = qs.filter(RESULT_FILTERS[result])
    if q.strip():
        qs = qs.filter(ticket_number__icontains=q.strip())
    regs = list(qs)
    shown = personal_views(
        actor, [(session.region_code, session.institution_id)] * len(regs), what=what, obj=session
    )
    corrected = _corrected_ids(session)
    return [
        ResultRow(
            r,
            d.name(r.person.name),
            d.id_number(r.person.id_number),
            r.ticket_number or "",
            r.pk in corrected,
        )
        for r, d in zip(regs, shown, strict=True)
    ]


# --- public ---------------------------------------------------------------------------------------------


def notices_public() -> QuerySet[ScoreNotice]:
    """Published notices (running now), newest first: what the public list shows."""
    return (
        ScoreNotice.objects.filter(status=ScoreNotice.Status.PUBLISHED)
        .select_related("session", "session__institution")
        .order_by("-published_at", "-id")
    )


def accepts_objections(notice: ScoreNotice) -> bool:
    """Objections are taken from publication to the end of the last day, while not withdrawn."""
    today = timezone.localdate()
    return notice.status == ScoreNotice.Status.PUBLISHED and notice.starts_on <= today <= notice.ends_on


def notice_get_public(number: str) -> ScoreNotice:
    """Any notice by its number (a withdrawn or ended one says so and lists nobody)."""
    return one_or_404(ScoreNotice.objects.select_related("session", "session__institution"), number=number)


@dataclass(frozen=True)
class PublicRow:
    registration_id: int
    name: str
    ticket: str
    theory: Decimal | None
    theory_exempt: bool
    practical: Decimal | None
    review: Decimal | None
    result: str
    result_label: str
    corrected: bool


def public_rows(notice: ScoreNotice) -> list[PublicRow]:
    """The candidates of a running notice, masked for everyone: 张*, ******0003. Nobody once it has ended
    or been withdrawn (the list is public only for its period)."""
    if notice.status != ScoreNotice.Status.PUBLISHED:
        return []
    corrected = _corrected_ids(notice.session)
    return [
        PublicRow(
            r.pk,
            MASKED.name(r.person.name),
            mask_ticket(r.ticket_number),
            r.theory_score,
            r.theory_exempt,
            r.practical_score,
            r.review_score,
            r.result,
            r.get_result_display(),
            r.pk in corrected,
        )
        for r in candidates(notice.session).filter(released_at__isnull=False)
    ]


# --- the candidate -------------------------------------------------------------------------------------


def my_results(actor: Any) -> QuerySet[Registration]:
    """The signed-in candidate's own registrations whose scores have been released."""
    user_id = getattr(actor, "pk", None)
    if user_id is None:
        return Registration.objects.none()
    return (
        Registration.objects.filter(person__user_id=user_id, released_at__isnull=False)
        .select_related("session", "session__institution", "person")
        .order_by("-released_at", "-id")
    )


def has_results(actor: Any) -> bool:
    return my_results(actor).exists()


def own_disclosure() -> Disclosure:
    return OWN


# --- objections ----------------------------------------------------------------------------------------


def objections_visible_to(actor: Any) -> QuerySet[ScoreObjection]:
    return (
        ScoreObjection.objects.filter(_session_q(actor, "notice__session__"))
        .select_related("notice", "notice__session", "registration", "registration__person")
        .order_by("-created_at", "-id")
    )


def objection_get_for(actor: Any, objection_id: object) -> ScoreObjection:
    return one_or_404(objections_visible_to(actor), pk=objection_id)


def unsettled_objections(session: EvaluationSession) -> list[str]:
    """Tracking numbers of the session's objections open, or accepted and not yet re-marked."""
    return list(
        ScoreObjection.objects.filter(
            notice__session=session,
            status__in=[ScoreObjection.Status.OPEN, ScoreObjection.Status.ACCEPTED],
        )
        .order_by("created_at", "id")
        .values_list("tracking_number", flat=True)
    )


def material_changes(notice: ScoreNotice) -> list[str]:
    """Tickets whose result a re-marking changed since this notice was published."""
    tickets = (
        Remark.objects.filter(
            registration__session_id=notice.session_id, remarked_at__gte=notice.published_at
        )
        .exclude(result_before=F("result_after"))
        .order_by("remarked_at", "id")
        .values_list("registration__ticket_number", flat=True)
    )
    return list(dict.fromkeys(str(t) for t in tickets))


# --- the passing list (certificate data, issue 14) ------------------------------------------------------


def rows_digest(rows: list[dict[str, Any]]) -> str:
    """SM3 of the rows in canonical JSON (sorted keys, no spaces): what the list's digest is over."""
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sm3_hex(text.encode())


def passing_list_for(session_id: int) -> PassingList:
    """The frozen passing list of a session, for the certificates app (issue 14 points 1 and 4), which
    scopes its own readers: the rows (see PassingList), `exam_on` (for DTE the day `cert_submit_days`
    counts from), the notice it followed, the decision. NotFound before the session is finalised;
    Conflict when the rows no longer match their digest (never issue from a list altered outside the
    service)."""
    found = (
        PassingList.objects.select_related("session", "session__institution", "notice", "decision")
        .filter(session_id=session_id)
        .first()
    )
    if found is None:
        raise NotFound("该批次尚未生成证书数据")
    if rows_digest(found.rows) != found.digest:
        raise Conflict(
            "合格名单与其摘要不符，已停止使用，请联系管理员核查", code="passing_list_tampered", rule="SEC-2"
        )
    return found


def exam_days(session_ids: list[int]) -> dict[int, Any]:
    """Session → the last day of its exam, as its frozen passing list records it (the day the DTE
    certificate data's deadline counts from, CRT-3), for the sessions that have one."""
    return dict(PassingList.objects.filter(session_id__in=session_ids).values_list("session_id", "exam_on"))


def passing_list_visible_to(actor: Any, session_id: object) -> PassingList:
    """The passing list for a page or the API: the session in the actor's scope first."""
    session = result_session_get_for(actor, session_id)
    return passing_list_for(session.pk)

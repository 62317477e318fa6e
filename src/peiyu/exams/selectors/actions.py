"""What a user may do now on a session, a sitting or a plan: the verbs of the flow table open from the
record's status, cut to the actor's capability and scope (the institution's own staff for exam.manage and
exam.proctor). Pages show their buttons from these lists; the services check again. The score notice's
verbs (publish_notice, remark, finalise) are the scores area's: they are listed here when the table opens
them, and its services decide them."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.scoping import scope_for
from peiyu.core.workflow import Action

from ..flows import PLAN_FLOW, SESSION_FLOW, SITTING_FLOW
from ..models import EvaluationPlan, EvaluationSession, Sitting

# verbs of the room-preparation step that are no moves of the table (services.sittings)
ROOM_VERBS = ("assign_proctor", "allocate_seats")


def _org_permits(actor: Any, institution_id: int) -> Any:
    def permits(action: Action) -> bool:
        return bool(action.capability) and institution_id in scope_for(actor, action.capability).org_ids

    return permits


def session_allowed_actions(actor: Any, session: EvaluationSession) -> list[str]:
    return SESSION_FLOW.allowed_actions(session, _org_permits(actor, session.institution_id))


def sitting_allowed_actions(
    actor: Any, sitting: Sitting, session: EvaluationSession | None = None
) -> list[str]:
    """open/close for the institution's proctors while the session is in its exam; the room verbs for
    its exam administrators while the session is in room preparation."""
    session = session or sitting.session
    verbs: list[str] = []
    if session.status == EvaluationSession.Status.EXAM:
        verbs += SITTING_FLOW.allowed_actions(sitting, _org_permits(actor, session.institution_id))
    if (
        session.status == EvaluationSession.Status.ROOMS
        and session.institution_id in scope_for(actor, "exam.manage").org_ids
    ):
        verbs += list(ROOM_VERBS)
    return verbs


def plan_allowed_actions(actor: Any, plan: EvaluationPlan) -> list[str]:
    return PLAN_FLOW.allowed_actions(plan, _org_permits(actor, plan.institution_id))

"""The proctor's writes (EVL-6: the theory exam run by the institution's full-time exam staff): decide a
candidate's request to go on on another computer — approving binds the new device, keeps the answers and
counts the device — and void an attempt with a reason. Proctors act on their own institution's
sittings only (exam.proctor, scope org; another institution's sitting is missing, 404)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_reason, clean_text
from peiyu.core.errors import Conflict

from ..flows import ATTEMPT_FLOW, RESUME_FLOW
from ..models import Attempt, AttemptEvent, ResumeRequest, Sitting

PROCTOR = "exam.proctor"


def require_proctor(actor: Any, sitting: Sitting) -> None:
    require(actor, PROCTOR, org_id=sitting.session.institution_id)


def resume_decide(*, actor: Any, request: ResumeRequest, approve: bool, note: str = "") -> ResumeRequest:
    note = clean_text(note, field="note", max_length=200)
    with transaction.atomic():
        locked = (
            ResumeRequest.objects.select_for_update()
            .select_related("attempt__sitting__session")
            .get(pk=request.pk)
        )
        require_proctor(actor, locked.attempt.sitting)
        attempt = Attempt.objects.select_for_update().get(pk=locked.attempt_id)
        if approve and attempt.status not in (Attempt.Status.IN_PROGRESS, Attempt.Status.SUSPENDED):
            raise Conflict(f"本场考试{attempt.get_status_display()}，不能续考", code="attempt_finished")
        now = timezone.now()
        RESUME_FLOW.transition(
            locked,
            ResumeRequest.Status.APPROVED if approve else ResumeRequest.Status.REFUSED,
            actor=actor,
            reason=note,
            changes={"decided_by": actor, "decided_at": now, "note": note},
            locked=True,
        )
        if approve:
            Attempt.objects.filter(pk=attempt.pk).update(
                device_token=locked.device_token, devices=F("devices") + 1
            )
            AttemptEvent.objects.create(
                attempt=attempt, kind="resumed", at=now, detail={"request": locked.pk, "by": actor.pk}
            )
            audit_record(
                actor,
                "exam_attempt.device_bound",
                attempt,
                before={"devices": attempt.devices},
                after={"devices": attempt.devices + 1, "request": locked.pk, "revision": attempt.revision},
                reason=note,
            )
    return locked


def attempt_void(*, actor: Any, attempt: Attempt, reason: str) -> Attempt:
    reason = clean_reason(reason, field="reason")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("sitting__session").get(pk=attempt.pk)
        require_proctor(actor, locked.sitting)
        ATTEMPT_FLOW.transition(locked, Attempt.Status.VOIDED, actor=actor, reason=reason, locked=True)
        AttemptEvent.objects.create(
            attempt=locked, kind="voided", at=timezone.now(), detail={"by": actor.pk, "reason": reason}
        )
    return locked

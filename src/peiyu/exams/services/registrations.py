"""Registrations (EVL-8): a candidate registers herself for a session in its registration step, states
her facts, signs the commitment and submits; the institution (or an official) may choose one of the
routes of 001 Art. 23 with a written justification; the institution reviews — approve (a ticket
number and the admission ticket), return with a reason, reject with a reason — one by one or, for
those whose stored checks all pass, in bulk. Every write: permission first (403/404), one transaction,
the checks stored as a Decision with the policy version, the move through REGISTRATION_FLOW, audited.

Registration holds the session's row lock while it counts places (capacity) and the database's unique
constraint (one active registration per person and session) turns a race into a clear Chinese error."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for
from peiyu.training.services.persons import person_for_user

from ..flows import REGISTRATION_FLOW
from ..models import EvaluationSession, Registration
from ..rules import registrations as rr
from ..selectors.registrations import ACTIVE, active_count, is_own
from . import registration_facts as rf
from .tickets import ticket_assign

R = Registration.Status
SUBJECT = "exams.registration"
JUSTIFICATION_MAX = 2000
ONCE = "registration_once_per_session"


def session_locked(session: EvaluationSession) -> EvaluationSession:
    """The session's row, locked until the transaction ends: registrations of one session are counted
    and numbered one after the other."""
    return (
        EvaluationSession.objects.select_for_update(of=("self",))
        .select_related("institution")
        .get(pk=session.pk)
    )


def registration_locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("session", "session__institution", "person")
        .get(pk=registration.pk)
    )


def open_checks(session: EvaluationSession, *, adding: int = 1) -> list[Check]:
    today = timezone.localdate()
    return [
        rr.window_check(status=session.status, opens_on=session.registration_opens_on,
                        closes_on=session.registration_closes_on, today=today),
        rr.capacity_check(capacity=session.capacity, taken=active_count(session.pk), adding=adding),
    ]  # fmt: skip


def duplicate_error() -> Conflict:
    return Conflict("该考生已报名本批次，不能重复报名", code="already_registered",
                    fields={"id_number": ["已报名本批次"]}, rules=["EVL-8"])  # fmt: skip


def _policy(session: EvaluationSession) -> Any:
    return policy_for(session.programme, session.region_code, on=timezone.localdate())


def _require_own(actor: Any, registration: Registration) -> None:
    if "person.self" not in _caps(actor):
        raise PermissionDenied("请使用考生本人账号操作", code="permission_denied")
    if not is_own(actor, registration):
        raise NotFound()


def _caps(actor: Any) -> set[str]:
    from peiyu.accounts.scoping import capabilities_of

    return set(capabilities_of(actor))


def _require_manage(actor: Any, session: EvaluationSession) -> None:
    require(actor, "exam.manage", org_id=session.institution_id)


# --- the candidate ----------------------------------------------------------------------------------


def registration_start(
    *, actor: Any, session: EvaluationSession, person: dict[str, Any] | None = None
) -> Registration:
    """A signed-in person registers herself for a session (a draft): her Trainee record is found or
    created with her account (name and ID number when she has none yet). DTE sessions take candidates
    forwarded by their training institution only (003 §4(4))."""
    if "person.self" not in _caps(actor):
        raise PermissionDenied("请使用考生本人账号报名", code="permission_denied")
    if session.programme == "dte":
        raise Conflict("数字技术工程师考核由培训机构推送报名", code="dte_forwarded_only", rules=["EVL-8"])
    trainee = person_for_user(user=actor, data=person)
    try:
        with transaction.atomic():
            locked = session_locked(session)
            refuse_failed(open_checks(locked), code="registration_closed")
            if Registration.objects.filter(session=locked, person=trainee, status__in=ACTIVE).exists():
                raise duplicate_error()
            reg = Registration.objects.create(session=locked, person=trainee, source=Registration.Source.SELF,
                                              created_by=actor)  # fmt: skip
            REGISTRATION_FLOW.created(reg, actor=actor, after={"session": locked.number})
    except IntegrityError as exc:
        if ONCE in str(exc):
            raise duplicate_error() from exc
        raise
    return reg


def registration_state_facts(*, actor: Any, registration: Registration, data: dict[str, Any]) -> Registration:
    """The candidate states (or corrects) her facts while the registration is a draft or returned. A
    signed commitment covers the facts it was signed for: changing them asks for a new signature."""
    _require_own(actor, registration)
    facts = rf.clean_facts(data, programme=registration.session.programme, today=timezone.localdate())
    with transaction.atomic():
        locked = registration_locked(registration)
        if locked.status not in (R.DRAFT, R.RETURNED):
            raise Conflict("报名已提交，不能修改申报信息", code="registration_not_editable")
        before = locked.facts
        changed = facts != before
        locked.facts = facts
        fields = ["facts", "updated_at"]
        if changed and locked.commitment_signed_at:
            locked.commitment_signed_at, locked.commitment_digest = None, ""
            fields += ["commitment_signed_at", "commitment_digest"]
        locked.save(update_fields=fields)
        audit_record(actor, "exam_registration.facts_stated", locked, before=before, after=facts)
    return locked


def registration_sign(*, actor: Any, registration: Registration, agreed: bool) -> Registration:
    """The candidate signs the commitment (告知承诺书, 000 Art. 11(3)): the time and the SM3 digest of
    the exact text shown are stored."""
    _require_own(actor, registration)
    if not agreed:
        raise InvalidInput("请阅读并勾选同意告知承诺书", fields={"agree": ["请勾选“本人已阅读并承诺”"]})
    with transaction.atomic():
        locked = registration_locked(registration)
        if locked.status not in (R.DRAFT, R.RETURNED):
            raise Conflict("报名已提交，无需再签署", code="registration_not_editable")
        text = rf.commitment_text(locked)
        locked.commitment_signed_at, locked.commitment_digest = timezone.now(), rf.commitment_digest(text)
        locked.save(update_fields=["commitment_signed_at", "commitment_digest", "updated_at"])
        audit_record(actor, "exam_registration.commitment_signed", locked,
                     after={"digest": locked.commitment_digest, "facts": locked.facts})  # fmt: skip
    return locked


def _record(registration: Registration, checks: list[Check], *, kind: str, outcome: str) -> Decision:
    return Decision.record(SUBJECT, registration.pk, kind=kind, outcome=outcome, checks=checks,
                           policy=_policy(registration.session), rules=("EVL-8",))  # fmt: skip


def registration_submit(*, actor: Any, registration: Registration) -> Registration:
    """Submit for the eligibility review: in the registration window, the commitment signed, and the
    standard's conditions met or an Art. 23 route chosen that holds (EVL-8: no other leapfrogging). A
    refusal is stored as a Decision, audited, and raised with every failed rule."""
    _require_own(actor, registration)
    today = timezone.localdate()
    with transaction.atomic():
        locked = registration_locked(registration)
        if locked.status not in (R.DRAFT, R.RETURNED):
            raise Conflict("报名已提交", code="registration_not_editable")
        session = locked.session
        checks = [open_checks(session, adding=0)[0], *rf.eligibility_checks(locked, today)]
        failed = [c for c in checks if not c.ok]
        decision = _record(
            locked, checks, kind="registration_eligibility", outcome="refused" if failed else "eligible"
        )
        if failed:
            audit_record(
                actor,
                "exam_registration.submit_refused",
                locked,
                after={"decision": decision.pk, "rules": decision.rules},
            )
        else:
            REGISTRATION_FLOW.transition(locked, R.SUBMITTED, actor=actor, locked=True,
                                         changes={"submitted_at": timezone.now(), "decision": decision})  # fmt: skip
    refuse_failed(failed, code="registration_refused", details={"decision": decision.pk})
    return locked


def registration_withdraw(*, actor: Any, registration: Registration, reason: str) -> Registration:
    """The candidate withdraws her registration (before the exam); the place is freed, a ticket number
    already given is never reused."""
    _require_own(actor, registration)
    reason = clean_reason(reason, label="撤回原因")
    with transaction.atomic():
        locked = registration_locked(registration)
        if locked.session.status not in (
            EvaluationSession.Status.REGISTRATION,
            EvaluationSession.Status.ELIGIBILITY,
        ):
            raise Conflict("考核已进入考场编排，不能撤回报名", code="registration_locked_in")
        REGISTRATION_FLOW.transition(locked, R.WITHDRAWN, actor=actor, reason=reason, locked=True)
    return locked


# --- routes (001 Art. 23) ----------------------------------------------------------------------------


def _require_route_chooser(actor: Any, session: EvaluationSession) -> None:
    manage, supervise = scope_for(actor, "exam.manage"), scope_for(actor, "exam.supervise")
    if session.institution_id in manage.org_ids or supervise.covers_region(session.region_code):
        return
    if not (manage.granted or supervise.granted):
        raise PermissionDenied("您没有执行此操作的权限", code="permission_denied")
    raise NotFound()


def registration_choose_route(
    *, actor: Any, registration: Registration, route: str, justification: str
) -> Registration:
    """The institution or an official of the region chooses the registration's route with a written
    justification: one of Art. 23's listed exceptions (checked against the stated facts, refused when
    it does not apply) or back to the standard's conditions. Stored with who chose it and a Decision
    citing EVL-8 and the article."""
    _require_route_chooser(actor, registration.session)
    if route not in Registration.Route.values:
        raise InvalidInput("请选择申报路径", fields={"route": ["请选择申报路径"]}, rules=["EVL-8"])
    justification = clean_reason(
        justification, label="路径依据说明", max_length=JUSTIFICATION_MAX, field="justification"
    )
    with transaction.atomic():
        locked = registration_locked(registration)
        if locked.status not in (R.DRAFT, R.SUBMITTED, R.RETURNED):
            raise Conflict("报名已审核，不能更改申报路径", code="registration_reviewed")
        before = {"route": locked.route, "theory_exempt": locked.theory_exempt}
        locked.route, locked.route_justification = route, justification
        check = rf.route_result(locked)
        checks = [check] if check else [rf.conditions_result(locked, timezone.localdate())]
        decision = _record(
            locked, checks, kind="registration_route", outcome="refused" if not checks[0].ok else route
        )
        if check is not None and not check.ok:
            audit_record(
                actor,
                "exam_registration.route_refused",
                locked,
                after={"route": route, "decision": decision.pk},
            )
        else:
            locked.route_chosen_by, locked.route_chosen_at = actor, timezone.now()
            locked.theory_exempt = route == rr.THEORY_EXEMPT_DEGREE
            locked.route_decision = decision
            locked.save(update_fields=["route", "route_justification", "route_chosen_by", "route_chosen_at",
                                       "theory_exempt", "route_decision", "updated_at"])  # fmt: skip
            audit_record(actor, "exam_registration.route_chosen", locked, before=before,
                         after={"route": route, "theory_exempt": locked.theory_exempt, "decision": decision.pk},
                         reason=justification)  # fmt: skip
    if check is not None:
        refuse_failed([check], code="route_refused", details={"decision": decision.pk})
    return locked


# --- review -------------------------------------------------------------------------------------------


def _approve(actor: Any, locked: Registration) -> None:
    checks = rf.eligibility_checks(locked, timezone.localdate())
    failed = [c for c in checks if not c.ok]
    decision = _record(
        locked, checks, kind="registration_review", outcome="refused" if failed else "approved"
    )
    refuse_failed(failed, code="registration_not_eligible", details={"decision": decision.pk})
    number, token = ticket_assign(locked.session)
    REGISTRATION_FLOW.transition(locked, R.APPROVED, actor=actor, locked=True, changes={
        "reviewed_at": timezone.now(), "reviewed_by": actor, "review_reason": "", "decision": decision,
        "ticket_number": number, "ticket_token": token, "ticket_issued_at": timezone.now()})  # fmt: skip


def registration_review(
    *, actor: Any, registration: Registration, action: str, reason: str = ""
) -> Registration:
    """approve | return | reject (return and reject with a reason, shown to the candidate)."""
    _require_manage(actor, registration.session)
    if action not in REVIEW_ACTIONS:
        raise InvalidInput("请选择审核结果", code="unknown_action", fields={"action": ["请选择审核结果"]})
    if action != "approve":
        reason = clean_reason(reason, label="审核意见")
    with transaction.atomic():
        session_locked(registration.session)  # ticket numbers of one session one after the other
        locked = registration_locked(registration)
        if locked.status != R.SUBMITTED:
            raise Conflict(
                f"该报名当前为“{locked.get_status_display()}”，不能审核", code="registration_not_submitted"
            )
        dispatch(REVIEW_ACTIONS, action, actor, locked, reason)
    return locked


def _return(actor: Any, locked: Registration, reason: str) -> None:
    REGISTRATION_FLOW.transition(locked, R.RETURNED, actor=actor, reason=reason, locked=True,
                                 changes={"reviewed_at": timezone.now(), "reviewed_by": actor, "review_reason": reason})  # fmt: skip


def _reject(actor: Any, locked: Registration, reason: str) -> None:
    REGISTRATION_FLOW.transition(locked, R.REJECTED, actor=actor, reason=reason, locked=True,
                                 changes={"reviewed_at": timezone.now(), "reviewed_by": actor, "review_reason": reason})  # fmt: skip


REVIEW_ACTIONS: dict[str, Any] = {
    "approve": lambda actor, locked, _reason: _approve(actor, locked),
    "return": _return,
    "reject": _reject,
}


def registrations_approve_passing(*, actor: Any, session: EvaluationSession) -> list[Registration]:
    """Approve every submitted registration of the session whose stored checks all pass (each re-checked
    now, as one by one); the others stay for review one by one."""
    _require_manage(actor, session)
    approved: list[Registration] = []
    with transaction.atomic():
        session_locked(session)
        rows = (
            Registration.objects.filter(session=session, status=R.SUBMITTED)
            .select_related("decision")
            .order_by("pk")
        )
        for row in rows:
            if row.decision is None or not all(c.get("ok") for c in row.decision.checks):
                continue
            locked = registration_locked(row)
            if all(c.ok for c in rf.eligibility_checks(locked, timezone.localdate())):
                _approve(actor, locked)
                approved.append(locked)
        audit_record(actor, "exam_registration.bulk_approved", session, after={"count": len(approved)})
    return approved

"""Invalidation of certificates and scores (CRT-7, SUP-8; seed 001 Art. 29, 002 §4).

An official holding certificate.invalidate in the certificate's jurisdiction opens a finding (the cause,
whether the whole certificate or the score is concerned, what was verified). The issuing institution is
asked to state the facts by `invalidation_statement_working_days` PRC working days (the deadline stored
now); it records its statement; the official then decides — declares it invalid (the decision stores
CRT-7 and SUP-8 and the profile version) or dismisses the finding with a reason. Without a statement the
official may decide only once the deadline has passed. A declaration takes effect at once: the
certificate's status (verification, the holder's wallet) and the published status list (its cache
forgotten after commit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.core.calendar import add_working_days
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import REASON_MAX, clean_reason, clean_text, collect, raise_collected
from peiyu.core.errors import Conflict, NotFound
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for

from ..flows import CERTIFICATE_FLOW, INVALIDATE, INVALIDATION_FLOW, ISSUE
from ..models import Certificate, Invalidation
from ..rules.invalidations import RULES, check_finding_basis, check_statement_before_decision, scopes_for
from ..selectors.certificates import may_invalidate, open_invalidation

V = Invalidation.Status
C = Certificate.Status
SUBJECT = "certificates.invalidation"
STATEMENT_DAYS = "invalidation_statement_working_days"


def certificate_policy(cert: Certificate) -> Policy:
    """The profile in force for the certificate's programme and region today."""
    return policy_for(cert.programme, cert.region_code, on=timezone.localdate())


def _official(actor: Any, cert: Certificate) -> None:
    require(actor, INVALIDATE)  # 403 without the capability
    if not may_invalidate(actor, cert):
        raise NotFound()


def invalidation_open(
    *, actor: Any, certificate: Certificate, cause: str, scope: str, finding: str
) -> Invalidation:
    """Open a finding on a valid certificate; the institution's statement is due in the profile's
    working days (stored)."""
    _official(actor, certificate)
    errors: dict[str, list[str]] = {}
    if cause not in Invalidation.Cause.values:
        errors["cause"] = ["请选择无效情形"]
    if scope not in Invalidation.Scope.values:
        errors["scope"] = ["请选择认定范围"]
    elif scope not in scopes_for(certificate.source_kind):
        errors["scope"] = ["培训证书不涉及评价成绩，请选择“证书无效”（CRT-7）"]
    text = collect(errors, "finding", clean_reason, finding, label="查实情况") or ""
    raise_collected(errors, "请检查填写的内容")
    refuse_failed([check_finding_basis(cause=cause, finding=text)], code="invalidation_refused")
    policy = certificate_policy(certificate)
    today = timezone.localdate()
    due = add_working_days(today, int(policy[STATEMENT_DAYS]))
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.status != C.VALID:
            raise Conflict("只有有效的证书可以认定无效", code="certificate_not_valid", rule="CRT-7")
        if open_invalidation(cert) is not None:
            raise Conflict("这张证书已有待处理的无效认定", code="invalidation_open", rule="CRT-7")
        inv = Invalidation.objects.create(
            certificate=cert, cause=cause, scope=scope, finding=text, statement_due=due, opened_by=actor
        )
        INVALIDATION_FLOW.created(
            inv,
            actor=actor,
            after={"certificate": cert.number, "cause": cause, "scope": scope, "statement_due": due},
        )
    return inv


def invalidation_state(*, actor: Any, invalidation: Invalidation, statement: str) -> Invalidation:
    """The issuing institution states the facts (001 Art. 29: 由评价机构作出事实说明)."""
    cert = invalidation.certificate
    require(actor, ISSUE, org_id=cert.institution_id)
    text = clean_reason(statement, label="情况说明", field="statement")
    with transaction.atomic():
        locked = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
        INVALIDATION_FLOW.transition(
            locked,
            V.STATED,
            actor=actor,
            changes={"statement": text, "stated_at": timezone.now(), "stated_by": actor},
            expected_from={V.OPENED},
            locked=True,
        )
    _refresh(invalidation, locked)
    return locked


def invalidation_decide(*, actor: Any, invalidation: Invalidation, reason: str = "") -> Invalidation:
    """Declare the certificate (or its score) invalid, effective today: the decision with CRT-7 and SUP-8
    and the profile version, the finding decided, the certificate invalidated."""
    cert = invalidation.certificate
    _official(actor, cert)
    note = clean_text(reason, max_length=REASON_MAX, multiline=True, label="决定意见", field="reason")
    policy = certificate_policy(cert)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
        if locked.status not in (V.OPENED, V.STATED):
            raise Conflict("这项无效认定已经处理", code="invalidation_closed", rule="CRT-7")
        check = check_statement_before_decision(
            stated=locked.status == V.STATED, statement_due=locked.statement_due, today=today
        )
        refuse_failed([check], code="invalidation_refused")
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="certificate_invalidation",
            outcome="invalidated",
            checks=[check],
            policy=policy,
            rules=RULES,
        )
        INVALIDATION_FLOW.transition(
            locked,
            V.DECIDED,
            actor=actor,
            reason=note,
            changes={
                "decided_by": actor,
                "decided_at": timezone.now(),
                "effective_on": today,
                "decision": decision,
            },
            locked=True,
        )
        CERTIFICATE_FLOW.transition(
            cert,
            C.INVALIDATED,
            actor=actor,
            reason=str(locked.get_cause_display()),
            changes={"invalidated_on": today},
            expected_from={C.VALID},
            audit_extra={"invalidation": locked.pk, "cause": locked.cause, "scope": locked.scope},
        )
        if locked.scope == Invalidation.Scope.SCORE:
            # the score itself is void too: the candidate's result in the session says so, with this
            # decision (and no certificate can be made from it again)
            from peiyu.exams.services.results import result_void

            result_void(
                actor=actor,
                registration_id=cert.source_id,
                decision=decision,
                reason=f"评价成绩宣布无效：{locked.get_cause_display()}（证书 {cert.number}）",
            )
        transaction.on_commit(status_list_changed)
    _refresh(invalidation, locked)
    return locked


def invalidation_dismiss(*, actor: Any, invalidation: Invalidation, reason: str) -> Invalidation:
    """Dismiss the finding with a reason: the certificate stays valid."""
    _official(actor, invalidation.certificate)
    text = clean_reason(reason, label="不予认定理由", field="reason")
    policy = certificate_policy(invalidation.certificate)
    with transaction.atomic():
        locked = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
        decision = Decision.record(
            SUBJECT, locked.pk, kind="certificate_invalidation", outcome="dismissed", checks=[], policy=policy,
            rules=RULES,
        )  # fmt: skip
        INVALIDATION_FLOW.transition(
            locked,
            V.DISMISSED,
            actor=actor,
            reason=text,
            changes={
                "dismissal_reason": text,
                "decided_by": actor,
                "decided_at": timezone.now(),
                "decision": decision,
            },
            expected_from={V.OPENED, V.STATED},
            locked=True,
        )
    _refresh(invalidation, locked)
    return locked


def status_list_changed() -> None:
    """The published status list (verification's cache) forgets what it held, so a declaration shows
    there at once."""
    from .verification import status_list_forget

    status_list_forget()


def _refresh(target: Invalidation, source: Invalidation) -> None:
    for name in ("status", "statement", "stated_at", "stated_by_id", "effective_on", "dismissal_reason",
                 "decided_by_id", "decided_at", "decision_id"):  # fmt: skip
        setattr(target, name, getattr(source, name))


def _state(*, actor: Any, invalidation: Invalidation, text: str = "") -> Invalidation:
    return invalidation_state(actor=actor, invalidation=invalidation, statement=text)


def _decide(*, actor: Any, invalidation: Invalidation, text: str = "") -> Invalidation:
    return invalidation_decide(actor=actor, invalidation=invalidation, reason=text)


def _dismiss(*, actor: Any, invalidation: Invalidation, text: str = "") -> Invalidation:
    return invalidation_dismiss(actor=actor, invalidation=invalidation, reason=text)


# the verbs of a finding, shared by the page and the API (core.actions.dispatch); `text` is the statement,
# the decision's note or the dismissal's reason
INVALIDATION_ACTIONS: dict[str, Callable[..., Invalidation]] = {
    "state": _state,
    "decide": _decide,
    "dismiss": _dismiss,
}

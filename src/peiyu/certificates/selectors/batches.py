"""Reading the issuance pipeline (CRT-3, CRT-8), scoped to the actor: the issuing institution its own
batches; the officials of the batch's region (certificate.view, certificate.confirm: the province;
certificate.approve: the coordination group office, nationally) every batch once it has left the
institution's drafts. Another province's official gets 404 (missing and out of scope look the same).

Who acts at which step: the institution (certificate.issue, its own) submits, corrects, issues and
reports; the province (certificate.confirm with a provincial, not national, scope over the region)
confirms, returns and forwards; the coordination group office (certificate.approve) approves or
returns. `batch_allowed_actions` gives the verbs open now, cut to the route."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core import calendar
from peiyu.core.lookups import one_or_404
from peiyu.core.models import TransitionLog
from peiyu.core.policy import Policy, policy_for

from ..flows import APPROVE, BATCH_FLOW, CONFIRM, ISSUE
from ..models import BatchEntry, IssuanceBatch
from ..rules.batches import INSTITUTION_CITY, PROVINCE_CG

VIEW = "certificate.view"
B = IssuanceBatch.Status
E = BatchEntry.Status
PROVINCE_VERBS = frozenset({"confirm", "return_province", "forward"})
OFFICE_VERBS = frozenset({"approve", "return_office"})
# the statuses in which returned candidates are corrected in the batch itself, or moved to a
# supplementary batch once the rest has been approved
CORRECTING = frozenset({B.DRAFT, B.RETURNED})
SUPPLEMENTING = frozenset({B.APPROVED, B.ISSUING, B.ISSUED})


def _none() -> Q:
    return Q(pk__in=[])


def batch_q(actor: Any) -> Q:
    own = scope_for(actor, ISSUE)
    q = own.q(org="institution_id") if own.org_ids else _none()
    official = _none()
    for cap in (VIEW, CONFIRM, APPROVE):
        scope = scope_for(actor, cap)
        if scope.region_prefixes:
            official |= scope.q(region="region_code")
    return q | (official & ~Q(status=B.DRAFT))


def batches_visible_to(actor: Any) -> QuerySet[IssuanceBatch]:
    return IssuanceBatch.objects.filter(batch_q(actor)).select_related("institution", "session")


def batch_get_for(actor: Any, batch_id: Any) -> IssuanceBatch:
    return one_or_404(batches_visible_to(actor).select_related("decision"), pk=batch_id)


def entry_get_for(actor: Any, batch: IssuanceBatch, entry_id: Any) -> BatchEntry:
    return one_or_404(BatchEntry.objects.filter(batch=batch).select_related("certificate"), pk=entry_id)


def entries_of(batch: IssuanceBatch) -> QuerySet[BatchEntry]:
    return BatchEntry.objects.filter(batch=batch).select_related("certificate").order_by("pk")


def entry_counts(batch: IssuanceBatch) -> dict[str, int]:
    rows = BatchEntry.objects.filter(batch=batch).values("status").annotate(n=Count("pk")).order_by()
    return {r["status"]: r["n"] for r in rows}


# --- who acts -------------------------------------------------------------------------------------------


def issues_for(actor: Any, batch: IssuanceBatch) -> bool:
    return batch.institution_id in scope_for(actor, ISSUE).org_ids


def confirms_for(actor: Any, batch: IssuanceBatch) -> bool:
    """The province's step: certificate.confirm over the region, by a provincial (not national) scope."""
    scope = scope_for(actor, CONFIRM)
    return not scope.national and scope.covers_region(batch.region_code)


def approves_for(actor: Any, batch: IssuanceBatch) -> bool:
    return scope_for(actor, APPROVE).covers_region(batch.region_code)


def may_supplement(batch: IssuanceBatch) -> bool:
    return (
        batch.status in SUPPLEMENTING and BatchEntry.objects.filter(batch=batch, status=E.RETURNED).exists()
    )


def batch_allowed_actions(actor: Any, batch: IssuanceBatch) -> list[str]:
    """The verbs of the batch's table open to the actor now, cut to its route; "supplement" (the
    returned candidates, corrected, in a new batch) when the rest has been approved."""
    route = batch.route

    def permits(action: Any) -> bool:
        if action.name in PROVINCE_VERBS:
            return route == PROVINCE_CG and confirms_for(actor, batch)
        if action.name in OFFICE_VERBS:
            return route == PROVINCE_CG and approves_for(actor, batch)
        if not issues_for(actor, batch):
            return False
        if action.name == "submit":
            return route == PROVINCE_CG
        if action.name == "issue":
            return batch.status == (B.APPROVED if route == PROVINCE_CG else B.DRAFT)
        if action.name == "report":
            return route == INSTITUTION_CITY
        return True

    verbs = BATCH_FLOW.allowed_actions(batch, permits)
    if issues_for(actor, batch) and may_supplement(batch):
        verbs.append("supplement")
    return verbs


def entry_allowed_actions(actor: Any, batch: IssuanceBatch, entry: BatchEntry) -> list[str]:
    """Per candidate: the reviewer of the current step may return one (with the step's confirm or
    approve); the institution corrects or withdraws a returned one while the batch is with it."""
    verbs: list[str] = []
    if entry.status == E.RETURNED and batch.status in CORRECTING and issues_for(actor, batch):
        verbs += ["correct", "withdraw"]
    if entry.status == E.INCLUDED and batch.route == PROVINCE_CG:
        if batch.status == B.SUBMITTED and confirms_for(actor, batch):
            verbs.append("return")
        if batch.status == B.FORWARDED and approves_for(actor, batch):
            verbs.append("return")
    return verbs


# --- the route's history and deadlines ------------------------------------------------------------------


def steps_passed(batch: IssuanceBatch) -> list[str]:
    """The statuses the batch went through since it was last returned (the log, in order)."""
    statuses = list(
        TransitionLog.objects.filter(subject_type=batch._meta.label_lower, subject_id=str(batch.pk))
        .order_by("at", "id")
        .values_list("to_status", flat=True)
    )
    if B.RETURNED in statuses:
        last = len(statuses) - 1 - statuses[::-1].index(B.RETURNED)
        statuses = statuses[last + 1 :]
    return statuses


def history_of(batch: IssuanceBatch) -> list[TransitionLog]:
    return list(BATCH_FLOW.history(batch).select_related("actor"))


def current_due(batch: IssuanceBatch) -> tuple[str, dt.date | None]:
    """The deadline of the step the batch waits for, and what that step is."""
    if batch.route == PROVINCE_CG:
        if batch.status in (B.DRAFT, B.RETURNED):
            return "报送省级", batch.submit_due
        if batch.status == B.SUBMITTED:
            return "省级确认", batch.confirm_due
        if batch.status == B.APPROVED:
            return "颁发证书", batch.issue_due
    return "", None


def is_overdue(batch: IssuanceBatch, today: dt.date | None = None) -> bool:
    _step, due = current_due(batch)
    return due is not None and (today or timezone.localdate()) > due


def submitted_late(batch: IssuanceBatch) -> bool:
    return bool(
        batch.submit_due
        and batch.submitted_at
        and timezone.localtime(batch.submitted_at).date() > batch.submit_due
    )


# --- what a batch is made from --------------------------------------------------------------------------


def route_and_submit_due(
    programme: str, region_code: str, exam_on: dt.date
) -> tuple[Policy, str, dt.date | None]:
    """The profile in force on the exam day, its certificate route and, on the DTE route, the day the
    certificate data is due at the province: `cert_submit_days` after the exam (CRT-3)."""
    policy = policy_for(programme, region_code, on=exam_on)
    route = str(policy["certificate_route"])
    days = policy.get("cert_submit_days") if route == PROVINCE_CG else None
    return policy, route, (calendar.add_calendar_days(exam_on, int(days)) if days else None)


def sessions_ready(actor: Any) -> list[Any]:
    """The actor's institutions' sessions whose passing list is frozen (exams: status certificates)
    and that have no batch yet: the ones to make certificate data from."""
    from peiyu.exams.selectors.sessions import sessions_visible_to

    orgs = sorted(scope_for(actor, ISSUE).org_ids)
    if not orgs:
        return []
    done = IssuanceBatch.objects.filter(institution_id__in=orgs).values_list("session_id", flat=True)
    return list(
        sessions_visible_to(actor)
        .filter(institution_id__in=orgs, status="certificates")
        .exclude(pk__in=done)
        .order_by("-theory_starts_at", "-pk")[:200]
    )

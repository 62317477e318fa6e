"""Scoped reads of registrations (EVL-8): a candidate sees only her own; an evaluation institution the
registrations of its sessions; a training institution those it forwarded (003 §4(4)); the bureaus the
sessions of their region (exam.supervise); anyone else — another city's official too — gets 404.
The application conditions of a level (occupation-specific, else the programme's general ones) and
the public check of an admission ticket by its QR reference."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound
from peiyu.core.lookups import one_or_404
from peiyu.training.selectors.completion import (
    enrolment_certificates,
    enrolments_certified_visible_to,
    trainee_of,
)

from ..flows import REGISTRATION_FLOW
from ..models import ApplicationCondition, EvaluationSession, Registration
from ..rules.conditions import Alternative

R = Registration.Status
ACTIVE = (R.DRAFT, R.SUBMITTED, R.RETURNED, R.APPROVED)
MANAGE, SUPERVISE, SELF = "exam.manage", "exam.supervise", "person.self"


def _q(actor: Any, prefix: str = "") -> Q:
    q = scope_for(actor, MANAGE).q(org=f"{prefix}session__institution_id")
    q |= scope_for(actor, SUPERVISE).q(region=f"{prefix}session__region_code")
    q |= scope_for(actor, SELF).q(owner=f"{prefix}person__user_id")
    q |= scope_for(actor, "training.manage").q(org=f"{prefix}training_org_id")
    return q


def registrations_visible_to(actor: Any) -> QuerySet[Registration]:
    return Registration.objects.filter(_q(actor)).select_related(
        "session", "session__institution", "session__site", "person", "training_org", "employer"
    )


def registration_get_for(actor: Any, registration_id: Any) -> Registration:
    return one_or_404(registrations_visible_to(actor), pk=registration_id)


def my_registrations(user: Any) -> QuerySet[Registration]:
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.filter(person__user_id=user.pk)
        .select_related("session", "session__institution", "session__site")
        .order_by("-created_at")
    )


def is_own(actor: Any, registration: Registration) -> bool:
    return bool(getattr(actor, "pk", None)) and registration.person.user_id == actor.pk


def manages(actor: Any, session: EvaluationSession) -> bool:
    return session.institution_id in scope_for(actor, MANAGE).org_ids


def supervises(actor: Any, session: EvaluationSession) -> bool:
    return scope_for(actor, SUPERVISE).covers_region(session.region_code)


def registration_allowed_actions(actor: Any, registration: Registration) -> list[str]:
    """The verbs of REGISTRATION_FLOW open to the actor: the candidate submits and withdraws her own;
    the institution reviews (approve / return / reject) the registrations of its sessions."""
    own, manage = is_own(actor, registration), manages(actor, registration.session)

    def permits(action: Any) -> bool:
        return manage if action.capability == MANAGE else own

    return REGISTRATION_FLOW.allowed_actions(registration, permits)


# --- sessions ---------------------------------------------------------------------------------------


def sessions_open_for_registration(today: dt.date | None = None) -> QuerySet[EvaluationSession]:
    """Sessions a candidate may register for herself today (EVL-5): in the registration step, between
    the opening and closing days; DTE sessions take forwarded candidates only (003 §4(4))."""
    today = today or timezone.localdate()
    return (
        EvaluationSession.objects.filter(
            status=EvaluationSession.Status.REGISTRATION,
            registration_opens_on__lte=today,
            registration_closes_on__gte=today,
        )
        .exclude(programme="dte")
        .select_related("institution", "site")
        .annotate(taken=Count("registrations", filter=Q(registrations__status__in=ACTIVE)))
        .order_by("registration_closes_on", "pk")
    )


def dte_sessions_open(today: dt.date | None = None) -> QuerySet[EvaluationSession]:
    """DTE sessions taking forwarded candidates today (003 §4(4))."""
    today = today or timezone.localdate()
    return EvaluationSession.objects.filter(
        programme="dte",
        status=EvaluationSession.Status.REGISTRATION,
        registration_opens_on__lte=today,
        registration_closes_on__gte=today,
    ).select_related("institution")


def open_session_get(session_id: Any) -> EvaluationSession:
    return one_or_404(sessions_open_for_registration(), pk=session_id)


def sessions_with_registrations(actor: Any) -> QuerySet[EvaluationSession]:
    """The sessions whose registrations the actor reviews (its institution) or supervises (its region)."""
    q = scope_for(actor, MANAGE).q(org="institution_id") | scope_for(actor, SUPERVISE).q(region="region_code")
    return (
        EvaluationSession.objects.filter(q)
        .select_related("institution", "site")
        .annotate(
            waiting=Count("registrations", filter=Q(registrations__status=R.SUBMITTED)),
            admitted=Count("registrations", filter=Q(registrations__status=R.APPROVED)),
        )
    )


def registration_session_get_for(actor: Any, session_id: Any) -> EvaluationSession:
    return one_or_404(sessions_with_registrations(actor), pk=session_id)


def managed_session_get(actor: Any, session_id: Any) -> EvaluationSession:
    """A session of the actor's own institution (the employer's bulk registration, the review)."""
    return one_or_404(
        EvaluationSession.objects.filter(scope_for(actor, MANAGE).q(org="institution_id")).select_related(
            "institution", "listing"
        ),
        pk=session_id,
    )


def session_registrations(session: EvaluationSession, *, status: str = "") -> QuerySet[Registration]:
    qs = session.registrations.select_related("person", "decision").order_by("status", "created_at", "pk")
    return qs.filter(status=status) if status else qs


def active_count(session_id: int) -> int:
    return Registration.objects.filter(session_id=session_id, status__in=ACTIVE).count()


# --- conditions -------------------------------------------------------------------------------------


def condition_rows(programme: str, occupation_code: str, level: str) -> list[ApplicationCondition]:
    """The level's alternatives in force: the occupation's own, else the programme's general ones."""
    base = ApplicationCondition.objects.filter(programme=programme, level=level, active=True)
    rows = list(base.filter(occupation_code=occupation_code))
    return rows or list(base.filter(occupation_code=""))


def alternatives_for(programme: str, occupation_code: str, level: str) -> list[Alternative]:
    return [
        Alternative(r.number, r.text, dict(r.requirements))
        for r in condition_rows(programme, occupation_code, level)
    ]


def conditions_all(*, programme: str = "", q: str = "") -> QuerySet[ApplicationCondition]:
    qs = ApplicationCondition.objects.all()
    if programme:
        qs = qs.filter(programme=programme)
    if q:
        qs = qs.filter(Q(occupation_code__icontains=q) | Q(text__icontains=q) | Q(level=q))
    return qs


def condition_get(condition_id: Any) -> ApplicationCondition:
    return one_or_404(ApplicationCondition.objects.all(), pk=condition_id)


# --- DTE forwarding and tickets --------------------------------------------------------------------------


@dataclass
class ForwardableCertificate:
    """A valid training certificate a training institution may forward with its holder (003 §4(4)): the
    certificate as training's extension point gives it (kept by the certificates app) and its enrolment."""

    pk: int
    number: str
    status: str
    level: str
    occupation_code: str
    holder_name: str
    institution_id: int
    enrolment: Any
    shown_name: str = ""


def forwardable_certificates(actor: Any, session: EvaluationSession) -> list[ForwardableCertificate]:
    """The valid training certificates of the session's occupation and level from completed classes of
    the actor's own training institution, of people not already registered for the session (read through
    training's selectors, 003 §4(4)), by holder and number."""
    orgs = scope_for(actor, "training.manage").org_ids
    enrolments = [
        e
        for e in enrolments_certified_visible_to(
            actor, occupation_code=session.occupation_code, level=session.level
        ).exclude(
            trainee__exam_registrations__session=session, trainee__exam_registrations__status__in=ACTIVE
        )
        if e.klass.plan.institution_id in orgs
    ]
    certificates = enrolment_certificates([e.pk for e in enrolments])
    found = [
        ForwardableCertificate(
            pk=c["id"], number=c["number"], status=c["status"], level=c["level"],
            occupation_code=c["occupation_code"], holder_name=c["holder_name"],
            institution_id=c["institution_id"], enrolment=e,
        )
        for e in enrolments
        if (c := certificates.get(e.pk)) is not None and c["valid"] and c["institution_id"] in orgs
    ]  # fmt: skip
    return sorted(found, key=lambda c: (c.holder_name, c.number))


def own_person(user: Any) -> Any:
    return trainee_of(user)


def ticket_public(token: str) -> Registration:
    """The admission ticket behind a QR reference (anyone may check it); a withdrawn one is still shown
    as such, an unknown token is 404."""
    if not token or len(token) > 64:
        raise NotFound("准考证不存在")
    return one_or_404(
        Registration.objects.filter(ticket_number__isnull=False).select_related("session", "person"),
        "准考证不存在",
        ticket_token=token,
    )

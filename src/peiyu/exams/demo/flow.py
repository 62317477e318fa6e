"""A session taken through EVL-5's steps by the services, as the institution's exam administrator does
on the session's page: created, announced, registration opened, candidates registering themselves
(facts stated, commitment signed, submitted), registration closed, approved with tickets, rooms
(a theory and a practical sitting, proctors, seats), papers assembled and sealed, the exam started.
`advance(..., to=status)` stops at the status asked for."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password

from peiyu.accounts.models import Org, Role, RoleAssignment, User

from ..models import EvaluationSession, QualitySupervisor, Registration, SupervisionAssignment
from ..services import assembly, papers, sittings, supervision
from ..services import registrations as regs
from ..services import sessions as sessions_svc
from ..services import sessions_steps as steps
from .support import FACTS, person

ORDER = ["draft", "announced", "registration", "eligibility", "rooms", "papers", "exam"]
_PASSWORD: list[str] = []


def account(org: Org, username: str, full_name: str, role: str) -> User:
    """A demo account with the demo password (hashed once for all of them: creating dozens of
    candidates would otherwise spend seconds hashing the same password)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    from peiyu.institutions.demo.support import DEMO_PASSWORD

    if not _PASSWORD:
        _PASSWORD.append(make_password(DEMO_PASSWORD))
    user = User.objects.create(username=username, full_name=full_name, primary_org=org, password=_PASSWORD[0])
    r = Role.objects.get(code=role)
    RoleAssignment.objects.create(
        user=user, role=r, org=org, region_id=org.region_id, separation=r.separation
    )
    return user


@dataclass
class Staff:
    admin: User
    proctor: User
    supervisor: User
    platform: Org
    people: dict[str, User] = field(default_factory=dict)


def self_register(
    session: EvaluationSession, user: User, name: str, id_number: str, facts: dict[str, Any]
) -> Registration:
    """The candidate's own steps: register, state her facts, sign the commitment, submit."""
    reg = regs.registration_start(actor=user, session=session, person={"name": name, "id_number": id_number})
    reg = regs.registration_state_facts(actor=user, registration=reg, data=facts)
    reg = regs.registration_sign(actor=user, registration=reg, agreed=True)
    return regs.registration_submit(actor=user, registration=reg)


def candidates(
    session: EvaluationSession, staff: Staff, rng: random.Random, n: int, prefix: str
) -> list[Registration]:
    out = []
    for i in range(n):
        name, number = person(rng, "510107", rng.randint(100, 999))
        user = account(staff.platform, f"{prefix}{i + 1:02d}", name, "trainee")
        out.append(self_register(session, user, name, number, FACTS))
    return out


def rooms(session: EvaluationSession, staff: Staff) -> None:
    """A theory and a practical sitting with their proctor, every candidate seated."""
    site = session.site
    for kind, room_kind in (("theory", "theory"), ("practical", "practical")):
        room = site.rooms.filter(kind=room_kind, is_active=True).order_by("pk").first()
        assert room is not None
        sitting = sittings.sitting_create(actor=staff.admin, session=session,
                                          data={"kind": kind, "room": str(room.pk), "proctor": str(staff.proctor.pk)})  # fmt: skip
        sittings.seats_allocate(actor=staff.admin, sitting=sitting)


def internal_supervisor(staff: Staff, org: Org) -> QualitySupervisor:
    found = QualitySupervisor.objects.filter(user=staff.supervisor, kind="internal").first()
    return found or supervision.supervisor_register(
        actor=staff.admin, username=staff.supervisor.username, kind="internal", certificate_number="CDZD2025031",
        org_id=org.pk,
    )  # fmt: skip


def supervise(session: EvaluationSession, staff: Staff, *, check_in: bool = True) -> None:
    """The internal quality supervisor assigned to every sitting (逢考必督); checked in at the theory."""
    qs = internal_supervisor(staff, session.institution)
    for sitting in session.sittings.order_by("pk"):
        a = supervision.supervision_assign(actor=staff.admin, sitting=sitting, supervisor=qs)
        if check_in and sitting.kind == "theory":
            supervision.supervision_check_in(actor=staff.supervisor, assignment=a)


def check_in(session: EvaluationSession, staff: Staff, kind: str | None = "theory") -> None:
    """The internal supervisor checks in at the session's sittings (of `kind`; None: every one)."""
    found = SupervisionAssignment.objects.filter(sitting__session=session, checked_in_at=None)
    for a in found.filter(sitting__kind=kind) if kind else found:
        supervision.supervision_check_in(actor=staff.supervisor, assignment=a)


def advance(
    session: EvaluationSession,
    staff: Staff,
    rng: random.Random,
    *,
    to: str,
    n: int = 0,
    prefix: str = "",
    extra: Callable[[EvaluationSession], None] | None = None,
) -> EvaluationSession:
    """Take the session step by step from its status up to `to` (one of ORDER); `n` candidates register
    themselves when registration opens (accounts `prefix01`…), then `extra` runs."""
    admin, target, now = staff.admin, ORDER.index(to), ORDER.index(session.status)

    def due(k: int) -> bool:  # a step from the session's status on, up to the one asked for
        return now < k <= target

    if due(1):
        steps.session_announce(actor=admin, session=session)
    if due(2):
        steps.session_open_registration(actor=admin, session=session)
        candidates(session, staff, rng, n, prefix)
        if extra is not None:
            extra(session)
    if due(3):
        steps.session_close_registration(actor=admin, session=session)
    if due(4):
        regs.registrations_approve_passing(actor=admin, session=session)
        steps.session_finish_review(actor=admin, session=session)
    if due(5):
        rooms(session, staff)
        steps.session_prepare_papers(actor=admin, session=session)
    if due(6):
        run = assembly.assemble_session(actor=admin, session=session, seed=f"demo-{session.number}")
        papers.run_seal(actor=admin, run=run)
        steps.session_start_exam(actor=admin, session=session)
    session.refresh_from_db()
    return session


def create(org: Org, staff: Staff, form: dict[str, Any]) -> EvaluationSession:
    return sessions_svc.session_create(actor=staff.admin, institution=org, data=form)

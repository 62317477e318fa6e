"""The candidate's side of the computer-based theory exam (EVL-6 "智能化上机考试"; seed 001 Art. 20).

- **Identity check** (`cbt_start`): the ID number and the admission ticket number of an approved
  registration whose theory sitting is open — no platform account is needed in the room, the pair is.
  Wrong pairs are counted per address and per ticket number (`GUESS_LIMIT` in `GUESS_WINDOW`), then
  refused, so neither can be guessed; a wrong pair and an unknown ticket fail with the same message.
- **Start**: the attempt prepared when the sitting opened (services.cbt_prepare: form and shuffle seed
  recorded then) is started by one conditional UPDATE from not started (`Workflow.transition_if`), so
  a second start of the same attempt finds it moved and becomes a resumption; without a prepared
  attempt it is created here with a random seed (recorded), the form chosen by seat
  (rules.cbt.form_index). `deadline_at` = min(start + the session's minutes, the sitting's end), kept by
  the server. The browser is bound by a random secret in an HttpOnly cookie (`<attempt>-<form>.<secret>`);
  only its SHA-256 digest is stored (`Attempt.device_token`).
- **Another device** presenting the right pair gets a pending ResumeRequest and waits; the proctor's
  approval binds it (services.proctor) — the answers stay on the attempt.
- **Autosave** (`answers_save`; the API's `cbt_answers.answers_save_for_device` without reading the
  attempt): the page sends the changed answers with the revision they are based on; one conditional
  UPDATE merges them into the stored answers only if the revision is still current, the device and
  form the bound ones and the deadline not passed, so a stale tab never overwrites newer answers.
  No audit event per keystroke: an AttemptEvent "saving" opens each stretch of saving (see
  cbt_answers), and the submission's audit event records the final revision and the answers' SM3.
- **Leaving the page** (`attempt_leave`) is counted on the attempt and recorded as an AttemptEvent.
- **Submission** by the candidate, or automatically at the deadline: by the tick
  (`attempts_auto_submit_due`) and on any access after the deadline. Objective items are scored on
  submission (services.cbt_scoring).

The candidate has no account here: her audit events have no actor and say `"by": "candidate"`."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.bulk import insert_one
from peiyu.core.cache import counter_add
from peiyu.core.crypto import blind_index, sm3_hex
from peiyu.core.errors import Conflict, InvalidInput, NotFound

from ..flows import ATTEMPT_FLOW, RESUME_FLOW
from ..models import Attempt, AttemptEvent, Paper, Registration, ResumeRequest, Sitting
from ..rules.cbt import deadline_for, form_index
from ..rules.papers import new_seed
from ..selectors.cbt import ACTIVE, sealed_content
from .cbt_scoring import score_submitted

A = Attempt.Status
COOKIE = "peiyu_exam"
COOKIE_AGE = 12 * 3600
GUESS_LIMIT = 10
GUESS_WINDOW = 15 * 60  # seconds
SAVE_STRETCH = dt.timedelta(minutes=5)
ID_PURPOSE = "person_id_number"
WRONG_PAIR = "身份证号码与准考证号不匹配，或该考生本场次尚未开考"
THROTTLED = "核验失败次数过多，请15分钟后再试，或请监考人员协助"
CANDIDATE = {"by": "candidate"}


@dataclass(frozen=True)
class Started:
    """The outcome of an identity check: the attempt, the cookie value the browser must keep, and the
    pending resumption request when the attempt is bound to another device."""

    attempt: Attempt
    cookie: str
    waiting: ResumeRequest | None = None


def cookie_options(secure_request: bool) -> dict[str, Any]:
    """How the device cookie is set by the page and the API: HttpOnly, same-site only, for the exam's
    day at most."""
    return {
        "max_age": COOKIE_AGE,
        "httponly": True,
        "samesite": "Strict",
        "secure": secure_request or bool(settings.SESSION_COOKIE_SECURE),
        "path": "/",
    }


def device_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _cookie(attempt: Attempt, secret: str) -> str:
    """`<attempt>-<form>.<secret>`: the form lets an autosave check the answers against the form
    without reading the attempt first (the UPDATE still requires that form, so a changed one fails)."""
    return f"{attempt.pk}-{attempt.paper_id}.{secret}"


def parse_device_cookie(value: str | None) -> tuple[int, int | None, str] | None:
    """(attempt id, form id or None, secret) of a device cookie, None when it cannot be one."""
    head, _, secret = (value or "").partition(".")
    pk, _, paper = head.partition("-")
    if (
        not pk.isdigit()
        or len(pk) > 18
        or len(secret) < 20
        or (paper and not paper.isdigit())
        or len(paper) > 18
    ):
        return None
    return int(pk), int(paper) if paper else None, secret


def parse_cookie(value: str | None) -> tuple[int, str] | None:
    held = parse_device_cookie(value)
    return (held[0], held[2]) if held else None


def _guesses(*keys: str) -> list[str]:
    return ["peiyu:exam-id:" + sm3_hex(k.encode())[:32] for k in keys]


def _over_limit(names: list[str]) -> bool:  # both counters in one read: one round trip to Redis
    return any((count or 0) >= GUESS_LIMIT for count in cache.get_many(names).values())


def _count_failure(names: list[str]) -> None:
    for name in names:
        counter_add(name, ttl=GUESS_WINDOW)


def _normalise_id(value: str) -> str:
    return "".join(str(value or "").split()).upper().replace("Ｘ", "X")


def cbt_identify(*, id_number: str, ticket_number: str, address: str = "") -> Registration:
    """The registration the pair names, when it is approved, has a theory sitting that is open, and
    the ID number is the candidate's. Refused alike for a wrong or unknown pair (and counted)."""
    id_number, ticket = clean_pair(id_number, ticket_number)
    errors: dict[str, list[str]] = {}
    if not id_number:
        errors["id_number"] = ["请输入身份证号码"]
    if not ticket:
        errors["ticket_number"] = ["请输入准考证号"]
    if errors:
        raise InvalidInput("请输入身份证号码和准考证号", fields=errors)
    names = _guesses("ip:" + address, "ticket:" + ticket)
    if _over_limit(names):
        raise InvalidInput(THROTTLED, code="throttled", fields={"ticket_number": [THROTTLED]})
    return _identified(ticket, id_number, names)


def clean_pair(id_number: str, ticket_number: str) -> tuple[str, str]:
    return _normalise_id(id_number), "".join(str(ticket_number or "").split()).upper()


def _identified(ticket: str, id_number: str, names: list[str]) -> Registration:
    # one indexed query: the ticket (unique) and the person's blind index must both match; the person's
    # encrypted fields are never read
    registration = (
        Registration.objects.select_related("session", "theory_sitting", "attempt", "attempt__paper")
        .defer("attempt__paper__sealed_content", "attempt__paper__digest")
        .filter(
            ticket_number=ticket[:32],
            status=Registration.Status.APPROVED,
            person__id_index=blind_index(id_number, ID_PURPOSE),
        )
        .first()
    )
    sitting = registration.theory_sitting if registration else None
    if (
        registration is None
        or sitting is None
        or sitting.kind != Sitting.Kind.THEORY
        or sitting.status != Sitting.Status.OPEN
        or registration.theory_exempt
    ):
        _count_failure(names)
        raise InvalidInput(WRONG_PAIR, code="identity_refused", fields={"ticket_number": [WRONG_PAIR]})
    sitting.session = registration.session  # the same row: audit events read its region without a query
    return registration


def _form_for(registration: Registration, now: dt.datetime) -> Paper:
    papers = list(
        Paper.objects.filter(
            session_id=registration.session_id,
            kind=Paper.Kind.THEORY,
            status__in=(Paper.Status.SEALED, Paper.Status.OPENED),
        )
        .defer("sealed_content")
        .order_by("form")
    )
    if not papers:
        raise Conflict("本场次没有已封存的理论试卷，请联系监考人员", code="no_sealed_paper")
    return papers[form_index(registration.seat, registration.pk, len(papers))]


def cbt_start(
    *,
    id_number: str,
    ticket_number: str,
    address: str = "",
    cookie: str | None = None,
    now: dt.datetime | None = None,
) -> Started:
    """Identity check, then: start the attempt (first time), go on with it (the bound device), or ask
    the proctor to let this device go on (another device)."""
    from .cbt_prepare import start_prepared  # (cbt_prepare builds on this module)

    now = now or timezone.now()
    number, ticket = clean_pair(id_number, ticket_number)
    if number and ticket and not _over_limit(_guesses("ip:" + address, "ticket:" + ticket)):
        fast = start_prepared(
            ticket=ticket, id_index=blind_index(number, ID_PURPOSE), address=address, now=now
        )
        if fast is not None:
            return fast
    registration = cbt_identify(id_number=id_number, ticket_number=ticket_number, address=address)
    sitting = registration.theory_sitting
    assert sitting is not None
    prepared = getattr(registration, "attempt", None)
    if prepared is not None and prepared.status == A.NOT_STARTED:
        started = attempt_start_prepared(prepared, registration, sitting, address=address, now=now)
        if started is not None:
            return started
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(registration=registration).first()
        if (
            attempt is not None
            and attempt.status in ACTIVE
            and attempt.deadline_at
            and now >= attempt.deadline_at
        ):
            _submit_locked(attempt, now=now, auto=True)
        if attempt is not None and attempt.status not in (A.NOT_STARTED, *ACTIVE):
            raise Conflict(f"本场考试{attempt.get_status_display()}，不能再次作答", code="attempt_finished")
        if attempt is not None and attempt.status in ACTIVE:
            held = parse_cookie(cookie)
            if (
                held
                and held[0] == attempt.pk
                and hmac.compare_digest(attempt.device_token, device_digest(held[1]))
            ):
                return Started(attempt, _cookie(attempt, held[1]))
            return _ask_resume(attempt, address=address, now=now)
        paper = _form_for(registration, now)
        sealed_content(paper, now=now)  # opened only from its time, digest checked (once per process)
        secret = _new_secret()
        changes: dict[str, Any] = {
            "paper": paper,
            "shuffle_seed": new_seed(),
            "started_at": now,
            "deadline_at": deadline_for(now, registration.session.theory_minutes, sitting.ends_at),
            "last_seen_at": now,
            "device_token": device_digest(secret),
            "devices": 1,
        }
        if attempt is None:
            attempt = Attempt.objects.create(
                registration=registration, sitting=sitting, status=A.IN_PROGRESS, **changes
            )
            ATTEMPT_FLOW.created(
                attempt,
                actor=None,
                reason="考生身份核验通过，开始作答",
                after={**CANDIDATE, "form": paper.form, "seed": changes["shuffle_seed"]},
            )
        else:
            ATTEMPT_FLOW.transition(
                attempt, A.IN_PROGRESS, actor=None, reason="考生身份核验通过，开始作答", changes=changes,
                locked=True, audit_extra=CANDIDATE,
            )  # fmt: skip
        AttemptEvent.objects.create(
            attempt=attempt, kind="started", at=now, detail={"address": address, "form": paper.form}
        )
    return Started(attempt, _cookie(attempt, secret))


def attempt_start_prepared(
    attempt: Attempt, registration: Registration, sitting: Sitting, *, address: str, now: dt.datetime
) -> Started | None:
    """Start an attempt prepared when the sitting opened (form and seed already recorded): one
    conditional UPDATE from not started, its transition log, the "started" event and the audit event.
    None when its form is no longer sealed or another request started it first (the caller then
    takes the locked path, which chooses a form again or treats this one as a resumption)."""
    paper = attempt.paper
    if paper.status not in (Paper.Status.SEALED, Paper.Status.OPENED) or paper.kind != Paper.Kind.THEORY:
        return None
    sealed_content(paper, now=now)  # opened only from its time, digest checked (once per process)
    attempt.sitting = sitting  # with its session: the audit event reads the region without a query
    secret = _new_secret()
    changes: dict[str, Any] = {
        "started_at": now,
        "deadline_at": deadline_for(now, registration.session.theory_minutes, sitting.ends_at),
        "last_seen_at": now,
        "device_token": device_digest(secret),
        "devices": 1,
    }
    moved = ATTEMPT_FLOW.transition_if(
        attempt, A.IN_PROGRESS, expected_from=[A.NOT_STARTED], actor=None, reason="考生身份核验通过，开始作答",
        changes=changes, audit_extra={**CANDIDATE, "form": paper.form, "seed": attempt.shuffle_seed},
        before_audit=lambda: insert_one(
            AttemptEvent, attempt=attempt, kind="started", at=now, detail={"address": address, "form": paper.form}
        ),
    )  # fmt: skip
    return Started(attempt, _cookie(attempt, secret)) if moved else None


def _ask_resume(attempt: Attempt, *, address: str, now: dt.datetime) -> Started:
    secret = _new_secret()
    pending = ResumeRequest.objects.filter(attempt=attempt, status=ResumeRequest.Status.PENDING).first()
    if pending is None:
        pending = ResumeRequest.objects.create(
            attempt=attempt,
            reason="考生在另一台计算机上核验身份，申请续考",
            device_token=device_digest(secret),
        )
        RESUME_FLOW.created(pending, actor=None, after={**CANDIDATE, "address": address})
    else:  # the newest device asking is the one the proctor lets in
        pending.device_token = device_digest(secret)
        pending.save(update_fields=["device_token", "updated_at"])
        audit_record(
            None, "exam_resume_request.device_changed", pending, after={**CANDIDATE, "address": address}
        )
    AttemptEvent.objects.create(
        attempt=attempt, kind="resume_requested", at=now, detail={"address": address, "request": pending.pk}
    )
    return Started(attempt, _cookie(attempt, secret), waiting=pending)


def attempt_for_device(cookie: str | None, *, now: dt.datetime | None = None) -> Attempt:
    """The attempt the browser's cookie is bound to (NotFound without a valid one). An attempt past
    its deadline is submitted now. A device waiting for the proctor gets Conflict `resume_pending`
    (or `resume_refused`)."""
    now = now or timezone.now()
    held = parse_cookie(cookie)
    if held is None:
        raise NotFound("请先核验身份")
    attempt = Attempt.objects.filter(pk=held[0]).first()
    if attempt is None:
        raise NotFound("请先核验身份")
    digest = device_digest(held[1])
    if not hmac.compare_digest(attempt.device_token, digest):
        request = (
            ResumeRequest.objects.filter(attempt=attempt, device_token=digest).order_by("-created_at").first()
        )
        if request is None:
            raise NotFound("请先核验身份")
        if request.status == ResumeRequest.Status.PENDING:
            raise Conflict("已申请在本机续考，请等待监考人员确认", code="resume_pending")
        raise Conflict("监考人员未同意在本机续考，请联系监考人员", code="resume_refused")
    if attempt.status in ACTIVE and attempt.deadline_at is not None and now >= attempt.deadline_at:
        attempt = attempt_submit(attempt=attempt, now=now, auto=True)
    return attempt


def answers_save(
    *, attempt: Attempt, revision: int, answers: dict[str, Any], now: dt.datetime | None = None
) -> Attempt:
    """Store the changed answers `{position: response}` (None clears one) on top of `revision`
    (services.cbt_answers: one conditional UPDATE, the stretch's "saving" event)."""
    from .cbt_answers import answers_clean, save_refused, store_answers

    now = now or timezone.now()
    stored, cleared = answers_clean(attempt.paper_id, answers, now=now)
    if not store_answers(
        attempt_id=attempt.pk, paper_id=attempt.paper_id, device=attempt.device_token, revision=revision,
        stored=stored, cleared=cleared, now=now,
    ):  # fmt: skip
        raise save_refused(attempt, device=attempt.device_token, now=now)
    merged = {k: v for k, v in (attempt.answers or {}).items() if k not in cleared}
    merged.update(stored)
    attempt.answers, attempt.revision, attempt.last_seen_at = merged, revision + 1, now
    return attempt


def attempt_leave(*, attempt: Attempt, kind: str, now: dt.datetime | None = None) -> Attempt:
    """The page reports that the candidate left it (the tab hidden or the window left)."""
    now = now or timezone.now()
    if attempt.status not in ACTIVE:
        return attempt
    kind = kind if kind in ("hidden", "blur") else "hidden"
    with transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(leaves=F("leaves") + 1, last_seen_at=now)
        AttemptEvent.objects.create(attempt=attempt, kind="left", at=now, detail={"how": kind})
    attempt.leaves += 1
    return attempt


def answers_digest(answers: dict[str, Any]) -> str:
    return sm3_hex(json.dumps(answers, ensure_ascii=False, sort_keys=True).encode())


def _submit_locked(attempt: Attempt, *, now: dt.datetime, auto: bool) -> Attempt:
    to = A.AUTO_SUBMITTED if auto else A.SUBMITTED
    ATTEMPT_FLOW.transition(
        attempt,
        to,
        actor=None,
        reason="考试时间已到，系统自动交卷" if auto else "考生交卷",
        changes={"submitted_at": min(now, attempt.deadline_at) if auto and attempt.deadline_at else now},
        locked=True,
        audit_extra={
            **CANDIDATE,
            "revision": attempt.revision,
            "answers_sm3": answers_digest(attempt.answers or {}),
        },
    )
    AttemptEvent.objects.create(attempt=attempt, kind="submitted", at=now, detail={"auto": auto})
    score_submitted(attempt, now=now)
    return attempt


def attempt_submit(*, attempt: Attempt, now: dt.datetime | None = None, auto: bool = False) -> Attempt:
    """Submit (the candidate, or automatically once the deadline has passed) and score the objective
    items. Submitting twice is refused; an automatic submission of a finished attempt does nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status not in ACTIVE:
            if auto:
                return locked
            raise Conflict(f"本场考试{locked.get_status_display()}，不能再交卷", code="attempt_finished")
        if not auto and locked.deadline_at and now >= locked.deadline_at:
            auto = True
        return _submit_locked(locked, now=now, auto=auto)


def attempts_auto_submit_due(now: dt.datetime) -> int:
    """Tick: submit every attempt whose deadline has passed (idempotent: a submitted one is skipped)."""
    due = list(
        Attempt.objects.filter(status__in=ACTIVE, deadline_at__lte=now).values_list("pk", flat=True)[:2000]
    )
    done = 0
    for pk in due:
        before = Attempt.objects.only("status").get(pk=pk).status
        attempt_submit(attempt=Attempt(pk=pk), now=now, auto=True)
        done += before in ACTIVE
    return done

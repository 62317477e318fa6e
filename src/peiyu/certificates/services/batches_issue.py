"""Issuing a batch in the background (CRT-3, CRT-4; issue 14 point 10): `batch_issue` checks that the
batch went through every step of its route (nothing is issued that skipped one), that its numbers can
be made (the profile's template filled with the institution's codes from its filing), moves it to
issuing with `total`/`done` and queues the Celery task `peiyu.certificates.batch_issue` by name (run
in-process when Celery is eager, as in the embedded default and the tests; after commit otherwise).

The task (`batch_issue_run`) issues the batch's approved candidates (DTE; the skill route: all its
candidates) in chunks, each in its own transaction under the batch's row lock: numbered, signed and
recorded by `issuance.certificates_create`, the entries moved to issued with one audit event per
chunk, `done` advanced — so the page shows progress and a second delivery of the task finds nothing
left. When every candidate has a certificate the batch is issued. A failure ends the run: the batch
goes back to where it was issued from with the error in Chinese, the certificates already made stay,
and issuing again continues with the rest."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from peiyu.core.checks import refuse_failed
from peiyu.core.errors import Conflict, DomainError, InvalidTransition
from peiyu.core.tasks import task_named

from ..flows import BATCH_FLOW, ENTRY_FLOW
from ..models import BatchEntry, Certificate, IssuanceBatch
from ..rules import batches as rules
from ..rules.numbering import NumberPlan, TemplateError, filing_fields, level_code, plan_for
from ..selectors import batches as sel
from .batches import _locked, _require_institution
from .issuance import IssueRow, certificates_create
from .templates import issuing_wording

logger = logging.getLogger("peiyu.certificates")
B = IssuanceBatch.Status
E = BatchEntry.Status
TASK = "peiyu.certificates.batch_issue"
CHUNK = 500
FAILED = "发证未完成：{reason}。已颁发的证书保留，处理后可再次发证，将继续颁发其余证书。"
INTERNAL = "处理过程中出现程序错误，请联系平台运营人员"


def chunk_size() -> int:
    return int(getattr(settings, "PEIYU_CERTIFICATE_CHUNK", CHUNK))


def _from_status(batch: IssuanceBatch) -> str:
    return B.APPROVED if batch.route == rules.PROVINCE_CG else B.DRAFT


def pending_entries(batch: IssuanceBatch) -> QuerySet[BatchEntry]:
    """The candidates still to issue: approved ones (DTE), every included one (skill route)."""
    status = E.APPROVED if batch.route == rules.PROVINCE_CG else E.INCLUDED
    return BatchEntry.objects.filter(batch=batch, status=status, certificate__isnull=True).order_by("pk")


def number_plan(batch: IssuanceBatch, issued_on: dt.date) -> NumberPlan:
    """The numbers of the batch's certificates (CRT-4): the profile's template with the level's code,
    the year, the region; for skill certificates the institution's codes from its filing (the unified
    filing code) and the exam site's serial where the site has one."""
    from peiyu.institutions.selectors.evaluation_listings import evaluation_listing_of

    policy = policy_at(batch, issued_on)
    session = batch.session
    fields = {
        "province": batch.region_code[:2],
        "city": batch.region_code[:4] + "00",
        "region": batch.region_code,
        "yyyy": f"{issued_on:%Y}",
        "yy": f"{issued_on:%y}",
        "level_code": level_code(list(policy["levels"]), list(policy["cert_level_codes"]), session.level),
    }
    if batch.kind == Certificate.Kind.SKILL:
        listing = evaluation_listing_of(batch.institution_id, session.listing_id)
        if listing is None or not listing.filing_code:
            raise TemplateError("评价机构的备案信息中没有统一编码，无法生成职业技能等级证书编号")
        fields.update(filing_fields(listing.filing_code))
        if session.site_id and session.site.serial:
            fields["site_serial"] = session.site.serial
    return plan_for(str(policy["cert_number_template"]), fields)


def policy_at(batch: IssuanceBatch, on: dt.date) -> Any:
    from peiyu.core.policy import policy_for

    return policy_for(batch.programme, batch.region_code, on=on)


def batch_issue(*, actor: Any, batch: IssuanceBatch) -> IssuanceBatch:
    """Start issuing (module docstring); the batch's page follows the progress."""
    _require_institution(actor, batch)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status != _from_status(locked):
            raise InvalidTransition(
                f"当前状态“{locked.get_status_display()}”不能发证",
                details={"from": locked.status, "to": B.ISSUING},
            )
        refuse_failed([rules.check_steps_done(locked.route, sel.steps_passed(locked))], code="steps_skipped")
        refuse_failed([issuing_wording(locked.institution, locked.kind)[1]], code="certificate_wording_held")
        pending = pending_entries(locked).count()
        if not pending:
            raise Conflict("没有待发证的考生", code="nothing_to_issue", rule="CRT-3")
        try:
            number_plan(locked, today)
        except TemplateError as exc:
            raise Conflict(str(exc), code="certificate_number_plan", rule="CRT-4") from exc
        on_time = rules.check_on_time("颁发证书", locked.issue_due, today)
        issued = BatchEntry.objects.filter(batch=locked, certificate__isnull=False).count()
        BATCH_FLOW.transition(
            locked, B.ISSUING, actor=actor, locked=True,
            reason=f"开始颁发证书{pending}本" + ("（逾期）" if not on_time.ok else ""),
            changes={"total": issued + pending, "done": issued, "job_error": ""},
            audit_extra={"overdue": not on_time.ok, **on_time.facts},
        )  # fmt: skip
    args = [locked.pk, getattr(actor, "pk", None)]
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        task_named(TASK).apply(args=args)
    else:
        transaction.on_commit(lambda: task_named(TASK).delay(*args))
    locked.refresh_from_db()
    return locked


def batch_issue_run(batch_id: int, actor_id: int | None = None) -> IssuanceBatch | None:
    """The task's body: issue chunk after chunk until none is left, then the batch is issued."""
    from peiyu.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    batch = IssuanceBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return None
    try:
        while _issue_chunk(batch, actor):
            pass
    except Exception as exc:  # a bug or a refusal must not leave the batch issuing for ever
        logger.exception("issuing batch %s failed", batch.number)
        reason = exc.message if isinstance(exc, DomainError) else INTERNAL
        _fail(batch, actor, FAILED.format(reason=reason), type(exc).__name__)
    batch.refresh_from_db()
    return batch


def _issue_chunk(batch: IssuanceBatch, actor: Any) -> bool:
    """One chunk in one transaction; False when the run is over (nothing left, or not issuing)."""
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status != B.ISSUING:
            return False
        entries = list(pending_entries(locked)[: chunk_size()])
        if not entries:
            BATCH_FLOW.transition(
                locked, B.ISSUED, actor=actor, locked=True, reason=f"颁发证书{locked.done}本",
                changes={"issued_at": timezone.now()},
            )  # fmt: skip
            return False
        issued_on = timezone.localdate()
        try:
            plan = number_plan(locked, issued_on)
        except TemplateError as exc:
            raise Conflict(str(exc), code="certificate_number_plan", rule="CRT-4") from exc
        certs = certificates_create(
            actor=actor, kind=locked.kind, institution=locked.institution, programme=locked.programme,
            region_code=locked.region_code, plan=plan, rows=[_issue_row(e) for e in entries],
            issued_on=issued_on, decision=None, batch=locked,
        )  # fmt: skip
        for entry, cert in zip(entries, certs, strict=True):
            entry.certificate = cert
        BatchEntry.objects.bulk_update(entries, ["certificate"])
        ENTRY_FLOW.transition_batch(
            entries, E.ISSUED, actor=actor, subject=locked, reason=f"颁发证书{len(entries)}本",
            after={"numbers": {"first": certs[0].number, "last": certs[-1].number}},
        )  # fmt: skip
        IssuanceBatch.objects.filter(pk=locked.pk).update(done=F("done") + len(entries))
    return True


def _issue_row(entry: BatchEntry) -> IssueRow:
    row = entry.row
    return IssueRow(
        holder_id=entry.holder_id,
        holder_name=entry.holder_name,
        id_masked=str(row.get("id_masked", "")),
        id_index=str(row.get("id_index", "")),
        occupation_code=str(row.get("occupation_code", "")),
        occupation_name=str(row.get("occupation_name", "")),
        direction=str(row.get("direction") or ""),
        level=str(row.get("level", "")),
        details={
            key: row.get(key)
            for key in (
                "session",
                "exam_on",
                "ticket_number",
                "theory",
                "theory_exempt",
                "practical",
                "review",
            )
        },
        source_kind="registration",
        source_id=entry.registration_id,
    )


def _fail(batch: IssuanceBatch, actor: Any, message: str, error: str) -> None:
    try:
        BATCH_FLOW.transition(
            batch, _from_status(batch), actor=actor, reason=message, changes={"job_error": message},
            expected_from=[B.ISSUING], audit_extra={"error": error},
        )  # fmt: skip
    except InvalidTransition:
        pass  # no longer issuing: another run finished or failed it

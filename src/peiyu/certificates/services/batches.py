"""The issuance pipeline (CRT-3, SEC-2; seed 000 Art. 3 and 8, 001 Art. 6 and 17(5), 003 §4(4)): a
session's frozen passing list becomes a batch of certificate data, which follows its profile's
`certificate_route`.

- DTE ("province_cg"): the evaluation institution submits the data and its exam report to the province
  within `cert_submit_days` after the exam (the deadline stored when the batch is made; submitting late
  is allowed, and recorded as overdue in a Decision); the province confirms within
  `province_confirm_working_days` PRC working days counted from the submission (stored at submission)
  and forwards to the coordination group office, which approves; after approval the institution issues
  within `cert_issue_days` (stored at approval). The province and the office may return the batch with
  a reason, or return some candidates with reasons while confirming or approving the rest (partial
  approval). A returned batch goes back only after each returned candidate is corrected or withdrawn;
  candidates returned from a batch whose rest was approved are corrected in a supplementary batch.
- Skill ("institution_city"): the filed institution issues (services/batches_issue.py), then reports
  the data to the city.

Every step is a service — the institution's here, the reviewers' in batches_review.py, issuing in
batches_issue.py: permission and scope (selectors/batches.py decides who acts), the workflow
transition with its audit event. batches_actions.py is the one table of verbs pages and the API
dispatch through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.core import calendar
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import clean_reason, clean_text
from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for

from ..flows import APPROVE, BATCH_FLOW, CONFIRM, ENTRY_FLOW, ISSUE
from ..models import BatchEntry, Certificate, IssuanceBatch
from ..rules import batches as rules
from ..selectors import batches as sel

B = IssuanceBatch.Status
E = BatchEntry.Status
SUBJECT = "certificates.issuancebatch"
REPORT_MAX = 5000


def batch_policy(batch: IssuanceBatch) -> Policy:
    return policy_for(batch.programme, batch.region_code, on=batch.exam_on)


def kind_for(programme: str) -> str:
    return Certificate.Kind.LEVEL if programme == "dte" else Certificate.Kind.SKILL


def _locked(batch: IssuanceBatch) -> IssuanceBatch:
    return IssuanceBatch.objects.select_for_update().select_related("institution").get(pk=batch.pk)


def _require_institution(actor: Any, batch: IssuanceBatch) -> None:
    require(actor, ISSUE, org_id=batch.institution_id)


def _require_province(actor: Any, batch: IssuanceBatch) -> None:
    scope = require(actor, CONFIRM, region_code=batch.region_code)
    if scope.national:
        raise PermissionDenied("证书数据由省级人社部门确认", code="permission_denied")


def _require_office(actor: Any, batch: IssuanceBatch) -> None:
    require(actor, APPROVE, region_code=batch.region_code)


def _require_route(batch: IssuanceBatch, route: str) -> None:
    if batch.route != route:
        raise Conflict("该批证书数据的流程没有此环节", code="batch_route_step", rule="CRT-3")


def _entry_row(row: Mapping[str, Any], session: Any, exam_on: dt.date) -> dict[str, Any]:
    """A passing-list row as the batch keeps it: the row and the session's facts the certificate needs."""
    return {**row, "session": session.number, "session_title": session.title, "exam_on": exam_on.isoformat()}


def _batch_number(session: Any) -> str:
    n = IssuanceBatch.objects.filter(session_id=session.pk).count() + 1
    return f"ZS{session.number}-{n}"


# --- making a batch -------------------------------------------------------------------------------------


def batch_create(*, actor: Any, session_id: Any) -> IssuanceBatch:
    """Certificate data from a session's frozen passing list (its digest checked on reading): one entry
    per passed candidate, the route from the profile, the submission deadline stored (DTE)."""
    from peiyu.exams.selectors.scores import passing_list_for

    plist = passing_list_for(int(session_id)) if str(session_id).isdigit() else None
    if plist is None:
        raise InvalidInput("请选择考核批次", fields={"session": ["请选择考核批次"]})
    session = plist.session
    require(actor, ISSUE, org_id=session.institution_id)
    if session.status != "certificates":
        raise Conflict(
            "该考核批次尚未生成证书数据（成绩公示期满后生成）", code="session_not_final", rule="SEC-2"
        )
    policy, route, submit_due = sel.route_and_submit_due(
        session.programme, session.region_code, plist.exam_on
    )
    frozen = Check(
        "SEC-2",
        bool(plist.rows),
        f"合格名单{plist.count}人（摘要已核对），据此生成证书数据"
        if plist.rows
        else "合格名单中没有合格人员",
        {"passing_list": plist.pk, "digest": plist.digest, "count": plist.count},
        "000 第十一条（六）；001 第二十二条",
    )
    checks = [
        frozen,
        rules.check_route(route),
        rules.check_on_time("报送证书数据", submit_due, timezone.localdate()),
    ]
    refuse_failed([c for c in checks[:2]], code="batch_refused")
    with transaction.atomic():
        if IssuanceBatch.objects.select_for_update().filter(session_id=session.pk).exists():
            raise Conflict("该考核批次已生成证书数据", code="batch_exists", rule="SEC-2")
        decision = Decision.record(
            SUBJECT, session.pk, kind="certificate_batch", outcome="created", checks=checks,
            policy=policy, rules=["CRT-1", "CRT-3"],
        )  # fmt: skip
        batch = _batch_save(actor, session, plist, policy, route, submit_due, decision, plist.rows)
    return batch


def _batch_save(
    actor: Any,
    session: Any,
    plist: Any,
    policy: Policy,
    route: str,
    submit_due: dt.date | None,
    decision: Decision,
    rows: list[dict[str, Any]],
) -> IssuanceBatch:
    batch = IssuanceBatch.objects.create(
        number=_batch_number(session), session_id=session.pk, institution_id=session.institution_id,
        region_code=session.region_code, programme=session.programme, kind=kind_for(session.programme),
        route=route, profile_name=policy.name, profile_version=policy.version,
        passing_list_digest=plist.digest, exam_on=plist.exam_on, submit_due=submit_due,
        decision=decision, created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    BATCH_FLOW.created(
        batch, actor=actor, after={"session": session.number, "count": len(rows), "route": route}
    )
    entries = BatchEntry.objects.bulk_create(
        [
            BatchEntry(
                batch=batch,
                registration_id=row["registration"],
                holder_id=row["person"],
                holder_name=row["name"],
                row=_entry_row(row, session, plist.exam_on),
            )
            for row in rows
        ]
    )
    if any(e.pk is None for e in entries):
        entries = list(BatchEntry.objects.filter(batch=batch).order_by("pk"))
    ENTRY_FLOW.created_many(entries, actor=actor, subject=batch, after={"batch": batch.number})
    return batch


def batch_supplement(*, actor: Any, batch: IssuanceBatch) -> IssuanceBatch:
    """The candidates returned from a batch whose rest was approved, in a new batch of the same session
    (to be corrected and submitted again); they leave the old batch as withdrawn."""
    from peiyu.exams.selectors.scores import passing_list_for

    _require_institution(actor, batch)
    with transaction.atomic():
        locked = _locked(batch)
        if not sel.may_supplement(locked):
            raise Conflict("该批证书数据没有可另行报送的退回考生", code="nothing_to_supplement", rule="CRT-3")
        plist = passing_list_for(locked.session_id)  # the digest checked again
        returned = list(BatchEntry.objects.select_for_update().filter(batch=locked, status=E.RETURNED))
        frozen = {r["registration"]: r for r in plist.rows}
        missing = [e.holder_name for e in returned if e.registration_id not in frozen]
        if missing:
            raise Conflict(
                "退回考生不在合格名单中：" + "、".join(missing), code="not_in_passing_list", rule="SEC-2"
            )
        policy = batch_policy(locked)
        rows = [
            {**frozen[e.registration_id], "previous_return": e.return_reason, "previous_batch": locked.number}
            for e in returned
        ]
        check = Check("CRT-3", True, f"{locked.number}退回的{len(rows)}名考生另行报送", {"from": locked.number},
                      rules.SOURCE)  # fmt: skip
        decision = Decision.record(
            SUBJECT, locked.session_id, kind="certificate_batch", outcome="supplement", checks=[check],
            policy=policy, rules=["CRT-3"],
        )  # fmt: skip
        session = plist.session
        new = _batch_save(actor, session, plist, policy, locked.route, locked.submit_due, decision, rows)
        ENTRY_FLOW.transition_batch(
            returned, E.WITHDRAWN, actor=actor, subject=locked, reason=f"转入补报批次 {new.number}",
            after={"supplement": new.number},
        )  # fmt: skip
    return new


# --- the institution's steps ----------------------------------------------------------------------------


def batch_submit(*, actor: Any, batch: IssuanceBatch, exam_report: str = "") -> IssuanceBatch:
    """Submit (or, after a return, resubmit) the data and the exam report to the province. Late is
    allowed and recorded; the province's deadline is stored from today."""
    _require_institution(actor, batch)
    _require_route(batch, rules.PROVINCE_CG)
    report = clean_text(
        exam_report, max_length=REPORT_MAX, multiline=True, label="考核情况报告", field="exam_report"
    )
    with transaction.atomic():
        locked = _locked(batch)
        report = report or locked.exam_report
        if not report:
            raise InvalidInput("请填写考核情况报告", fields={"exam_report": ["请填写考核情况报告"]})
        counts = sel.entry_counts(locked)
        refuse_failed([rules.check_returns_settled(counts.get(E.RETURNED, 0))], code="returns_unsettled")
        if not counts.get(E.INCLUDED):
            raise Conflict("没有可报送的考生", code="batch_empty", rule="CRT-3")
        today = timezone.localdate()
        on_time = rules.check_on_time("报送证书数据", locked.submit_due, today)
        days = batch_policy(locked).get("province_confirm_working_days")
        confirm_due = calendar.add_working_days(today, int(days)) if days else None
        if not on_time.ok:
            Decision.record(SUBJECT, locked.pk, kind="certificate_submit", outcome="late", checks=[on_time],
                            policy=batch_policy(locked))  # fmt: skip
        BATCH_FLOW.transition(
            locked, B.SUBMITTED, actor=actor, locked=True,
            reason="报送证书数据及考核情况报告" + ("（逾期）" if not on_time.ok else ""),
            changes={"submitted_at": timezone.now(), "confirm_due": confirm_due, "exam_report": report,
                     "return_reason": ""},
            audit_extra={"overdue": not on_time.ok, **on_time.facts},
        )  # fmt: skip
    return locked


def entry_correct(*, actor: Any, entry: BatchEntry, note: str) -> BatchEntry:
    """A returned candidate corrected by the institution: back in the batch with the correction noted."""
    note = clean_reason(note, label="更正说明", field="note")
    return _entry_settle(actor, entry, E.INCLUDED, note)


def entry_withdraw(*, actor: Any, entry: BatchEntry, note: str) -> BatchEntry:
    """A returned candidate the institution does not resubmit (no certificate from this batch)."""
    note = clean_reason(note, label="撤回原因", field="note")
    return _entry_settle(actor, entry, E.WITHDRAWN, note)


def _entry_settle(actor: Any, entry: BatchEntry, to: str, note: str) -> BatchEntry:
    batch = entry.batch
    _require_institution(actor, batch)
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status not in sel.CORRECTING:
            raise Conflict("证书数据在审核中，暂不能更正", code="batch_not_with_institution", rule="CRT-3")
        row = BatchEntry.objects.select_for_update().get(pk=entry.pk, batch=locked)
        key = "correction" if to == E.INCLUDED else "withdrawal"
        ENTRY_FLOW.transition(
            row, to, actor=actor, reason=note, locked=True, expected_from=[E.RETURNED],
            changes={"row": {**row.row, key: note}},
        )  # fmt: skip
    return row


def batch_report(*, actor: Any, batch: IssuanceBatch) -> IssuanceBatch:
    """Skill route: the issued certificates' data reported to the city."""
    _require_institution(actor, batch)
    _require_route(batch, rules.INSTITUTION_CITY)
    return BATCH_FLOW.transition(  # type: ignore[return-value]
        batch, B.REPORTED, actor=actor, reason="证书数据报市级人社部门",
        changes={"reported_at": timezone.now()}, expected_from=[B.ISSUED],
    )  # fmt: skip

"""Completion of a class (TRN-4, TRN-6): the completion exam's scores, then the class completed in one
decision. Each enrolled trainee who did the required hours (online credited up to the profile's cap)
and passed the exam is completed; every other is failed. One Decision per class (kind
"class_completion") keeps the pass mark, each trainee's outcome with its facts and the policy stamp.
Completing the class also opens its training report, due `training_report_days` later where the
profile sets it. Certificates: `services.certificates` (re-exported here; the certificates app issues them)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, join_messages
from peiyu.core.crypto import blind_index
from peiyu.core.documents.spreadsheets import check_spreadsheet
from peiyu.core.errors import Conflict, InvalidInput
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..flows import CLASS_FLOW, ENROLMENT_FLOW
from ..models import Enrolment, Trainee, TrainingClass
from ..rules import completion as cr
from ..selectors.completion import enrolment_certificates
from .certificates import certificates_issue  # noqa: F401 - part of this area's API
from .locking import class_locked
from .reports import report_create

ID_PURPOSE = "person_id_number"
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_MAX_ROWS = 5000


def _running_class(actor, klass: TrainingClass) -> TrainingClass:
    require(actor, "training.manage", org_id=klass.plan.institution_id)
    return klass


def scores_record(*, actor, klass: TrainingClass, scores: Mapping[Any, Decimal | str]) -> int:
    """Record completion exam scores (0–100, one decimal) of enrolled trainees of a running class.
    All or nothing: every wrong entry is named (field `score_<enrolment id>`). Returns how many."""
    _running_class(actor, klass)
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal] = {}
    for raw_id, raw in (scores or {}).items():
        try:
            eid = int(raw_id)
        except (TypeError, ValueError):
            errors[f"score_{raw_id}"] = ["报名记录不存在"]
            continue
        value, error = cr.parse_score(raw)
        if error:
            errors[f"score_{eid}"] = [error]
        else:
            parsed[eid] = value  # type: ignore[assignment]  # parse_score gives a value when no error
    if not parsed and not errors:
        raise InvalidInput("请至少录入一名学员的成绩", fields={"scores": ["请至少录入一名学员的成绩"]})
    with transaction.atomic():
        locked = class_locked(klass)
        if locked.status != TrainingClass.Status.RUNNING:
            raise Conflict("只有培训中的班级可以录入结业考核成绩", code="class_not_running")
        rows = {
            e.pk: e
            for e in Enrolment.objects.select_for_update(of=("self",)).filter(
                klass=locked, pk__in=list(parsed)
            )
        }
        for eid in parsed:
            e = rows.get(eid)
            if e is None:
                errors[f"score_{eid}"] = ["该学员不在本班"]
            elif e.status != Enrolment.Status.ENROLLED:
                errors[f"score_{eid}"] = [f"该学员状态为“{e.get_status_display()}”，不能录入成绩"]
        if errors:
            raise InvalidInput("结业考核成绩填写有误", fields=errors)
        before, after, changed = {}, {}, []
        for eid, value in parsed.items():
            e = rows[eid]
            if e.exam_score != value:
                before[eid] = None if e.exam_score is None else str(e.exam_score)
                after[eid] = str(value)
                e.exam_score = value
                e.updated_at = timezone.now()
                changed.append(e)
        if changed:
            Enrolment.objects.bulk_update(changed, ["exam_score", "updated_at"])
            audit_record(actor, "training_class.scores_recorded", locked, before=before, after=after)
    return len(changed)


def scores_parse_upload(*, klass: TrainingClass, content: bytes, filename: str) -> dict[int, str]:
    """An xlsx or csv of (ID number or enrolment id, score) turned into {enrolment id: score}; the first
    row may be a header. Unknown people are named by row number."""
    if len(content) > UPLOAD_MAX_BYTES:
        raise InvalidInput("文件过大", fields={"file": ["文件不能超过5MB"]})
    rows = _read_rows(content, filename)
    by_index = {
        e.trainee.id_index: e.pk
        for e in Enrolment.objects.filter(klass=klass)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("trainee")
    }
    own_ids = set(by_index.values())
    out: dict[int, str] = {}
    errors: list[str] = []
    for n, row in enumerate(rows[: UPLOAD_MAX_ROWS + 1], 1):
        if len(row) < 2 or not str(row[0] or "").strip():
            continue
        key, score = str(row[0]).strip(), "" if row[1] is None else str(row[1]).strip()
        if n == 1 and not any(ch.isdigit() for ch in score):
            continue  # header
        eid = None
        if key.isdigit() and int(key) in own_ids and len(key) < 15:
            eid = int(key)
        else:
            eid = by_index.get(blind_index(key.upper(), ID_PURPOSE))
        if eid is None:
            errors.append(f"第{n}行：本班没有该学员（{key[:6]}…）")
            continue
        out[eid] = score
    if len(rows) > UPLOAD_MAX_ROWS + 1:
        errors.append(f"超过{UPLOAD_MAX_ROWS}行")
    if errors:
        raise InvalidInput("成绩文件有误", fields={"file": errors[:50]})
    if not out:
        raise InvalidInput("成绩文件中没有数据", fields={"file": ["没有找到成绩数据"]})
    return out


def _read_rows(content: bytes, filename: str) -> list[list[Any]]:
    name = (filename or "").lower()
    check_spreadsheet(content, filename)  # hostile sizes refused before the reader opens the file
    try:
        if name.endswith(".csv"):
            import csv

            text = content.decode("utf-8-sig")
            return [row for row in csv.reader(io.StringIO(text))]
        if name.endswith((".xlsx", ".xls")):
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return [list(r) for r in wb.get_sheet_by_index(0).to_python()]
    except Exception as exc:  # a broken upload is the user's error, never a 500
        raise InvalidInput(
            "无法读取成绩文件", fields={"file": ["文件无法读取，请使用xlsx或csv格式"]}
        ) from exc
    raise InvalidInput("文件格式不支持", fields={"file": ["请上传xlsx或csv文件"]})


def completion_policy(klass: TrainingClass, on=None):
    return policy_for(klass.plan.programme, klass.region_id, on=on or timezone.localdate())


def _ratio(policy) -> Decimal | None:
    ratio = policy.get("online_hours_max_ratio")
    return None if ratio is None else Decimal(str(ratio))


def enrolment_checks(
    enrolment: Enrolment, *, total_hours: int, policy, mark: cr.PassMark | None
) -> list[Check]:
    """Eligibility (TRN-4, TRN-6 hours) and, when a pass mark is known, the exam (TRN-6)."""
    checks = cr.eligibility(
        enrolment.offline_minutes, enrolment.online_minutes, total_hours, _ratio(policy), profile=policy.name
    )
    if mark is not None and checks[-1].ok:
        checks.append(cr.exam_passed(enrolment.exam_score, mark))
    return checks


def class_complete(*, actor, klass: TrainingClass, pass_mark=None) -> TrainingClass:
    """Running → completed (TRN-6). Every enrolled trainee becomes completed (required hours done and
    exam passed) or failed; one Decision for the class; TransitionLogs; the report opened."""
    _running_class(actor, klass)
    stated, error = cr.parse_pass_mark(pass_mark)
    if error:
        raise InvalidInput("合格分数线填写有误", fields={"pass_mark": [error]})
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        locked = class_locked(klass)
        if locked.status != TrainingClass.Status.RUNNING:
            raise Conflict("只有培训中的班级可以结业", code="class_not_running")
        policy = completion_policy(locked, today)
        mark = cr.pass_mark_for(policy.get("pass_score"), stated, profile=policy.name)
        if mark is None:
            raise InvalidInput(
                "政策配置未设定结业考核合格分数线，请填写本班的合格分数线",
                rule="TRN-6",
                fields={"pass_mark": ["请填写合格分数线（0–100）"]},
            )
        enrolments = list(
            Enrolment.objects.select_for_update(of=("self",))
            .filter(klass=locked, status=Enrolment.Status.ENROLLED)
            .select_related("trainee")
            .order_by("pk")
        )
        total = locked.plan.total_hours
        outcome_checks: list[Check] = []
        passed_ids: list[int] = []
        failed_ids: list[int] = []
        for e in enrolments:
            checks = enrolment_checks(e, total_hours=total, policy=policy, mark=mark)
            ok = cr.passed(checks)
            (passed_ids if ok else failed_ids).append(e.pk)
            failed = [c for c in checks if not c.ok and c.blocking]
            facts = {
                "enrolment": e.pk,
                "trainee": e.trainee_id,
                "name": e.trainee.name,
                "outcome": "completed" if ok else "failed",
                **checks[0].facts,
                "score": None if e.exam_score is None else str(e.exam_score),
                "failed": [c.message for c in failed],
            }
            facts.pop("profile", None)
            msg = f"{e.trainee.name}：" + (
                join_messages(c.message for c in failed) if failed else "学时达到要求，结业考核合格"
            )
            outcome_checks.append(Check("TRN-6", ok, msg, facts, cr.SOURCE_TRN6, False))
        days = policy.get("training_report_days")
        due_on = cr.report_due_on(today, days)
        summary = Check(
            "TRN-6",
            True,
            f"结业 {len(passed_ids)} 人，未通过 {len(failed_ids)} 人"
            + (f"；培训情况报告应于 {due_on} 前报送" if due_on else "；政策配置未设定报告报送期限"),
            {
                "completed": len(passed_ids),
                "failed": len(failed_ids),
                "plan_hours": total,
                "online_hours_max_ratio": None if _ratio(policy) is None else str(_ratio(policy)),
                "training_report_days": days,
                "report_due_on": due_on.isoformat() if due_on else None,
            },
            cr.SOURCE_TRN6,
        )
        decision = Decision.record(
            "training.trainingclass",
            locked.pk,
            kind="class_completion",
            outcome="completed",
            checks=[cr.pass_mark_check(mark), summary, *outcome_checks],
            policy=policy,
            rules=("TRN-4", "TRN-6"),
        )
        reason = f"结业决定 #{decision.pk}"
        by_pk = {e.pk: e for e in enrolments}
        for ids, to in ((passed_ids, Enrolment.Status.COMPLETED), (failed_ids, Enrolment.Status.FAILED)):
            ENROLMENT_FLOW.transition_many(
                [by_pk[pk] for pk in ids],
                to,
                actor=actor,
                reason=reason,
                changes={"completed_at": now, "decision": decision},
                locked=True,
            )
        locked.completed_at = now  # the report states it
        report = report_create(locked, due_on=due_on, decision=decision, actor=actor)
        CLASS_FLOW.transition(
            locked,
            TrainingClass.Status.COMPLETED,
            actor=actor,
            reason=reason,
            changes={"completed_at": now, "decision": decision},
            locked=True,
            audit_extra={
                "completed": passed_ids,
                "failed": failed_ids,
                "pass_mark": str(mark.value),
                "pass_mark_source": mark.source,
                "report": report.pk,
                "report_due_on": due_on.isoformat() if due_on else None,
            },
        )
    klass.refresh_from_db(fields=["status", "completed_at", "decision", "updated_at"])  # the caller's copy
    return locked


def completion_rows(klass: TrainingClass) -> dict[str, Any]:
    """What the completion page shows: per trainee, hours with the online credit, eligibility and score."""
    policy = completion_policy(klass)
    ratio = _ratio(policy)
    profile_mark = policy.get("pass_score")
    rows = []
    enrolments = list(
        klass.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("trainee")
        .order_by("trainee__name", "pk")
    )
    certificates = enrolment_certificates([e.pk for e in enrolments])
    for e in enrolments:
        h = cr.hours(e.offline_minutes, e.online_minutes, klass.plan.total_hours, ratio)
        rows.append(
            {
                "enrolment": e,
                "trainee": e.trainee,
                "hours": h,
                "facts": h.facts(),
                "eligible": h.complete,
                "certificate": certificates.get(e.pk),
            }
        )
    return {
        "rows": rows,
        "policy": policy,
        "ratio": ratio,
        "profile_pass_mark": profile_mark,
        "report_days": policy.get("training_report_days"),
    }


def trainee_for_id_number(id_number: str) -> Trainee | None:
    return Trainee.objects.filter(id_index=blind_index(id_number.strip().upper(), ID_PURPOSE)).first()

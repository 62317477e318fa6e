"""Roster import (花名册导入, TRN-13 real-name; TRN-8 eligibility) and the class roster export.

`roster_import_start` keeps the uploaded file (size-capped, SHA-256) and runs `roster_import_run` through
the Celery task (in-process when Celery is eager, as in the embedded default and the tests). The run
parses and validates every row (rules.roster), applies TRN-8 under the profile of the class's plan,
finds the people already registered by blind index, enrols them and the new ones within the class's
capacity under a row lock on the class, all in one transaction. Mode "all" writes nothing when any row
is wrong; mode "valid" writes the good rows. Every problem is one row of a Chinese xlsx report.

Writing is bulk: ID numbers and phones are encrypted with `core.crypto.encrypt` (what EncryptedTextField
stores), the blind indexes computed once, and rows go in with one executemany (COPY on PostgreSQL) per
batch. The import's moves (flows.ROSTER_IMPORT_FLOW: pending → running → done, refused or failed) are
its audit events, none per row: the new enrolments get their creation log rows and one
"enrolment.created" event for the batch, on the class (Workflow.created_query). It keeps one Decision
(TRN-8, TRN-13, with the policy stamp). An import whose worker died is failed by the tick
(services/roster_stale.py)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peiyu.core.attachments import max_bytes
from peiyu.core.checks import Check
from peiyu.core.documents.spreadsheets import check_spreadsheet
from peiyu.core.documents.xlsx import xlsx_table
from peiyu.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from peiyu.core.identifiers import mask_id_number
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for
from peiyu.core.tasks import task_named

from ..flows import ENROLMENT_FLOW, ROSTER_IMPORT_FLOW
from ..models import Enrolment, RosterImport, TrainingClass
from ..rules import eligibility as el
from ..rules import roster as rr
from . import roster_bulk as bulk
from .locking import class_locked
from .plans import ID_PURPOSE
from .roster_export import roster_export  # noqa: F401 - the roster's other file operation
from .trainees import (
    ENROLLING_STATUSES,
    active_count,
    require_class_manage,
)

logger = logging.getLogger("peiyu.training")

MAX_ROWS_DEFAULT = 100_000
ERRORS_KEPT = 200
REPORT_HEADER = ("行号", "字段", "内容", "问题")
TRN13_SOURCE = "002 七；003 六（三）"


def max_rows() -> int:
    return int(getattr(settings, "PEIYU_ROSTER_MAX_ROWS", MAX_ROWS_DEFAULT))


# --- start ----------------------------------------------------------------------------------------------


def roster_import_start(*, actor, klass: TrainingClass, uploaded_file, mode: str) -> RosterImport:
    """Keep the file and start the import (synchronously when Celery is eager)."""
    require_class_manage(actor, klass)
    if mode not in RosterImport.Mode.values:
        raise InvalidInput("请选择导入方式", fields={"mode": ["请选择导入方式"]})
    if uploaded_file is None:
        raise InvalidInput("请选择花名册文件", fields={"file": ["请选择花名册文件"]})
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in rr.EXCEL_EXTENSIONS | rr.TEXT_EXTENSIONS:
        raise InvalidInput("不支持的文件类型", fields={"file": ["请上传 xlsx、xls、csv 等格式的花名册"]})
    size, limit = int(getattr(uploaded_file, "size", 0) or 0), max_bytes()
    if size > limit:
        raise InvalidInput(
            "文件过大",
            fields={"file": [f"文件大小 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB"]},
        )
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    if not content:
        raise InvalidInput("文件为空", fields={"file": ["文件为空，请重新选择"]})
    if len(content) > limit:
        raise InvalidInput("文件过大", fields={"file": [f"超过上限 {limit / 1048576:.0f} MB"]})
    check_spreadsheet(content, name)  # hostile sizes refused before any reader opens the file
    if klass.status not in ENROLLING_STATUSES:
        raise Conflict(
            f"该班级当前状态为“{klass.get_status_display()}”，不能导入学员", code="class_not_enrolling"
        )
    with transaction.atomic():
        imp = RosterImport.objects.create(
            klass=klass,
            filename=name,
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            mode=mode,
            created_by=actor,
            message="排队中",
        )
        ROSTER_IMPORT_FLOW.created(
            imp, actor=actor, after={"class": klass.pk, "file": name, "sha256": imp.sha256, "mode": mode}
        )
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        result = task_named("peiyu.training.roster_import").apply(args=[imp.pk])
        RosterImport.objects.filter(pk=imp.pk).update(task_id=str(result.id or ""))
    else:
        transaction.on_commit(lambda: _dispatch(imp.pk))
    imp.refresh_from_db()
    return imp


def _dispatch(import_id: int) -> None:
    result = task_named("peiyu.training.roster_import").delay(import_id)
    RosterImport.objects.filter(pk=import_id).update(task_id=str(result.id or ""))


# --- run -----------------------------------------------------------------------------------------------


def _progress(import_id: int, **fields: Any) -> None:
    """Record how far the run got; `updated_at` is the heartbeat the tick reads (`imports_stale`)."""
    RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.RUNNING).update(
        **fields, updated_at=timezone.now()
    )


FAILED_MESSAGE = "导入失败：处理过程中出现程序错误，请联系平台运营人员"


def roster_import_run(import_id: int) -> RosterImport:
    """Run one pending import (the Celery task's body). A second delivery of the task does nothing.
    Whatever goes wrong in the run ends the import failed with the reason; never left running."""
    imp = RosterImport.objects.select_related("klass__plan", "created_by").filter(pk=import_id).first()
    if imp is None:
        raise NotFound()
    now = timezone.now()
    try:
        ROSTER_IMPORT_FLOW.transition(
            imp,
            RosterImport.Status.RUNNING,
            actor=imp.created_by,
            # updated_at: the first heartbeat, however long the import waited in the queue
            changes={"started_at": now, "updated_at": now, "message": "正在读取和校验"},
        )
    except InvalidTransition:  # claimed by another delivery, or already finished
        imp.refresh_from_db()
        return imp
    try:
        _run(imp)
    except Exception as exc:  # a bug or a broken file must not leave the import "running" for ever
        logger.exception("roster import %s failed", import_id)
        _fail(imp, FAILED_MESSAGE, actor=imp.created_by, error=type(exc).__name__)
    imp.refresh_from_db()
    return imp


def _fail(imp: RosterImport, message: str, *, actor: Any, error: str = "") -> bool:
    """Running → failed with the reason; False when the import is no longer running (it finished, or
    was failed already)."""
    try:
        ROSTER_IMPORT_FLOW.transition(
            imp,
            RosterImport.Status.FAILED,
            actor=actor,
            reason=message,
            changes={"message": message, "finished_at": timezone.now()},
            expected_from=[RosterImport.Status.RUNNING],
            audit_extra={"class": imp.klass_id, "file": imp.filename, **({"error": error} if error else {})},
        )
    except InvalidTransition:
        return False
    return True


def _row_error(row: rr.RosterRow, field: str, message: str) -> rr.RowError:
    if field == "id_number":
        value = mask_id_number(row.id_number)
    elif field == "retired":
        value = "" if row.retired is None else ("是" if row.retired else "否")
    else:
        value = row.name
    return rr.RowError(row.row_number, field, value, message)


def _run(imp: RosterImport) -> None:
    klass, plan = imp.klass, imp.klass.plan
    today = timezone.localdate()
    try:
        content = bytes(imp.content)
        check_spreadsheet(content, imp.filename)  # again here: the worker reads what was stored
        parse = rr.parse_roster(content, imp.filename, today=today, max_rows=max_rows())
    except InvalidInput as exc:
        message = (exc.fields or {}).get("file", [exc.message])[0]
        with transaction.atomic():
            if not _hold(imp):
                return
            decision = None
            if exc.rules:  # a refusal under a rule (no recognisable header: TRN-13) is a stored decision
                policy = policy_for(plan.programme, plan.region_id, on=today)
                decision = _file_decision(imp, exc, message, policy)
            _finish(
                imp,
                status=RosterImport.Status.REFUSED,
                message=message,
                errors=[{"message": message, "rules": exc.rules}],
                decision=decision,
            )
        return
    layout = parse.layout_note
    imp.header_rows, imp.footer_rows = list(parse.header_rows), parse.footer_rows
    RosterImport.objects.filter(pk=imp.pk).update(header_rows=imp.header_rows, footer_rows=imp.footer_rows)
    _progress(imp.pk, total_rows=parse.total, processed_rows=0, message=f"正在核对培训对象条件（{layout}）")
    policy = policy_for(plan.programme, plan.region_id, on=today)
    min_age, excluded = policy.get("trainee_min_age"), policy.get("trainee_retired_excluded")
    candidates: list[rr.RosterRow] = []
    refused_by_eligibility = 0
    refusal = el.row_refusal
    for row in parse.rows:
        problem = refusal(
            birth_date=row.birth_date,
            sex=row.sex,
            age=row.age,
            retired=row.retired,
            category=row.category,
            on=today,
            min_age=min_age,
            retired_excluded=excluded,
        )
        if problem is None:
            candidates.append(row)
        else:
            refused_by_eligibility += 1
            parse.errors.append(_row_error(row, *problem))
    index_of = bulk.fast_blind_indexer(ID_PURPOSE)
    indexes = [index_of(row.id_number) for row in candidates]
    _progress(imp.pk, processed_rows=parse.total, message="正在写入")

    with transaction.atomic():
        if not _hold(imp):
            return
        locked = class_locked(klass)
        if locked.status not in ENROLLING_STATUSES:
            message = f"该班级当前状态为“{locked.get_status_display()}”，不能导入学员"
            _finish(imp, status=RosterImport.Status.REFUSED, message=message, errors=[{"message": message}])
            return
        existing = bulk.existing_trainees(indexes)
        enrolled_ids = bulk.enrolled_in_class(locked.pk, [v[0] for v in existing.values()])
        free = None if not locked.capacity else max(0, locked.capacity - active_count(locked.pk))
        to_create: list[tuple[rr.RosterRow, str]] = []
        to_enrol_existing: list[int] = []
        already = reused = 0
        for row, index in zip(candidates, indexes, strict=True):
            found = existing.get(index)
            if found is not None and found[1] != row.name:
                parse.errors.append(_row_error(row, "name", "姓名与该身份证号码已登记的姓名不一致，请核对"))
                continue
            if found is not None and found[0] in enrolled_ids:
                already += 1
                continue
            if free is not None:
                if free <= 0:
                    parse.errors.append(
                        _row_error(row, "id_number", f"本班招生人数已满（{locked.capacity}人），该行超出名额")
                    )
                    continue
                free -= 1
            if found is None:
                to_create.append((row, index))
            else:
                reused += 1
                to_enrol_existing.append(found[0])
        rejected = len({e.row_number for e in parse.errors})
        counts = {
            "total": parse.total,
            "rejected": rejected,
            "eligibility": refused_by_eligibility,
            "header_row": parse.header_row,
        }
        if parse.errors and imp.mode == RosterImport.Mode.ALL_OR_NOTHING:
            decision = _decision(imp, "refused", counts, policy)
            _finish(
                imp,
                status=RosterImport.Status.REFUSED,
                message=f"有{rejected}行存在错误，按“全部正确才导入”未导入任何数据；请按错误报告修改后重新上传。"
                f"{layout}",
                parse=parse,
                rejected=rejected,
                decision=decision,
            )
            return
        decision = _decision(imp, "imported", counts | {"new": len(to_create)}, policy)
        new_ids = bulk.insert_trainees(imp.pk, to_create)
        enrol_ids = to_enrol_existing + new_ids
        bulk.insert_enrolments(locked.pk, enrol_ids, decision.pk)
        ENROLMENT_FLOW.created_query(
            Enrolment.objects.filter(klass_id=locked.pk, decision_id=decision.pk),
            actor=imp.created_by,
            subject=locked,
            after={"roster_import": imp.pk},
        )
        _finish(
            imp,
            status=RosterImport.Status.DONE,
            message=f"导入完成：新入班{len(enrol_ids)}人，已在本班{already}人，错误{rejected}行。{layout}",
            parse=parse,
            rejected=rejected,
            decision=decision,
            created_trainees=len(new_ids),
            existing_trainees=reused + already,
            enrolled=len(enrol_ids),
            already_enrolled=already,
        )


def _decision(imp: RosterImport, outcome: str, counts: dict[str, int], policy) -> Decision:
    valid = counts["total"] - counts["rejected"]
    checks = [
        Check(
            "TRN-13",
            outcome == "imported",
            f"实名制花名册（第{counts['header_row']}行起为表头）：{counts['total']}行，其中{valid}行校验通过，"
            f"{counts['rejected']}行有错误",
            counts,
            TRN13_SOURCE,
            False,
        ),
        Check(
            "TRN-8",
            counts["eligibility"] == 0,
            f"培训对象条件（{policy.title or '政策配置'}）：{counts['eligibility']}行不符合",
            {"refused": counts["eligibility"], "min_age": policy.get("trainee_min_age"),
             "retired_excluded": policy.get("trainee_retired_excluded")},
            el.SOURCE,
            False,
        ),
    ]  # fmt: skip
    return Decision.record(
        "training.rosterimport",
        imp.pk,
        kind="roster_import",
        outcome=outcome,
        checks=checks,
        policy=policy,
        rules=("TRN-8", "TRN-13"),
    )


def _file_decision(imp: RosterImport, error: InvalidInput, message: str, policy) -> Decision:
    """The file refused as a whole under a rule (a roster without a recognisable header: TRN-13)."""
    checks = [
        Check(rule, False, message, {"code": error.code, **error.details}, TRN13_SOURCE, True)
        for rule in error.rules
    ]
    return Decision.record(
        "training.rosterimport", imp.pk, kind="roster_import", outcome="refused", checks=checks,
        policy=policy, rules=tuple(error.rules),
    )  # fmt: skip


def error_report_xlsx(rows: list[dict[str, object]]) -> bytes:
    return xlsx_table("错误报告", REPORT_HEADER, ([row[h] for h in REPORT_HEADER] for row in rows))


def _hold(imp: RosterImport) -> bool:
    """Lock the import's row for the rest of the transaction (the tick skips it meanwhile); False when
    it is no longer running (the tick failed it while this worker was stalled)."""
    return (
        RosterImport.objects.select_for_update()
        .filter(pk=imp.pk, status=RosterImport.Status.RUNNING)
        .exists()
    )


def _finish(
    imp: RosterImport,
    *,
    status: str,
    message: str,
    parse: rr.RosterParse | None = None,
    rejected: int = 0,
    decision: Decision | None = None,
    errors: list[dict[str, Any]] | None = None,
    **counts: int,
) -> None:
    """Running → done or refused, with the counts, the kept errors and the error report; inside the
    transaction that holds the import's row (`_hold`)."""
    details: dict[str, Any] = {}
    if parse is not None:
        parse.errors.sort(key=lambda e: e.row_number)
        details["errors"] = [e.as_dict() for e in parse.errors[:ERRORS_KEPT]]
        details["error_report"] = error_report_xlsx(parse.error_report_rows()) if parse.errors else None
        details["processed_rows"] = parse.total
    else:
        details["errors"] = errors or []
    for name, value in details.items():
        setattr(imp, name, value)
    imp.save(update_fields=[*details, "updated_at"])
    ROSTER_IMPORT_FLOW.transition(
        imp,
        status,
        actor=imp.created_by,
        changes={
            "message": message,
            "finished_at": timezone.now(),
            "rejected_rows": rejected,
            "decision": decision,
            **counts,
        },
        expected_from=[RosterImport.Status.RUNNING],
        audit_extra={
            "class": imp.klass_id,
            "file": imp.filename,
            "sha256": imp.sha256,
            "mode": imp.mode,
            "total": imp.total_rows,
            "created": counts.get("created_trainees", imp.created_trainees),
            "enrolled": counts.get("enrolled", imp.enrolled),
            "already": counts.get("already_enrolled", imp.already_enrolled),
            "rejected": rejected,
        },
    )

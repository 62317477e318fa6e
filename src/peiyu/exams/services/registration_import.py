"""The two other ways in (EVL-8):

- an employer-type evaluation institution (用人单位, ACT-6) registers its own workforce for one of its
  own sessions from an xlsx list: every row is checked (person, 用工形式 — employees, dispatched,
  outsourced, interns, staff of affiliated enterprises as 001 Art. 2 lists —, the stated facts, the
  standard's conditions, the commitment collected on paper, duplicates, places); one faulty row
  refuses the whole file with a Chinese message per row and nothing written but the refused import;
- a training institution forwards its trainees holding a valid training certificate of the session's
  occupation and level from a completed class (DTE, 003 §4(4)): the certificate is checked and linked.

Both write submitted registrations whose commitment the institution collected (its time and the SM3
digest of the text), each with its eligibility Decision, under the session's row lock."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.catalogs.services import read_table
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import message_of
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.models import Decision
from peiyu.training.services.persons import person_record

from ..flows import BULK_REGISTRATION_FLOW, REGISTRATION_FLOW
from ..models import BulkRegistration, EvaluationSession, Registration
from ..rules import registrations as rr
from ..selectors.registrations import ACTIVE, forwardable_certificates
from . import registration_facts as rf
from .registrations import ONCE, _policy, duplicate_error, open_checks, session_locked

R = Registration.Status
MAX_ROWS = 2000
COLUMNS = {
    "name": "姓名", "id_number": "身份证号码", "phone": "手机号码", "workforce": "用工形式",
    "education": "学历", "related_major": "专业相关", "years_in_trade": "本职业工作年限",
    "lower_level": "已取得等级", "lower_level_on": "取证日期", "title": "职称", "commitment": "已签署承诺书",
}  # fmt: skip
REQUIRED = ("name", "id_number", "workforce", "commitment")
WORKFORCE_LABELS = {str(label): value for value, label in Registration.Workforce.choices} | {
    "职工": "employee", "派遣": "dispatched", "外包": "outsourced", "实习": "intern", "实习人员": "intern",
}  # fmt: skip


class _Refused(Exception):
    pass


def _headers(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        for key, label in COLUMNS.items():
            if cell.replace(" ", "").startswith(label):
                found.setdefault(key, i)
    return found


def _submitted(reg: Registration, checks: list[Check], actor: Any, now: Any) -> None:
    decision = Decision.record("exams.registration", reg.pk, kind="registration_eligibility", outcome="eligible",
                               checks=checks, policy=_policy(reg.session), rules=("EVL-8",))  # fmt: skip
    Registration.objects.filter(pk=reg.pk).update(decision=decision)
    reg.decision = decision
    REGISTRATION_FLOW.created(reg, actor=actor, after={"session": reg.session.number, "source": reg.source})


def bulk_register(
    *, actor: Any, session: EvaluationSession, file_bytes: bytes, filename: str
) -> BulkRegistration:
    """An employer registers its workforce for its own session from a spreadsheet (ACT-6)."""
    require(actor, "exam.manage", org_id=session.institution_id)
    employer_type = session.listing.institution_type
    gate = rr.workforce_check(employer_type=employer_type, own_session=True, workforce="employee")
    refuse_failed([gate], code="not_an_employer")
    table = read_table(file_bytes, filename)
    digest = hashlib.sha256(file_bytes).hexdigest()
    header_at = next((i for i, row in enumerate(table) if any(row)), None)
    if header_at is None:
        raise InvalidInput("文件为空", code="empty_file")
    cols = _headers(table[header_at])
    missing = [COLUMNS[k] for k in REQUIRED if k not in cols]
    if missing:
        raise InvalidInput(f"第{header_at + 1}行缺少列：{'、'.join(missing)}", code="missing_columns")
    rows = [(i + 1, row) for i, row in enumerate(table[header_at + 1 :], start=header_at + 1) if any(row)]
    if not rows:
        raise InvalidInput("文件中没有考生", code="empty_file")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"一次最多导入{MAX_ROWS}人", code="too_many_rows")
    errors: list[dict[str, Any]] = []
    created = 0
    try:
        with transaction.atomic():
            locked = session_locked(session)
            window = open_checks(locked, adding=len(rows))
            refuse_failed(window, code="registration_closed")
            imp = BulkRegistration.objects.create(session=locked, employer=locked.institution, file_name=filename[:200],
                                                  sha256=digest, status=BulkRegistration.Status.DONE, rows=len(rows),
                                                  imported_by=actor)  # fmt: skip
            created = _rows(actor, locked, imp, rows, cols, errors)
            if errors:
                raise _Refused
            imp.created = created
            imp.save(update_fields=["created", "updated_at"])
            BULK_REGISTRATION_FLOW.created(imp, actor=actor, after={"rows": len(rows), "created": created})
    except _Refused:
        with transaction.atomic():
            imp = BulkRegistration.objects.create(session=session, employer=session.institution, file_name=filename[:200],
                                                  sha256=digest, status=BulkRegistration.Status.REFUSED, rows=len(rows),
                                                  errors=errors, imported_by=actor)  # fmt: skip
            BULK_REGISTRATION_FLOW.created(imp, actor=actor, after={"rows": len(rows), "errors": len(errors)})
    return imp


def _cell(row: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    return row[i].strip() if i is not None and i < len(row) else ""


def _rows(actor: Any, session: EvaluationSession, imp: BulkRegistration, rows: list[tuple[int, list[str]]], cols: dict[str, int],
          errors: list[dict[str, Any]]) -> int:  # fmt: skip
    today, now = timezone.localdate(), timezone.now()
    seen: dict[int, int] = {}
    created = 0
    for number, row in rows:
        problems: list[str] = []

        def fail(message: str, _problems: list[str] = problems) -> None:
            _problems.append(message)

        workforce = WORKFORCE_LABELS.get(_cell(row, cols, "workforce"), "")
        check = rr.workforce_check(employer_type="employer", own_session=True, workforce=workforce)
        if not check.ok:
            fail(f"用工形式“{_cell(row, cols, 'workforce') or '未填写'}”：{check.message}（ACT-6）")
        if _cell(row, cols, "commitment") not in rf.YES:
            fail("须由本人签署告知承诺书后报名（已签署承诺书填“是”）")
        data = {k: _cell(row, cols, k) for k in COLUMNS}
        try:
            facts = rf.clean_facts(data, programme=session.programme, today=today)
        except InvalidInput as exc:
            facts = {}
            for field, messages in exc.fields.items():
                fail(f"{COLUMNS.get(field, field)}：{'；'.join(messages)}")
        person = None
        try:
            with transaction.atomic():
                person = person_record(actor=actor, data=data, purpose="exam_registration")
        except InvalidInput as exc:
            fields = exc.fields or {}
            fail(
                "；".join(f"{COLUMNS.get(f, f)}：{'；'.join(m)}" for f, m in fields.items())
                or message_of(exc)
            )
        if person is not None:
            if person.pk in seen:
                fail(f"与第{seen[person.pk]}行是同一人")
            seen.setdefault(person.pk, number)
            if Registration.objects.filter(session=session, person=person, status__in=ACTIVE).exists():
                fail("已报名本批次，不能重复报名")
        if person is not None and not problems:
            reg = Registration(session=session, person=person, source=Registration.Source.EMPLOYER, facts=facts,
                               employer=session.institution, workforce_type=workforce, commitment_signed_at=now, bulk_import=imp,
                               status=R.SUBMITTED, submitted_at=now, created_by=actor)  # fmt: skip
            reg.commitment_digest = rf.commitment_digest(rf.commitment_text(reg))
            checks = rf.eligibility_checks(reg, today)
            failed = [c for c in checks if not c.ok]
            if failed:
                fail("；".join(c.message for c in failed) + "（EVL-8）")
            else:
                reg.save()
                _submitted(reg, checks, actor, now)
                created += 1
        if problems:
            errors.append({"row": number, "name": _cell(row, cols, "name")[:30], "messages": problems})
    return created


def registration_forward(*, actor: Any, session: EvaluationSession, certificate_id: Any, facts: dict[str, Any],
                         commitment_collected: bool) -> Registration:  # fmt: skip
    """A training institution forwards one of its trainees to a DTE session (003 §4(4)): her valid
    training certificate of the occupation and level from a completed class, checked and linked, with
    the facts she states and the commitment she signed on paper."""
    require(actor, "training.manage")
    if session.programme != "dte":
        raise Conflict("只有数字技术工程师考核由培训机构推送报名", code="not_dte", rules=["EVL-8"])
    cert = next(
        (c for c in forwardable_certificates(actor, session) if str(c.pk) == str(certificate_id)), None
    )
    if cert is None:
        raise NotFound("培训合格证书不存在，或不是本机构颁发的本职业本等级有效证书")
    if not commitment_collected:
        raise InvalidInput(
            "须由学员本人签署告知承诺书",
            fields={"commitment": ["请确认学员已签署告知承诺书"]},
            rules=["EVL-8"],
        )
    clean = rf.clean_facts(facts, programme=session.programme, today=timezone.localdate())
    cert_check = rr.certificate_check(
        status=cert.status, holder_matches=True, occupation_matches=cert.occupation_code == session.occupation_code,
        level_matches=cert.level == session.level, class_completed=cert.enrolment.klass.status == "completed",
        institution_matches=True,
    )  # fmt: skip
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = session_locked(session)
            refuse_failed([*open_checks(locked), cert_check], code="forward_refused")
            person = cert.enrolment.trainee
            if Registration.objects.filter(session=locked, person=person, status__in=ACTIVE).exists():
                raise duplicate_error()
            reg = Registration(session=locked, person=person, source=Registration.Source.TRAINING, facts=clean,
                               training_org_id=cert.institution_id, training_enrolment=cert.enrolment,
                               training_certificate_number=cert.number, commitment_signed_at=now,
                               status=R.SUBMITTED, submitted_at=now, created_by=actor)  # fmt: skip
            reg.commitment_digest = rf.commitment_digest(rf.commitment_text(reg))
            checks = [cert_check, *rf.eligibility_checks(reg, timezone.localdate())]
            refuse_failed([c for c in checks if not c.ok], code="registration_refused")
            reg.save()
            _submitted(reg, checks, actor, now)
            audit_record(actor, "exam_registration.forwarded", reg, after={"certificate": cert.number})
    except IntegrityError as exc:
        if ONCE in str(exc):
            raise duplicate_error() from exc
        raise
    return reg

"""Writes of the examiner registry (EVL-3; seed 001 Art. 17(3)): the institution (exam.manage) adds,
edits, disables and re-enables its examiners — licence number, level and validity, the occupations she
may examine, her ID number (encrypted, with a blind index), phone — records her trainings and integrity
entries (a breach may bar her until a date); the relations recusal reads (EVL-6) are declared by the
examiner herself on her own page or recorded by the institution. Every change is audited; a phone's
change is audited as changed, never by value. The xlsx import is services.examiners_import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.accounts.scoping import holds_role
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_date, clean_reason, clean_text, collect, mobile_phone, person_name
from peiyu.core.crypto import blind_index
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.identifiers import validate_id_number

from ..models import Examiner, ExaminerIntegrity, ExaminerRelation, ExaminerTraining
from ..rules import examiners as rules
from ..selectors.examiners import managed_institution, may_manage

ID_PURPOSE = "person_id_number"  # one blind index for a person's ID number (trainees, teachers, examiners)
EXAMINER_ROLE = "examiner"
AUDITED = (
    "name",
    "employer_name",
    "employer",
    "occupations",
    "licence_number",
    "licence_level",
    "licence_valid_until",
    "user",
)


def _region(examiner: Examiner) -> str | None:
    return examiner.institution.region_id or None


def require_manager(actor: Any, examiner: Examiner) -> None:
    """Only the examiner's institution manages her record; to anyone else it does not exist."""
    if not may_manage(actor, examiner):
        raise NotFound()


def examiner_account(
    username: str, errors: dict[str, list[str]], *, examiner: Examiner | None = None
) -> User | None:
    """The account to link: an active account holding the examiner role, not linked to another one."""
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        errors["username"] = [f"账户“{username}”不存在或已停用；考评员账户由安全管理员创建"]
        return None
    if not holds_role(user, EXAMINER_ROLE):
        errors["username"] = [f"账户“{username}”没有“考评员”角色，请先由安全管理员分配"]
        return None
    others = Examiner.objects.filter(user=user)
    linked = (others.exclude(pk=examiner.pk) if examiner is not None else others).first()
    if linked is not None:
        errors["username"] = [f"账户“{username}”已关联考评员“{linked.name}”"]
        return None
    return user


def clean_examiner(
    data: Mapping[str, Any], *, institution: Org, examiner: Examiner | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The examiner's data as stored from `data` (on an update only the keys given): (values, field
    errors in Chinese). One cleaning for the form, the API and each imported row."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    new = examiner is None

    def given(key: str) -> bool:
        return new or key in data

    if given("name"):
        out["name"] = collect(errors, "name", person_name, data.get("name"))
    if given("id_number"):
        number = collect(errors, "id_number", validate_id_number, str(data.get("id_number") or ""))
        if number:
            index = blind_index(number, ID_PURPOSE)
            dupes = Examiner.objects.filter(institution=institution, id_index=index)
            if examiner is not None:
                dupes = dupes.exclude(pk=examiner.pk)
            if dupes.exists():
                errors["id_number"] = ["本机构已登记该身份证号码的考评员"]
            out["id_number"], out["id_index"] = number, index
    if given("phone"):
        out["phone"] = collect(errors, "phone", mobile_phone, data.get("phone")) or ""
    if given("employer_name"):
        name = collect(
            errors, "employer_name", clean_text, data.get("employer_name"), max_length=200, label="工作单位"
        )
        out["employer_name"] = name or ""
        same = list(Org.objects.filter(name=name).values_list("pk", flat=True)[:2]) if name else []
        out["employer_id"] = same[0] if len(same) == 1 else None  # the unit on the platform, for recusal
    if given("occupations"):
        codes = rules.split_codes(data.get("occupations"))
        if not codes:
            errors["occupations"] = ["请至少填写一个考评职业（工种）编码"]
        elif bad := rules.validate_fields(codes):
            errors["occupations"] = [f"职业编码“{c}”格式不正确，应为 6-31-01-03 形式" for c in bad]
        out["occupations"] = codes
    if given("licence_number"):
        out["licence_number"] = collect(
            errors, "licence_number", clean_text, data.get("licence_number"), max_length=64,
            required=True, label="考评员证书编号",
        )  # fmt: skip
    if given("licence_level"):
        out["licence_level"] = (
            collect(
                errors,
                "licence_level",
                clean_text,
                data.get("licence_level"),
                max_length=16,
                label="考评等级",
            )
            or ""
        )
    if given("licence_valid_until"):
        out["licence_valid_until"] = collect(
            errors, "licence_valid_until", clean_date, data.get("licence_valid_until"),
            label="证书有效期", excel_serial=True,
        )  # fmt: skip
    if given("username"):
        out["user"] = examiner_account(str(data.get("username") or ""), errors, examiner=examiner)
    return out, errors


def snapshot(e: Examiner) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in AUDITED:
        value = getattr(e, f"{k}_id") if k in ("employer", "user") else getattr(e, k)
        out[k] = value.isoformat() if isinstance(value, dt.date) else value
    out["is_active"] = e.is_active
    return out


def create_examiner(
    actor: Any, institution: Org, values: dict[str, Any], *, source: str = "form"
) -> Examiner:
    """Store one cleaned examiner (clean_examiner), audited; inside the caller's transaction."""
    examiner = Examiner.objects.create(institution=institution, **values)
    after = {
        **snapshot(examiner),
        "institution": institution.pk,
        "phone": bool(examiner.phone),
        "source": source,
    }
    audit_record(actor, "examiner.created", examiner, after=after, region_code=_region(examiner))
    return examiner


def examiner_create(*, actor: Any, org_id: int | None = None, **data: Any) -> Examiner:
    """Add an examiner to the actor's institution's register."""
    institution = managed_institution(actor, org_id)
    values, errors = clean_examiner(data, institution=institution)
    if errors:
        raise InvalidInput("考评员信息有误", fields=errors)
    with transaction.atomic():
        return create_examiner(actor, institution, values)


def examiner_update(*, actor: Any, examiner: Examiner, data: Mapping[str, Any]) -> Examiner:
    """Change what is given of the examiner's data (her institution)."""
    require_manager(actor, examiner)
    values, errors = clean_examiner(data, institution=examiner.institution, examiner=examiner)
    if errors:
        raise InvalidInput("考评员信息有误", fields=errors)
    with transaction.atomic():
        locked = Examiner.objects.select_for_update().select_related("institution").get(pk=examiner.pk)
        before = snapshot(locked)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, values[key])
        locked.save(update_fields=[*changed, "updated_at"])
        after = snapshot(locked)
        extra = {k: "已更改" for k in ("phone", "id_number") if k in changed}
        audit_record(
            actor, "examiner.updated", locked,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after={**{k: v for k, v in after.items() if before.get(k) != v}, **extra},
            region_code=_region(locked),
        )  # fmt: skip
    return locked


def examiner_disable(*, actor: Any, examiner: Examiner, reason: str) -> Examiner:
    """Take the examiner off the register: never drawn again; kept on record with the reason."""
    require_manager(actor, examiner)
    reason = clean_reason(reason, label="停用原因", max_length=200)
    with transaction.atomic():
        locked = Examiner.objects.select_for_update().select_related("institution").get(pk=examiner.pk)
        if not locked.is_active:
            raise Conflict("该考评员已停用", code="examiner_disabled")
        locked.is_active, locked.disabled_reason = False, reason
        locked.save(update_fields=["is_active", "disabled_reason", "updated_at"])
        audit_record(actor, "examiner.disabled", locked, before={"is_active": True}, after={"is_active": False},
                     reason=reason, region_code=_region(locked))  # fmt: skip
    return locked


def examiner_enable(*, actor: Any, examiner: Examiner, reason: str = "") -> Examiner:
    """Put a disabled examiner back on the register."""
    require_manager(actor, examiner)
    reason = clean_text(reason, max_length=200, label="说明", field="reason")
    with transaction.atomic():
        locked = Examiner.objects.select_for_update().select_related("institution").get(pk=examiner.pk)
        if locked.is_active:
            raise Conflict("该考评员在册，无需恢复", code="examiner_active")
        before = {"is_active": False, "disabled_reason": locked.disabled_reason}
        locked.is_active, locked.disabled_reason = True, ""
        locked.save(update_fields=["is_active", "disabled_reason", "updated_at"])
        audit_record(actor, "examiner.enabled", locked, before=before, after={"is_active": True}, reason=reason,
                     region_code=_region(locked))  # fmt: skip
    return locked


# --- training and integrity record (EVL-3) ----------------------------------------------------------------


def examiner_training_add(*, actor: Any, examiner: Examiner, **data: Any) -> ExaminerTraining:
    """Record a training the examiner attended (考评员定期培训)."""
    require_manager(actor, examiner)
    errors: dict[str, list[str]] = {}
    trained_on = collect(errors, "trained_on", clean_date, data.get("trained_on"), label="培训日期")
    course = collect(
        errors, "course", clean_text, data.get("course"), max_length=200, required=True, label="培训内容"
    )
    organiser = collect(
        errors, "organiser", clean_text, data.get("organiser"), max_length=200, label="组织单位"
    )
    hours_text = str(data.get("hours") or "0").strip()
    hours = int(hours_text) if hours_text.isdigit() and int(hours_text) <= 1000 else None
    if hours is None:
        errors["hours"] = ["学时应为 0 至 1000 之间的整数"]
    if trained_on and trained_on > timezone.localdate():
        errors["trained_on"] = ["培训日期不能晚于今天"]
    if errors or trained_on is None or course is None:
        raise InvalidInput("培训记录有误", fields=errors)
    with transaction.atomic():
        row = ExaminerTraining.objects.create(
            examiner=examiner,
            trained_on=trained_on,
            course=course,
            hours=hours or 0,
            organiser=organiser or "",
        )
        audit_record(actor, "examiner.training_added", examiner, after={
            "training": row.pk, "trained_on": str(trained_on), "course": course, "hours": row.hours,
        }, region_code=_region(examiner))  # fmt: skip
    return row


def examiner_integrity_add(*, actor: Any, examiner: Examiner, **data: Any) -> ExaminerIntegrity:
    """Record an integrity entry (诚信记录): a commendation, or a breach that may bar the examiner from
    panels until a date (the draw reads the latest bar)."""
    require_manager(actor, examiner)
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in ExaminerIntegrity.Kind.values:
        errors["kind"] = ["请选择记录类型"]
    recorded_on = collect(errors, "recorded_on", clean_date, data.get("recorded_on"), label="日期")
    note = collect(errors, "note", clean_text, data.get("note"), max_length=1000, required=True, multiline=True,
                   label="情况")  # fmt: skip
    bars_until = collect(errors, "bars_until", clean_date, data.get("bars_until"), label="禁止参与考评至",
                         required=False)  # fmt: skip
    if bars_until and kind != ExaminerIntegrity.Kind.BREACH:
        errors["bars_until"] = ["只有失信或违规记录可以限制参与考评"]
    if bars_until and recorded_on and bars_until < recorded_on:
        errors["bars_until"] = ["限制截止日期不能早于记录日期"]
    if errors or recorded_on is None:
        raise InvalidInput("诚信记录有误", fields=errors)
    with transaction.atomic():
        row = ExaminerIntegrity.objects.create(
            examiner=examiner, recorded_on=recorded_on, kind=kind, note=note or "", bars_until=bars_until,
            recorded_by=actor,
        )  # fmt: skip
        audit_record(actor, "examiner.integrity_recorded", examiner, after={
            "entry": row.pk, "kind": kind, "recorded_on": str(recorded_on),
            "bars_until": str(bars_until) if bars_until else None,
        }, reason=note or "", region_code=_region(examiner))  # fmt: skip
    return row


# --- relations recusal reads (EVL-6) ------------------------------------------------------------------------


def require_declarer(actor: Any, examiner: Examiner) -> None:
    """The examiner herself or her institution keeps her relations; to anyone else they do not exist."""
    own = examiner.user_id is not None and examiner.user_id == getattr(actor, "pk", None)
    if not own and not may_manage(actor, examiner):
        raise NotFound()


def examiner_relation_declare(*, actor: Any, examiner: Examiner, **data: Any) -> ExaminerRelation:
    """Declare a relation: employed by or teaching at an organisation (named as registered, matched to
    the unit on the platform by its exact name), or a personal relation to a person by ID number (kept
    only as its blind index, with the name given)."""
    require_declarer(actor, examiner)
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in ExaminerRelation.Kind.values:
        errors["kind"] = ["请选择关系类型"]
    note = collect(errors, "note", clean_text, data.get("note"), max_length=200, label="说明") or ""
    values: dict[str, Any] = {"kind": kind, "note": note}
    if kind == ExaminerRelation.Kind.PERSONAL:
        name = collect(errors, "person_name", person_name, data.get("person_name"))
        number = collect(errors, "person_id_number", validate_id_number, str(data.get("person_id_number") or ""))  # fmt: skip
        if number and number == examiner.id_number:
            errors["person_id_number"] = ["请填写与您存在关系的人员的身份证号码，而不是您本人的"]
        values.update(person_name=name or "", person_index=blind_index(number, ID_PURPOSE) if number else "")
    elif kind:
        org_name = collect(errors, "org_name", clean_text, data.get("org_name"), max_length=200, required=True,
                           label="单位名称")  # fmt: skip
        same = list(Org.objects.filter(name=org_name).values_list("pk", flat=True)[:2]) if org_name else []
        values.update(org_name=org_name or "", org_id=same[0] if len(same) == 1 else None)
    if errors:
        raise InvalidInput("回避关系有误", fields=errors)
    with transaction.atomic():
        relation = ExaminerRelation.objects.create(examiner=examiner, **values)
        audit_record(actor, "examiner.relation_declared", examiner, after={
            "relation": relation.pk, "kind": kind, "org": relation.org_id, "org_name": relation.org_name,
            "person": bool(relation.person_index), "by_self": examiner.user_id == getattr(actor, "pk", None),
        }, region_code=_region(examiner))  # fmt: skip
    return relation


def examiner_relation_end(*, actor: Any, relation: ExaminerRelation, reason: str) -> ExaminerRelation:
    """A relation no longer holds (left the unit, stopped teaching): ended today, kept on record."""
    examiner = relation.examiner
    require_declarer(actor, examiner)
    reason = clean_reason(reason, label="终止原因", max_length=200)
    with transaction.atomic():
        locked = ExaminerRelation.objects.select_for_update().get(pk=relation.pk)
        if locked.ended_on is not None:
            raise Conflict("该关系已终止", code="relation_ended")
        locked.ended_on = timezone.localdate()
        locked.save(update_fields=["ended_on"])
        audit_record(actor, "examiner.relation_ended", examiner, before={"relation": locked.pk, "ended_on": None},
                     after={"relation": locked.pk, "ended_on": str(locked.ended_on)}, reason=reason,
                     region_code=_region(examiner))  # fmt: skip
    return locked

"""Writes of quality supervision (EVL-3 逢考必督; seed 001 Art. 17(4)): the institution registers its
internal supervisors (full-time staff holding the internal quality supervisor role) and assigns one or
more to every sitting; the bureau (exam.supervise) registers external supervisors (officials holding
the external supervisor role in its jurisdiction) and assigns them; a supervisor checks in at her
sitting on its day and writes her supervision record. The sitting's opening (the sessions area) reads
selectors.supervision.sitting_supervision with rules.supervision.check_internal_supervisor."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.accounts.scoping import holds_role, scope_for
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from ..models import QualitySupervisor, Sitting, SupervisionAssignment
from ..selectors.examiners import managed_institution

MANAGE = "exam.manage"
SUPERVISE = "exam.supervise"
QUALITY = "exam.quality_supervise"
INTERNAL_ROLE = "quality_supervisor"
EXTERNAL_ROLE = "external_supervisor"
K = QualitySupervisor.Kind


def _account(username: str) -> User:
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        raise InvalidInput("账户不存在", fields={"username": [f"账户“{username}”不存在或已停用"]})
    return user


def _bureau(actor: Any) -> Org:
    scope = require(actor, SUPERVISE)
    org: Org | None = actor.primary_org if actor.primary_org_id else None
    if org is None or not scope.region_prefixes:
        raise PermissionDenied("只有人力资源社会保障部门可以登记外部质量督导员", code="permission_denied")
    return org


def supervisor_register(
    *, actor: Any, username: str, kind: str, full_time: bool = True, certificate_number: str = "",
    name: str = "", org_id: int | None = None,
) -> QualitySupervisor:  # fmt: skip
    """Register a quality supervisor. Internal (the institution, exam.manage): a user of the institution
    holding the internal quality supervisor role, full-time staff (EVL-3). External (the bureau,
    exam.supervise): an official holding the external supervisor role whose region lies in the
    bureau's jurisdiction."""
    if kind not in K.values:
        raise InvalidInput("请选择督导员类型", fields={"kind": ["请选择督导员类型"]})
    user = _account(username)
    errors: dict[str, list[str]] = {}
    holder = scope_for(user, QUALITY)
    if kind == K.INTERNAL:
        org = managed_institution(actor, org_id)
        if not holds_role(user, INTERNAL_ROLE) or org.pk not in holder.org_ids:
            errors["username"] = [
                f"账户“{user.username}”不是本机构的内部质量督导员，请先由本机构管理员分配该角色"
            ]
        if not full_time:
            errors["full_time"] = ["内部质量督导员须由专职工作人员担任（EVL-3）"]
    else:
        org = _bureau(actor)
        mine = scope_for(actor, SUPERVISE)
        inside = [p for p in holder.region_prefixes if p and mine.covers_region(p.ljust(6, "0"))]
        if not holds_role(user, EXTERNAL_ROLE) or not inside:
            errors["username"] = [
                f"账户“{user.username}”不是本辖区的外部质量督导员，请先分配“外部质量督导员”角色"
            ]
    cert = clean_text(certificate_number, max_length=64, label="督导员证书编号", field="certificate_number")
    shown = clean_text(name, max_length=64, label="姓名", field="name") or user.full_name or user.username
    if QualitySupervisor.objects.filter(org=org, user=user, kind=kind).exists():
        errors["username"] = ["该督导员已登记"]
    if errors:
        raise InvalidInput("督导员信息有误", fields=errors, rule="EVL-3")
    with transaction.atomic():
        sup = QualitySupervisor.objects.create(kind=kind, user=user, org=org, name=shown, full_time=bool(full_time),
                                               certificate_number=cert)  # fmt: skip
        audit_record(actor, "exam_supervisor.registered", sup, after={
            "kind": kind, "user": user.pk, "org": org.pk, "full_time": sup.full_time,
        }, region_code=org.region_id or None)  # fmt: skip
    return sup


def supervision_assign(
    *, actor: Any, sitting: Sitting, supervisor: QualitySupervisor
) -> SupervisionAssignment:
    """Assign a supervisor to a sitting: an internal one by the institution, an external one by the
    bureau of the session's region. Not once the sitting has ended."""
    session = sitting.session
    if supervisor.kind == K.INTERNAL:
        require(actor, MANAGE, org_id=session.institution_id)
        if supervisor.org_id != session.institution_id:
            raise NotFound()
    else:
        scope = require(actor, SUPERVISE, region_code=session.region_code)
        if not scope.covers_region(supervisor.org.region_id or ""):
            raise NotFound()
    if not supervisor.is_active:
        raise Conflict("该督导员已停用", code="supervisor_inactive")
    with transaction.atomic():
        locked = Sitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.status == Sitting.Status.CLOSED:
            raise Conflict("场次已结束，不能再安排督导", code="sitting_closed")
        if SupervisionAssignment.objects.filter(sitting=locked, supervisor=supervisor).exists():
            raise Conflict("该督导员已安排到本场次", code="supervision_exists")
        assignment = SupervisionAssignment.objects.create(
            sitting=locked, supervisor=supervisor, assigned_by=actor
        )
        audit_record(actor, "exam_supervision.assigned", assignment, after={
            "sitting": locked.pk, "supervisor": supervisor.pk, "kind": supervisor.kind,
        })  # fmt: skip
    return assignment


def _own(actor: Any, assignment: SupervisionAssignment) -> None:
    if assignment.supervisor.user_id != getattr(actor, "pk", None) or not scope_for(actor, QUALITY).granted:
        raise NotFound()


def supervision_check_in(*, actor: Any, assignment: SupervisionAssignment) -> SupervisionAssignment:
    """The supervisor checks in at her sitting, on its day, before it ends (到岗)."""
    _own(actor, assignment)
    now = timezone.now()
    with transaction.atomic():
        locked = (
            SupervisionAssignment.objects.select_for_update().select_related("sitting").get(pk=assignment.pk)
        )
        if locked.checked_in_at is not None:
            raise Conflict("您已到岗签到", code="already_checked_in")
        if locked.sitting.status == Sitting.Status.CLOSED:
            raise Conflict("场次已结束，不能签到", code="sitting_closed")
        if timezone.localdate(now) != timezone.localdate(locked.sitting.starts_at):
            raise Conflict("只能在场次当日到岗签到", code="not_sitting_day")
        locked.checked_in_at = now
        locked.save(update_fields=["checked_in_at", "updated_at"])
        audit_record(
            actor,
            "exam_supervision.checked_in",
            locked,
            after={"sitting": locked.sitting_id, "at": now.isoformat()},
        )
    return locked


def supervision_report(
    *, actor: Any, assignment: SupervisionAssignment, report: str
) -> SupervisionAssignment:
    """The supervisor writes (or completes) her supervision record (督导记录) after checking in."""
    _own(actor, assignment)
    text = clean_text(
        report, max_length=4000, required=True, multiline=True, label="督导记录", field="report"
    )
    with transaction.atomic():
        locked = SupervisionAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.checked_in_at is None:
            raise Conflict("请先到岗签到，再填写督导记录", code="not_checked_in")
        before = {"report": bool(locked.report)}
        locked.report, locked.reported_at = text, timezone.now()
        locked.save(update_fields=["report", "reported_at", "updated_at"])
        audit_record(actor, "exam_supervision.reported", locked, before=before,
                     after={"sitting": locked.sitting_id, "chars": len(text)})  # fmt: skip
    return locked

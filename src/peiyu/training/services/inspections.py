"""Supervision steps of TRN-12 recorded by officials (002 三): the process inspection (过程检查) of a
合格证类 class, the certificate check (证书核对) of a certificate-type or industry-led class. The bureau of
the class's region records them; for an industry-led project also the industry authority that leads it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.core.cleaning import clean_date, clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, NotFound, RuleViolation

from ..flows import INSPECTION_FLOW
from ..models import Inspection, TrainingClass
from ..rules.process import inspection_kind_allowed
from ..selectors.classes import may_inspect
from .locking import class_locked

INSPECTABLE = (TrainingClass.Status.RUNNING, TrainingClass.Status.COMPLETED)


def inspection_record(*, actor, klass: TrainingClass, kind: str, data: dict[str, Any]) -> Inspection:
    require(actor, "training.supervise")
    if not may_inspect(actor, klass):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    if kind not in Inspection.Kind.values:
        errors["kind"] = ["请选择检查环节"]
    result = data.get("result") or ""
    if result not in Inspection.Result.values:
        errors["result"] = ["请选择检查结论"]
    findings = collect(errors, "findings", clean_text, data.get("findings"), max_length=10000, multiline=True)
    findings = findings if findings is not None else ""
    if result == Inspection.Result.ISSUES and not findings:
        errors["findings"] = ["发现问题时请填写检查情况"]
    today = timezone.localdate()
    on = collect(
        errors, "inspected_on", clean_date, data.get("inspected_on"), label="检查日期", required=False
    )
    on = on or today
    if on > today:
        errors["inspected_on"] = ["检查日期不能晚于今天"]
    if errors:
        raise InvalidInput("检查记录填写有误", fields=errors)
    check = inspection_kind_allowed(klass.plan.cert_type, kind)
    if not check.ok:
        raise RuleViolation(
            check.message, rule=check.rule, code="inspection_kind", fields={"kind": [check.message]}
        )
    org = getattr(actor, "primary_org", None)
    if org is None:
        raise InvalidInput("您的账号未关联单位，不能登记检查", code="no_org")
    with transaction.atomic():
        locked = class_locked(klass)
        if locked.status not in INSPECTABLE:
            raise Conflict(
                f"培训班当前状态为“{locked.get_status_display()}”，开班后方可登记{Inspection.Kind(kind).label}",
                code="class_not_running",
            )
        inspection = Inspection.objects.create(
            klass=locked,
            kind=kind,
            inspected_on=on,
            result=result,
            findings=findings,
            inspector=actor,
            org=org,
        )
        INSPECTION_FLOW.created(
            inspection, actor=actor, after={"klass": locked.pk, "kind": kind, "inspected_on": on.isoformat()}
        )
    return inspection

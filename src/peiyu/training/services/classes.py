"""Training classes (培训班) under a filed plan: drafted by the institution, announced publicly with the
exam application conditions (TRN-3) after the TRN-9 text check, for 合格证类 projects opened on the
city's approval of the class-opening application (TRN-12), started, or cancelled.

Every move goes through flows.CLASS_FLOW: the row is locked, the move checked against the
table, the status, the TransitionLog and the audit event written in one transaction. The checks of an
announcement and of an opening decision are stored Decisions with the policy version. A suspended
catalog entry opens no class (SUP-7): announcing, requesting or approving an opening and starting
are refused while it is suspended. Completion (running → completed) is services.completion's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Region
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check, refuse_failed
from peiyu.core.cleaning import REASON_MAX, clean_dates, clean_reason, clean_text, clean_texts
from peiyu.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.core.policy import policy_for, region_prefix

from ..flows import CLASS_FLOW, ENROLMENT_FLOW
from ..models import Enrolment, TrainingClass, TrainingPlan
from ..rules import classes as cr
from ..rules.claims import check_public_texts
from ..rules.process import needs_opening
from ..selectors.classes import may_decide_opening
from .locking import class_locked
from .plans import listing_facts

S = TrainingClass.Status
SUBJECT = "training.trainingclass"

PUBLIC_TEXT_LABELS = {
    "title": "班级名称",
    "announcement": "招生简章",
    "exam_conditions": "考核申报条件",
    "venue": "培训地点",
}
_TEXT_FIELDS = {"title": 200, "venue": 200, "announcement": 20000, "exam_conditions": 5000}


def _manage(actor, plan: TrainingPlan) -> None:
    require(actor, "training.manage", org_id=plan.institution_id)


def _expect(locked: TrainingClass, *statuses: str) -> None:
    if locked.status not in statuses:
        raise Conflict(
            f"培训班当前状态为“{locked.get_status_display()}”，不能办理该事项",
            code="invalid_transition",
            details={"status": locked.status},
        )


def _listing_check(klass: TrainingClass, today: dt.date):
    facts = listing_facts(klass.plan.listing)
    return cr.listing_open(facts, level=klass.plan.level, starts_on=klass.starts_on, today=today)


def _refuse_unless(check) -> None:
    if not check.ok:
        raise RuleViolation(
            check.message, rule=check.rule, code="class_refused", details={"check": check.as_dict()}
        )


# --- create and edit ----------------------------------------------------------------------------------------


def _clean(plan: TrainingPlan, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    out.update(clean_texts(data, _TEXT_FIELDS, errors))
    if not out["title"]:
        errors["title"] = ["请填写班级名称"]
    try:
        out["capacity"] = int(data.get("capacity") or 0)
    except (TypeError, ValueError):
        out["capacity"] = 0
    if not (0 < out["capacity"] <= 100000):
        errors["capacity"] = ["招生人数应为大于0的整数"]
    out.update(clean_dates(data, {"starts_on": "开班日期", "ends_on": "结业日期"}, errors))
    if "starts_on" in out and "ends_on" in out:
        for k, v in cr.dates_within_plan(
            out["starts_on"], out["ends_on"], plan.starts_on, plan.ends_on
        ).items():
            errors.setdefault(k, []).extend(v)
    region = str(data.get("region") or plan.region_id or "").strip()
    if not Region.objects.filter(code=region).exists():
        errors["region"] = ["请选择培训地区"]
    out["region_id"] = region
    out["online_platform_id"] = None
    raw = data.get("online_platform")
    if raw not in (None, ""):
        if not plan.hours_online:
            errors["online_platform"] = ["培训计划没有线上学时，不能指定线上培训平台"]
        else:
            try:
                out["online_platform_id"] = (
                    Org.objects.only("pk")
                    .get(pk=int(raw), kind=Org.Kind.ONLINE_PLATFORM, is_active=True)  # type: ignore[arg-type]  # raw is set
                    .pk
                )
            except (Org.DoesNotExist, TypeError, ValueError):
                errors["online_platform"] = ["所选线上培训平台不存在"]
    if errors:
        raise InvalidInput("培训班信息填写有误", fields=errors)
    # where the institution may train: the jurisdiction of the catalog that lists it for this
    # occupation (a province for DTE, a city for Fujian subsidised training), else its province
    institution_region = plan.institution.region_id or ""
    home = plan.listing.catalog_region_id or (institution_region[:2] + "0000" if institution_region else "")
    names = dict(Region.objects.filter(code__in=[region, home]).values_list("code", "name"))
    check = cr.region_within(region, home, prefix=region_prefix(home), names=names)
    if not check.ok:
        raise RuleViolation(
            check.message, rule="TRN-9", code="cross_region", fields={"region": [check.message]}
        )
    return out


def class_create(*, actor, plan: TrainingPlan, data: dict[str, Any]) -> TrainingClass:
    """A draft class under a filed plan of the actor's institution (TRN-2), in the institution's own
    region (TRN-9), within the plan's dates, while the catalog entry authorises it on the class start."""
    _manage(actor, plan)
    if plan.status != TrainingPlan.Status.FILED:
        raise RuleViolation("只有已备案的培训计划可以开班", rule="TRN-2", code="plan_not_filed")
    fields = _clean(plan, data)
    with transaction.atomic():
        klass = TrainingClass(
            number=reference_number("TC", TrainingClass), plan=plan, created_by=actor, **fields
        )
        _refuse_unless(_listing_check(klass, timezone.localdate()))
        klass.save()
        CLASS_FLOW.created(klass, actor=actor, after=_snapshot(klass))
    return klass


def class_update(*, actor, klass: TrainingClass, data: dict[str, Any]) -> TrainingClass:
    _manage(actor, klass.plan)
    fields = _clean(klass.plan, data)
    with transaction.atomic():
        locked = class_locked(klass)
        _expect(locked, S.DRAFT)
        before = _snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        _refuse_unless(_listing_check(locked, timezone.localdate()))
        locked.save()
        audit_record(actor, "training_class.updated", locked, before=before, after=_snapshot(locked))
    return locked


# --- announcement (TRN-3, TRN-9) ---------------------------------------------------------------------------


def class_announce(*, actor, klass: TrainingClass) -> TrainingClass:
    """Publish the announcement: it states the exam application conditions (TRN-3) and no public text
    makes a prohibited claim (TRN-9). The checks are a stored Decision; a refusal publishes nothing and
    is kept on the class (its last decision) with every reason and its rule id."""
    _manage(actor, klass.plan)
    today = timezone.localdate()
    with transaction.atomic():
        locked = class_locked(klass)
        _expect(locked, S.DRAFT)
        checks = [
            cr.announcement_complete(
                announcement=locked.announcement, exam_conditions=locked.exam_conditions
            ),
            check_public_texts(
                {name: getattr(locked, name) for name in PUBLIC_TEXT_LABELS}, labels=PUBLIC_TEXT_LABELS
            ),
            _listing_check(locked, today),
        ]
        refused = [c for c in checks if not c.ok and c.blocking]
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="class_announcement",
            outcome="refused" if refused else "published",
            checks=checks,
            policy=policy_for(locked.plan.programme, locked.region_id, on=today),
            rules=("TRN-3", "TRN-9"),
        )
        locked.decision = decision
        locked.save(update_fields=["decision", "updated_at"])
        if refused:
            audit_record(
                actor, "training_class.announcement_refused", locked, after={"decision": decision.pk}
            )
        else:
            CLASS_FLOW.transition(
                locked,
                S.ANNOUNCED,
                actor=actor,
                reason="发布招生简章",
                changes={"announced_at": timezone.now()},
                locked=True,
            )
    if refused:
        refuse_failed(refused, code="announcement_refused", details={"decision": decision.pk})
    klass.refresh_from_db()
    return klass


# --- opening (TRN-12, 合格证类) and start --------------------------------------------------------------------


def class_request_opening(*, actor, klass: TrainingClass) -> TrainingClass:
    """The class-opening application (开班申请) of a 合格证类 class, to the bureau of its region."""
    _manage(actor, klass.plan)
    with transaction.atomic():
        locked = class_locked(klass)
        if not needs_opening(locked.plan.cert_type):
            raise RuleViolation(
                "只有合格证类培训项目实行开班申请", rule="TRN-12", code="opening_not_required"
            )
        _expect(locked, S.ANNOUNCED)
        _refuse_unless(_listing_check(locked, timezone.localdate()))
        CLASS_FLOW.transition(
            locked,
            S.OPENING,
            actor=actor,
            reason="提出开班申请",
            changes={
                "opening_requested_at": timezone.now(),
                "opening_decided_at": None,
                "opening_decided_by": None,
            },
            locked=True,
        )
    klass.refresh_from_db()
    return klass


def class_decide_opening(*, actor, klass: TrainingClass, approve: bool, note: str = "") -> TrainingClass:
    """Approve (the class opens: opening → running) or refuse (back to announced, with the reasons) the
    class-opening application (TRN-12). A second decision finds the status changed: Conflict."""
    require(actor, "training.supervise", region_code=klass.region_id)
    if not may_decide_opening(actor, klass):
        raise PermissionDenied("开班申请由培训地区的市（区）人社部门审核", code="not_the_deciding_bureau")
    note = clean_text(note, max_length=REASON_MAX, multiline=True, label="理由", field="note")
    if not approve and not note:
        raise InvalidInput("请填写不同意开班的理由", fields={"note": ["请填写不同意开班的理由"]})
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        locked = class_locked(klass)
        _expect(locked, S.OPENING)
        listing = _listing_check(locked, today)
        if approve:
            _refuse_unless(listing)
        decision_check = Check(
            "TRN-12",
            approve,
            ("同意开班" if approve else "不同意开班") + (f"：{note}" if note else ""),
            {"decided_by": actor.pk, "org": getattr(actor, "primary_org_id", None)},
            "002 三",
            True,
        )
        decision = Decision.record(
            SUBJECT,
            locked.pk,
            kind="class_opening",
            outcome="approved" if approve else "refused",
            checks=[listing, decision_check],
            policy=policy_for(locked.plan.programme, locked.region_id, on=today),
            rules=("TRN-12",),
        )
        changes: dict[str, Any] = {
            "opening_decided_at": now,
            "opening_decided_by": actor,
            "opening_note": note,
            "decision": decision,
        }
        if approve:
            changes["started_at"] = now
        CLASS_FLOW.transition(
            locked,
            S.RUNNING if approve else S.ANNOUNCED,
            actor=actor,
            reason=("同意开班" if approve else "不同意开班") + (f"：{note}" if note else ""),
            changes=changes,
            expected_from=[S.OPENING],
            locked=True,
        )
    klass.refresh_from_db()
    return klass


def class_start(*, actor, klass: TrainingClass) -> TrainingClass:
    """Start an announced class. A 合格证类 class opens only on the approval of its opening application
    (TRN-12); a suspended catalog entry opens no class (SUP-7)."""
    _manage(actor, klass.plan)
    with transaction.atomic():
        locked = class_locked(klass)
        if needs_opening(locked.plan.cert_type) and locked.status in (S.ANNOUNCED, S.OPENING):
            raise RuleViolation(
                "合格证类培训项目须经开班申请审核同意后方可开班", rule="TRN-12", code="opening_required"
            )
        _expect(locked, S.ANNOUNCED)
        _refuse_unless(_listing_check(locked, timezone.localdate()))
        CLASS_FLOW.transition(
            locked, S.RUNNING, actor=actor, reason="开班", changes={"started_at": timezone.now()}, locked=True
        )
    klass.refresh_from_db()
    return klass


def class_cancel(*, actor, klass: TrainingClass, reason: str) -> TrainingClass:
    _manage(actor, klass.plan)
    reason = clean_reason(reason, label="取消原因", max_length=REASON_MAX)
    with transaction.atomic():
        locked = class_locked(klass)
        _expect(locked, S.DRAFT, S.ANNOUNCED, S.OPENING)
        CLASS_FLOW.transition(
            locked, S.CANCELLED, actor=actor, reason=reason, changes={"cancelled_reason": reason}, locked=True
        )
        # the people who enrolled are not left in a class that will not run: withdrawn, with the reason
        withdrawn = f"培训班取消：{reason}"[:200]
        ENROLMENT_FLOW.transition_many(
            locked.enrolments.filter(status=Enrolment.Status.ENROLLED),
            Enrolment.Status.WITHDRAWN,
            actor=actor,
            reason=withdrawn,
            changes={"withdrawn_reason": withdrawn},
        )
    klass.refresh_from_db()
    return klass


def _snapshot(klass: TrainingClass) -> dict[str, Any]:
    return {
        "plan": klass.plan_id,
        "title": klass.title,
        "region": klass.region_id,
        "venue": klass.venue,
        "capacity": klass.capacity,
        "starts_on": klass.starts_on.isoformat(),
        "ends_on": klass.ends_on.isoformat(),
        "online_platform": klass.online_platform_id,
        "status": klass.status,
    }

"""Reads of training classes, scoped (DESIGN §5): an institution sees its own classes, drafts included;
the officials of a class's region see it once announced; the industry authority supervising an
industry-led plan sees its classes (TRN-12). The public sees announcements (TRN-3). Out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound
from peiyu.core.lookups import one_or_404
from peiyu.core.models import Decision, TransitionLog

from ..models import CertType, Enrolment, Inspection, TraineeEvaluation, TrainingClass
from ..rules.process import ProcessFacts, Step, process_steps
from .scope import class_q, manages_class

S = TrainingClass.Status
PUBLIC_STATUSES = (S.ANNOUNCED, S.OPENING, S.RUNNING)
DECIDING_ORG_KINDS = (Org.Kind.HRSS_CITY, Org.Kind.HRSS_DISTRICT)


def classes_visible_to(actor) -> QuerySet[TrainingClass]:
    return TrainingClass.objects.filter(class_q(actor)).select_related(
        "plan", "plan__institution", "plan__listing", "region", "online_platform", "decision"
    )


def class_get_for(actor, class_id) -> TrainingClass:
    return one_or_404(classes_visible_to(actor), pk=class_id)


def announcements_public() -> QuerySet[TrainingClass]:
    """Announced classes (招生中, 开班待审, 培训中) for the public portal, newest first (TRN-3)."""
    return (
        TrainingClass.objects.filter(status__in=PUBLIC_STATUSES, announced_at__isnull=False)
        .select_related("plan", "plan__institution", "region")
        .order_by("-announced_at", "-pk")
    )


def announcement_get_public(number: str) -> TrainingClass:
    found = announcements_public().filter(number=str(number)[:32]).first()
    if found is None:
        raise NotFound("招生简章不存在或已停止公开")
    return found


# --- who may do what --------------------------------------------------------------------------------------


manages = manages_class


def may_decide_opening(actor, klass: TrainingClass) -> bool:
    """The city (or district) bureau of the class's region decides its opening application (TRN-12)."""
    scope = scope_for(actor, "training.supervise")
    org = getattr(actor, "primary_org", None)
    return bool(scope.covers_region(klass.region_id) and org is not None and org.kind in DECIDING_ORG_KINDS)


def may_inspect(actor, klass: TrainingClass) -> bool:
    """An official with training.supervise over the class's region, or the industry authority that
    supervises an industry-led plan (TRN-12)."""
    scope = scope_for(actor, "training.supervise")
    if not scope.granted:
        return False
    if scope.covers_region(klass.region_id):
        return True
    plan = klass.plan
    return bool(
        plan.cert_type == CertType.INDUSTRY
        and plan.supervising_authority_id
        and plan.supervising_authority_id in scope.org_ids
    )


def class_actions(actor, klass: TrainingClass) -> dict[str, bool]:
    """The actions this user may take on this class now (the services check again): the workflow's
    verbs from `class_allowed_actions`, with editing a draft and recording an inspection beside them."""
    from .actions import class_allowed_actions  # actions reads this module's scope helpers

    allowed = set(class_allowed_actions(actor, klass))
    st = klass.status
    return {
        "edit": st == S.DRAFT and manages_class(actor, klass),
        "announce": "announce" in allowed,
        "request_opening": "request_opening" in allowed,
        "start": "start" in allowed,
        "cancel": "cancel" in allowed,
        "decide_opening": "approve_opening" in allowed,
        "inspect": st in (S.RUNNING, S.COMPLETED) and may_inspect(actor, klass),
    }


# --- the TRN-12 process, history, decisions ---------------------------------------------------------------


def class_process_facts(klass: TrainingClass) -> ProcessFacts:
    plan = klass.plan
    enrolments = Enrolment.objects.filter(klass=klass).exclude(status=Enrolment.Status.WITHDRAWN)
    counts = enrolments.aggregate(n=Count("pk"), scored=Count("pk", filter=Q(exam_score__isnull=False)))
    by_kind = {
        (row["kind"], row["result"]): row["n"]
        for row in Inspection.objects.filter(klass=klass).values("kind", "result").annotate(n=Count("pk"))
    }

    def total(kind: str) -> int:
        return sum(n for (k, _r), n in by_kind.items() if k == kind)

    approved = klass.opening_decided_at is not None and klass.status in (S.RUNNING, S.COMPLETED)
    return ProcessFacts(
        plan_filed=plan.status == plan.Status.FILED or plan.filed_at is not None,
        commitment=plan.commitment,
        opening_requested=klass.status == S.OPENING,
        opening_approved=approved,
        opening_refused=klass.opening_decided_at is not None and not approved and klass.status != S.OPENING,
        opening_note=klass.opening_note,
        process_inspections=total(Inspection.Kind.PROCESS),
        process_issues=by_kind.get((Inspection.Kind.PROCESS, Inspection.Result.ISSUES), 0),
        exam_scores=counts["scored"] or 0,
        enrolled=counts["n"] or 0,
        certificate_checks=total(Inspection.Kind.CERTIFICATE),
        certificate_issues=by_kind.get((Inspection.Kind.CERTIFICATE, Inspection.Result.ISSUES), 0),
        evaluations=TraineeEvaluation.objects.filter(enrolment__klass=klass).count(),
        supervisor=plan.supervising_authority.name if plan.supervising_authority is not None else "",
    )


def class_process(klass: TrainingClass) -> list[Step]:
    """The TRN-12 steps of the class by its plan's certificate type, done or pending."""
    return process_steps(klass.plan.cert_type, class_process_facts(klass))


def class_history(klass: TrainingClass) -> list[TransitionLog]:
    labels = dict(S.choices)
    rows = list(
        TransitionLog.objects.filter(subject_type="training.trainingclass", subject_id=str(klass.pk))
        .exclude(from_status="")  # the moves, not the creation
        .select_related("actor")
        .order_by("at", "id")
    )
    for h in rows:
        # display attributes for the template
        h.from_label = str(labels.get(h.from_status, h.from_status))  # type: ignore[attr-defined]
        h.to_label = str(labels.get(h.to_status, h.to_status))  # type: ignore[attr-defined]
    return rows


DECISION_LABELS = {
    "class_announcement": _("招生简章发布检查"),
    "class_opening": _("开班申请审核"),
    "class_completion": _("结业审核"),
    "certificate_issue": _("颁发培训合格证书"),
}
# each outcome in words, and whether it went through (a green or a red badge)
DECISION_OUTCOMES = {
    "published": (_("已发布"), True),
    "approved": (_("同意"), True),
    "completed": (_("已结业"), True),
    "issued": (_("已颁发"), True),
    "rejected": (_("不同意"), False),
    "refused": (_("未通过"), False),
}


def class_decisions(klass: TrainingClass) -> list[Decision]:
    rows = list(
        Decision.objects.filter(subject_type="training.trainingclass", subject_id=str(klass.pk)).order_by(
            "created_at", "id"
        )
    )
    for d in rows:  # for the template
        d.kind_label = DECISION_LABELS.get(d.kind, _("检查记录"))  # type: ignore[attr-defined]
        d.outcome_label, d.outcome_ok = DECISION_OUTCOMES.get(d.outcome, (_("未通过"), False))  # type: ignore[attr-defined]
    return rows


def class_inspections(klass: TrainingClass) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(klass=klass)
        .select_related("inspector", "org")
        .order_by("-inspected_on", "-id")
    )


def openings_waiting_for(actor) -> list[TrainingClass]:
    """Class-opening applications the user's bureau decides (TRN-12)."""
    scope = scope_for(actor, "training.supervise")
    org = getattr(actor, "primary_org", None)
    if not scope.region_prefixes or org is None or org.kind not in DECIDING_ORG_KINDS:
        return []
    return list(
        TrainingClass.objects.filter(scope.q(region="region_id"), status=S.OPENING)
        .select_related("plan", "plan__institution")
        .order_by("opening_requested_at", "pk")[:200]
    )


def public_class_info(klass: TrainingClass) -> dict[str, Any]:
    """What the public page and the public API show of an announced class (TRN-3, TRN-10)."""
    plan = klass.plan
    return {
        "number": klass.number,
        "title": klass.title,
        "institution": plan.institution.name,
        "occupation_code": plan.occupation_code,
        "occupation_name": plan.occupation_name,
        "direction": plan.direction,
        "level": plan.level,
        "region": klass.region.name,
        "venue": klass.venue,
        "capacity": klass.capacity,
        "starts_on": klass.starts_on,
        "ends_on": klass.ends_on,
        "hours": plan.total_hours,
        "hours_online": plan.hours_online,
        "fee": plan.fee,
        "makeup_fee": plan.makeup_fee,
        "exam_fee": plan.exam_fee,
        "refund_terms": plan.refund_terms,
        "makeup_terms": plan.makeup_terms,
        "announcement": klass.announcement,
        "exam_conditions": klass.exam_conditions,
        "announced_at": klass.announced_at,
        "status": klass.status,
        "status_label": str(klass.get_status_display()),
    }

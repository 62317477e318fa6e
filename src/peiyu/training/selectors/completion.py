"""Scoped reads of completion (TRN-6, TRN-7, TRN-11, TRN-12): classes to complete, training reports,
certificates, the per-trainee archive and the trainees' evaluations.

Who sees what: the institution its own classes; the province, city and district officials the classes
whose training region is in theirs; an industry authority the classes of the plans it supervises; a
trainee (Trainee.user) their own records. Out of scope is 404 (NotFound)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from peiyu.accounts.masking import MASKED
from peiyu.accounts.scoping import scope_for
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.errors import NotFound
from peiyu.core.lookups import one_or_404
from peiyu.core.registry import extensions

from ..models import Enrolment, Trainee, TraineeEvaluation, TrainingClass, TrainingReport
from .classes import class_get_for, classes_visible_to
from .scope import class_disclosure, class_q
from .scope import manages_class as manages_class  # re-exported for the completion views

# --- classes -------------------------------------------------------------------------------------------


# one class scope for all of training (selectors.scope.class_q)
completion_classes_visible_to = classes_visible_to
completion_class_get_for = class_get_for


def supervises_class(actor, klass: TrainingClass) -> bool:
    scope = scope_for(actor, "training.supervise")
    if not scope.granted:
        return False
    org_id = getattr(actor, "primary_org_id", None)
    return scope.covers_region(klass.region_id) or (
        org_id is not None and klass.plan.supervising_authority_id == org_id
    )


# --- reports -------------------------------------------------------------------------------------------


def reports_visible_to(actor) -> QuerySet[TrainingReport]:
    return TrainingReport.objects.filter(class_q(actor, "klass__")).select_related(
        "klass", "klass__plan", "klass__plan__institution", "klass__region"
    )


def report_get_for(actor, report_id) -> TrainingReport:
    return one_or_404(reports_visible_to(actor), pk=report_id)


# --- certificates (issued and kept by the certificates app, ADR 0007 §4) -----------------------------------

# Extension points the certificates app contributes to from its hooks (core.registry.register_extension):
# CERTIFICATE_POINT: fn(enrolment_ids) → {enrolment_id: certificate} for the enrolments that have a
#   training certificate, each a dict with id, number, status ("valid", "invalidated", "superseded"),
#   valid, status_label, issued_on, hours, ce_hours, ce_year, holder_name, occupation_code,
#   occupation_name, direction, level, institution (the issuer's name), institution_id, region_code,
#   enrolment_id, url (its page), pdf_url, verify_url (the public verification path) — what training's
#   pages, reports, archive and API show of it;
# CERTIFICATE_ISSUE_POINT: fn(actor=, klass=) → the certificates issued (the same dicts) to the class's
#   completed trainees that have none yet (training's completion page and API issue through it).
CERTIFICATE_POINT = "enrolment.certificate"
CERTIFICATE_ISSUE_POINT = "class.certificates_issue"


def enrolment_certificates(enrolment_ids) -> dict[int, dict[str, Any]]:
    """The training certificates of these enrolments, from every contributor (none: no certificates)."""
    ids = [int(i) for i in enrolment_ids]
    found: dict[int, dict[str, Any]] = {}
    if not ids:
        return found
    for fn in extensions(CERTIFICATE_POINT):
        found.update(fn(ids))
    return found


def enrolment_certificate(enrolment_id) -> dict[str, Any] | None:
    return enrolment_certificates([enrolment_id]).get(int(enrolment_id))


def enrolments_completed_uncertified(klass: TrainingClass) -> list[Enrolment]:
    """The class's completed enrolments that have no training certificate yet, by name (the order of
    issuing): what the certificates app issues for (TRN-6)."""
    completed = list(
        Enrolment.objects.filter(klass=klass, status=Enrolment.Status.COMPLETED)
        .select_related("trainee")
        .order_by("trainee__name", "pk")
    )
    have = enrolment_certificates([e.pk for e in completed])
    return [e for e in completed if e.pk not in have]


def enrolment_for_certificate(enrolment_id) -> Enrolment | None:
    """An enrolment with its trainee, class, plan and institution (a certificate's source), unscoped:
    the caller has already found the certificate in scope."""
    return (
        Enrolment.objects.select_related("trainee", "klass", "klass__plan", "klass__plan__institution")
        .filter(pk=enrolment_id)
        .first()
    )


def enrolment_ids_visible_to(actor) -> QuerySet[Enrolment, Any]:
    """The ids of the enrolments in classes the actor may see (a subquery): whose training certificates
    the actor may read, besides their own (trainee_of)."""
    return Enrolment.objects.filter(class_q(actor, "klass__")).values("pk")


def enrolments_certified_visible_to(actor, *, occupation_code: str, level: str) -> QuerySet[Enrolment]:
    """The completed enrolments of classes the actor may see, of one occupation and level: the candidates
    whose training certificates another app (exams) may take (whether one is valid: enrolment_certificates)."""
    return (
        Enrolment.objects.filter(
            class_q(actor, "klass__"),
            status=Enrolment.Status.COMPLETED,
            klass__status=TrainingClass.Status.COMPLETED,
            klass__plan__occupation_code=occupation_code,
            klass__plan__level=level,
        )
        .select_related("trainee", "klass", "klass__plan", "klass__plan__institution")
        .order_by("-klass__ends_on", "trainee__name", "pk")
    )


# --- the trainee's own -------------------------------------------------------------------------------------


def trainee_of(user) -> Trainee | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Trainee.objects.filter(user_id=user.pk).first()


def evaluations_to_give(user) -> QuerySet[Enrolment]:
    """The user's completed or failed enrolments without an evaluation yet (TRN-12)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:  # anonymous: nothing (a filter on None would match people without an account)
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(
            trainee__user_id=user_id,
            status__in=[Enrolment.Status.COMPLETED, Enrolment.Status.FAILED],
            evaluation__isnull=True,
        )
        .select_related("klass", "klass__plan__institution")
        .order_by("-completed_at")
    )


# --- archive (TRN-11) -------------------------------------------------------------------------------------


def _minutes_to_hours(minutes: int) -> str:
    return str((Decimal(minutes or 0) / 60).quantize(Decimal("0.1")))


def trainee_archive(actor, trainee_id) -> dict[str, Any]:
    """The person's training history across institutions, cut to the actor's part: all of it for the
    trainee themself, an institution's own classes, an official's region (TRN-11)."""
    trainee = Trainee.objects.filter(pk=_int(trainee_id)).first()
    if trainee is None:
        raise NotFound()
    self_view = trainee.user_id is not None and trainee.user_id == getattr(actor, "pk", None)
    qs = Enrolment.objects.filter(trainee=trainee)
    if not self_view:
        qs = qs.filter(class_q(actor, "klass__"))
    enrolments = list(
        qs.select_related(
            "klass", "klass__plan", "klass__plan__institution", "klass__region", "evaluation"
        ).order_by("klass__starts_on", "pk")
    )
    certificates = enrolment_certificates([e.pk for e in enrolments])
    if not self_view and not enrolments:
        raise NotFound()
    # the person sees their own name and their ID number masked (the page is shown on phones in public);
    # anyone else as the first class they may see allows (DESIGN §7)
    shown = MASKED if self_view else class_disclosure(actor, enrolments[0].klass, what="trainee_archive")
    rows = [_archive_row(e, certificates.get(e.pk)) for e in enrolments]
    ce: dict[int, int] = {}
    for r in rows:
        c = r["certificate"]
        if c and c["valid"]:
            ce[c["ce_year"]] = ce.get(c["ce_year"], 0) + c["ce_hours"]
    return {
        "trainee": {
            "id": trainee.pk,
            "name": trainee.name if self_view else shown.name(trainee.name),
            "id_number": shown.id_number(trainee.id_number),
            "sex": trainee.get_sex_display(),
            "birth_date": trainee.birth_date,
            "employer": trainee.employer,
        },
        "self_view": self_view,
        "enrolments": rows,
        "totals": {
            "classes": len(rows),
            "completed": sum(1 for r in rows if r["status"] == Enrolment.Status.COMPLETED),
            "offline_hours": _minutes_to_hours(sum(e.offline_minutes for e in enrolments)),
            "online_hours": _minutes_to_hours(sum(e.online_minutes for e in enrolments)),
            "certificates": sum(1 for r in rows if r["certificate"]),
            "ce_hours_by_year": dict(sorted(ce.items())),
        },
    }


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _archive_row(e: Enrolment, cert: dict[str, Any] | None) -> dict[str, Any]:
    k, p = e.klass, e.klass.plan
    ev = getattr(e, "evaluation", None)
    return {
        "enrolment_id": e.pk,
        "class_id": k.pk,
        "class_number": k.number,
        "class_title": k.title,
        "class_status": k.get_status_display(),
        "region": k.region.name,
        "starts_on": k.starts_on,
        "ends_on": k.ends_on,
        "institution": p.institution.name,
        "plan_number": p.number,
        "occupation": p.occupation_name,
        "direction": p.direction,
        "level": p.level,
        "plan_hours": p.total_hours,
        "status": e.status,
        "status_label": e.get_status_display(),
        "offline_hours": _minutes_to_hours(e.offline_minutes),
        "online_hours": _minutes_to_hours(e.online_minutes),
        "score": None if e.exam_score is None else str(e.exam_score),
        "completed_at": e.completed_at,
        "certificate": cert,
        "evaluation": None
        if ev is None
        else {
            "overall": ev.overall,
            "content": ev.content,
            "teaching": ev.teaching,
            "organisation": ev.organisation,
        },
    }


ARCHIVE_HEADER = [
    "班级编号", "班级名称", "培训机构", "计划编号", "职业（工种）", "等级", "培训地区", "开班日期", "结业日期",
    "状态", "线下学时", "线上学时", "结业考核成绩", "证书编号", "证书状态", "发证日期", "继续教育学时", "继续教育年度",
]  # fmt: skip


def archive_export(actor, trainee_id) -> bytes:
    """The archive as an xlsx (one row per class), the same part the actor may see."""
    archive = trainee_archive(actor, trainee_id)
    writer = XlsxWriter()
    ws = writer.sheet("培训档案")
    t = archive["trainee"]
    ws.append(["姓名", t["name"], "身份证号码", t["id_number"]])
    ws.append([])
    ws.append(ARCHIVE_HEADER, bold=True)
    for r in archive["enrolments"]:
        c = r["certificate"] or {}
        ws.append(
            [
                r["class_number"], r["class_title"], r["institution"], r["plan_number"], r["occupation"],
                r["level"], r["region"], r["starts_on"], r["ends_on"], r["status_label"],
                float(r["offline_hours"]), float(r["online_hours"]),
                None if r["score"] is None else float(r["score"]),
                c.get("number", ""), c.get("status_label", ""), c.get("issued_on"), c.get("ce_hours"), c.get("ce_year"),
            ]
        )  # fmt: skip
    return writer.to_bytes()


# --- evaluations (TRN-12) ---------------------------------------------------------------------------------


def evaluations_summary(actor, klass: TrainingClass) -> dict[str, Any]:
    """The trainees' evaluations of a class, aggregated, for its supervising bureau (the province and
    city of the class region; the industry authority of an industry-led plan). Comments without names."""
    if not supervises_class(actor, klass):
        raise NotFound()
    qs = TraineeEvaluation.objects.filter(enrolment__klass=klass)
    agg = qs.aggregate(
        n=Count("pk"),
        content=Avg("content"),
        teaching=Avg("teaching"),
        organisation=Avg("organisation"),
        overall=Avg("overall"),
        fees_ok=Count("pk", filter=Q(fees_as_published=True)),
    )
    n = agg["n"] or 0
    evaluable = klass.enrolments.filter(
        status__in=[Enrolment.Status.COMPLETED, Enrolment.Status.FAILED]
    ).count()

    def avg(name: str) -> str | None:
        return None if agg[name] is None else str(Decimal(str(agg[name])).quantize(Decimal("0.01")))

    return {
        "count": n,
        "evaluable": evaluable,
        "content": avg("content"),
        "teaching": avg("teaching"),
        "organisation": avg("organisation"),
        "overall": avg("overall"),
        "fees_as_published": agg["fees_ok"] or 0,
        "fees_not_as_published": n - (agg["fees_ok"] or 0),
        "comments": [
            c for c in qs.exclude(comment="").order_by("created_at").values_list("comment", flat=True)[:200]
        ],
    }

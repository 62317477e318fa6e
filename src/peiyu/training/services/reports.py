"""The trainee list and training report of a completed class (TRN-6): sent to the province and the city
within `training_report_days` of completion where the profile sets it. The summary is generated from
the records (enrolled, completed, failed, withdrawn, certificates, hours, pass rate, online share and
the trainee list); the institution adds its narrative and submits. A late submission is accepted and
marked late (its Decision keeps the TRN-6 check that failed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_reason
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.errors import Conflict
from peiyu.core.identifiers import mask_id_number
from peiyu.core.models import Decision

from ..flows import REPORT_FLOW
from ..models import Enrolment, TrainingClass, TrainingReport
from ..selectors.completion import enrolment_certificates, report_get_for

NARRATIVE_MAX = 20000
SOURCE = "003 四（三）"


def _hours(minutes: int) -> str:
    return str((Decimal(minutes or 0) / 60).quantize(Decimal("0.1")))


def _ratio(part: int, whole: int) -> str | None:
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))) if whole else None


def _percent(part: int, whole: int) -> str | None:
    return None if not whole else f"{Decimal(part * 100) / Decimal(whole):.1f}%"


def report_generate(klass: TrainingClass) -> dict[str, Any]:
    """The report's figures and trainee list, from the class's records as they are now."""
    plan = klass.plan
    enrolments = list(
        Enrolment.objects.filter(klass=klass).select_related("trainee").order_by("trainee__name", "pk")
    )
    issued = enrolment_certificates([e.pk for e in enrolments])
    counts = {s: 0 for s in Enrolment.Status.values}
    offline = online = 0
    trainees = []
    certificates = 0
    for e in enrolments:
        counts[e.status] += 1
        cert = issued.get(e.pk)
        if e.status != Enrolment.Status.WITHDRAWN:
            offline += e.offline_minutes
            online += e.online_minutes
        if cert is not None:
            certificates += 1
        trainees.append(
            {
                "enrolment_id": e.pk,
                "name": e.trainee.name,
                "id_number": mask_id_number(e.trainee.id_number),
                "status": e.status,
                "status_label": e.get_status_display(),
                "offline_hours": _hours(e.offline_minutes),
                "online_hours": _hours(e.online_minutes),
                "score": None if e.exam_score is None else str(e.exam_score),
                "certificate": cert["number"] if cert else "",
            }
        )
    examined = counts["completed"] + counts["failed"]
    return {
        "generated_at": timezone.now().isoformat(),
        "class": {
            "number": klass.number,
            "title": klass.title,
            "institution": plan.institution.name,
            "region": klass.region_id,
            "starts_on": klass.starts_on.isoformat(),
            "ends_on": klass.ends_on.isoformat(),
            "completed_at": klass.completed_at.isoformat() if klass.completed_at else None,
            "plan": plan.number,
            "occupation": plan.occupation_name,
            "level": plan.level,
            "plan_hours": plan.total_hours,
        },
        "enrolled": len(enrolments),
        "completed": counts["completed"],
        "failed": counts["failed"],
        "withdrawn": counts["withdrawn"],
        "in_training": counts["enrolled"],
        "certificates": certificates,
        "hours": {"offline": _hours(offline), "online": _hours(online), "total": _hours(offline + online)},
        "pass_rate": _ratio(counts["completed"], examined),
        "online_share": _ratio(online, offline + online),
        "pass_rate_pct": _percent(counts["completed"], examined),
        "online_share_pct": _percent(online, offline + online),
        "trainees": trainees,
    }


def report_create(
    klass: TrainingClass, *, due_on: dt.date | None, decision: Decision | None, actor: Any = None
) -> TrainingReport:
    """Called inside class completion: the report of the class, with its deadline (or none)."""
    summary = report_generate(klass)
    summary["deadline_note"] = (
        f"应于 {due_on.isoformat()} 前报送（TRN-6）" if due_on else "政策配置未设定报送期限（TRN-6）"
    )
    report, created = TrainingReport.objects.update_or_create(
        klass=klass, defaults={"due_on": due_on, "summary": summary, "decision": decision}
    )
    if created:
        REPORT_FLOW.created(
            report, actor=actor, after={"klass": klass.pk, "due_on": due_on.isoformat() if due_on else None}
        )
    return report


def is_overdue(report: TrainingReport, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        report.status == TrainingReport.Status.DRAFT and report.due_on is not None and today > report.due_on
    )


def is_late(report: TrainingReport) -> bool:
    return bool((report.summary or {}).get("submission", {}).get("late"))


def report_submit(*, actor, report: TrainingReport, narrative: str) -> TrainingReport:
    """The institution submits the report to the province and the city (TRN-6). Late is allowed and
    marked: the stored Decision has the deadline check failed, with how many days late."""
    institution_id = report.klass.plan.institution_id
    require(actor, "training.manage", org_id=institution_id)
    narrative = clean_reason(narrative, label="培训情况说明", max_length=NARRATIVE_MAX, field="narrative")
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            TrainingReport.objects.select_for_update(of=("self",))
            .select_related("klass__plan__institution")
            .get(pk=report.pk)
        )
        if locked.status != TrainingReport.Status.DRAFT:
            raise Conflict("该培训情况报告已报送", code="report_submitted")
        days_late = (today - locked.due_on).days if locked.due_on and today > locked.due_on else 0
        facts = {
            "due_on": locked.due_on.isoformat() if locked.due_on else None,
            "submitted_on": today.isoformat(),
        }
        if locked.due_on is None:
            check = Check("TRN-6", True, "政策配置未设定报送期限", facts, SOURCE)
        elif days_late:
            check = Check(
                "TRN-6",
                False,
                f"逾期 {days_late} 日报送（期限 {locked.due_on}）",
                {**facts, "days_late": days_late},
                SOURCE,
            )
        else:
            check = Check("TRN-6", True, f"在期限 {locked.due_on} 内报送", facts, SOURCE)
        decision = Decision.record(
            "training.trainingreport",
            locked.pk,
            kind="report_submission",
            outcome="late" if days_late else "on_time",
            checks=[check],
        )
        summary = report_generate(locked.klass)
        summary["deadline_note"] = (locked.summary or {}).get("deadline_note", "")
        summary["submission"] = {
            "late": bool(days_late),
            "days_late": days_late,
            "submitted_on": today.isoformat(),
        }
        locked.summary = summary
        locked.narrative = narrative
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.decision = decision
        locked.save(
            update_fields=["summary", "narrative", "submitted_at", "submitted_by", "decision", "updated_at"]
        )
        REPORT_FLOW.transition(
            locked,
            TrainingReport.Status.SUBMITTED,
            actor=actor,
            reason="逾期报送" if days_late else "",
            locked=True,
            audit_extra={"late": bool(days_late), "days_late": days_late, "decision": decision.pk},
        )
    return locked


SUMMARY_ROWS = [
    ("班级编号", lambda s: s["class"]["number"]),
    ("班级名称", lambda s: s["class"]["title"]),
    ("培训机构", lambda s: s["class"]["institution"]),
    ("职业（工种）", lambda s: s["class"]["occupation"]),
    ("等级", lambda s: s["class"]["level"]),
    ("计划学时", lambda s: s["class"]["plan_hours"]),
    ("入班人数", lambda s: s["enrolled"]),
    ("结业人数", lambda s: s["completed"]),
    ("未通过人数", lambda s: s["failed"]),
    ("退训人数", lambda s: s["withdrawn"]),
    ("发证人数", lambda s: s["certificates"]),
    ("线下学时合计", lambda s: s["hours"]["offline"]),
    ("线上学时合计", lambda s: s["hours"]["online"]),
    ("合格率", lambda s: s.get("pass_rate_pct") or s["pass_rate"] or "—"),
    ("线上学时占比", lambda s: s.get("online_share_pct") or s["online_share"] or "—"),
]


def report_export(*, actor, report: TrainingReport) -> bytes:
    """The report and its trainee list as an xlsx (two sheets), for whoever may read the report."""
    report = report_get_for(actor, report.pk)
    summary = report.summary or report_generate(report.klass)
    writer = XlsxWriter()
    ws = writer.sheet("培训情况")
    ws.widths([16, 60])
    for label, get in SUMMARY_ROWS:
        ws.append([label, get(summary)])
    ws.append(["报送期限", report.due_on.isoformat() if report.due_on else "政策配置未设定"])
    ws.append(["报送状态", report.get_status_display() + ("（逾期）" if is_late(report) else "")])
    ws.append(["培训情况说明", report.narrative])
    names = writer.sheet("学员名单")
    names.append(
        ["序号", "姓名", "身份证号码", "状态", "线下学时", "线上学时", "结业考核成绩", "证书编号"], bold=True
    )
    for i, t in enumerate(summary.get("trainees", []), 1):
        names.append(
            [i, t["name"], t["id_number"], t["status_label"], float(t["offline_hours"]), float(t["online_hours"]),
             None if t["score"] is None else float(t["score"]), t["certificate"]]
        )  # fmt: skip
    return writer.to_bytes()

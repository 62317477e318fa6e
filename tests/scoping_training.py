"""Training records of a Shenyang and a Dalian institution for the scoping walk: a filed plan, a running
class with a session, an attendance, an anomaly and a roster import, a completed class with a
certificate and its report, one trainee per city with an enrolment in each class."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peiyu.core.crypto import blind_index
from peiyu.core.identifiers import id_with_check

PARAMS = (
    "plan_id",
    "class_id",
    "session_id",
    "attendance_id",
    "anomaly_id",
    "import_id",
    "trainee_id",
    "enrolment_id",
    "certificate_id",
    "report_id",
)
OWNERS = {
    "plan_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "class_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "session_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "attendance_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "anomaly_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "import_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "trainee_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "enrolment_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "certificate_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "report_id": {"shenyang": "sy_official", "dalian": "dl_official"},
}
PAGE_RECORDS = {
    "training/plans/<int:pk>/": "plan_id",
    "training/plans/<int:plan_pk>/": "plan_id",
    "training/classes/<int:pk>/": "class_id",
    "training/sessions/<int:pk>/": "session_id",
    "training/anomalies/<int:pk>/": "anomaly_id",
    "training/roster-imports/<int:pk>/": "import_id",
    "training/trainees/<int:pk>/": "trainee_id",
    "training/enrolments/<int:pk>/": "enrolment_id",
    "training/my/enrolments/<int:pk>/": "enrolment_id",
    # a moved training certificate's old addresses (ADR 0007 §4): the page redirects, the PDF is served
    "training/certificates/<int:legacy_id>": "certificate_id",
    "training/reports/<int:pk>/": "report_id",
}
PAGE_SUBRECORDS = {"<int:plan_pk>": "plan_id", "<int:legacy_id>": "certificate_id"}


def records(world, listings: dict[str, int]) -> dict[str, dict[str, int]]:
    """`listings`: the walk's training listing of each city (dte, 人工智能工程技术人员, 初级)."""
    from peiyu.certificates.models import Certificate
    from peiyu.institutions.models import Listing
    from peiyu.training.models import (
        Anomaly,
        Attendance,
        Enrolment,
        RosterImport,
        Trainee,
        TrainingClass,
        TrainingPlan,
        TrainingReport,
        TrainingSession,
    )

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    today = timezone.localdate()
    now = timezone.now()
    for n, (city, org_key) in enumerate((("shenyang", "inst_sy"), ("dalian", "inst_dl"))):
        org = world.orgs[org_key]
        listing = Listing.objects.get(pk=listings[city])
        plan = TrainingPlan.objects.create(
            number=f"TPWALK{city}", institution=org, listing=listing, programme="dte",
            occupation_code=listing.occupation_code, occupation_name=listing.occupation_name, level="初级",
            region_id=org.region_id, title="walk", hours_offline=16, hours_theory=16,
            starts_on=today, ends_on=today + dt.timedelta(days=60), status="filed", filed_at=now,
        )  # fmt: skip
        running, completed = (
            TrainingClass.objects.create(
                number=f"TCWALK{city}{status}",
                plan=plan,
                title="walk",
                region_id=org.region_id,
                capacity=10,
                starts_on=today,
                ends_on=today + dt.timedelta(days=30),
                status=status,
                announcement="walk",
                exam_conditions="walk",
            )
            for status in ("running", "completed")
        )
        number = id_with_check(f"21010219900101{n:03d}")
        trainee = Trainee.objects.create(
            name=f"走查{n}", id_number=number, id_index=blind_index(number, "person_id_number"), sex="M",
            birth_date=dt.date(1990, 1, 1),
        )  # fmt: skip
        enrolment = Enrolment.objects.create(klass=running, trainee=trainee, source="institution")
        done = Enrolment.objects.create(
            klass=completed, trainee=trainee, source="institution", status="completed"
        )
        session = TrainingSession.objects.create(
            klass=running, topic="walk", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1),
            qr_token=f"walk-{city}",
        )  # fmt: skip
        out["plan_id"][city] = plan.pk
        out["class_id"][city] = running.pk
        out["session_id"][city] = session.pk
        out["attendance_id"][city] = Attendance.objects.create(
            session=session, enrolment=enrolment, check_in_at=now, method="staff"
        ).pk
        out["anomaly_id"][city] = Anomaly.objects.create(
            klass=running, kind="outside_session", key=f"walk-{city}", session=session, trainee=trainee
        ).pk
        out["import_id"][city] = RosterImport.objects.create(
            klass=running, filename="walk.csv", sha256="0" * 64, content=b"", mode="valid", status="done"
        ).pk
        out["trainee_id"][city] = trainee.pk
        out["enrolment_id"][city] = done.pk
        legacy_id = 900 + n  # the id it had as a training.TrainingCertificate
        Certificate.objects.create(
            kind="training", number=f"PXWALK{city}", verify_token=f"walk-{city}", holder=trainee,
            holder_name=trainee.name, holder_id_index=trainee.id_index, institution=org, issuer_name=org.name,
            region_code=completed.region_id, programme="dte", occupation_code=plan.occupation_code,
            occupation_name=plan.occupation_name, level="初级", issued_on=today, source_kind="enrolment",
            source_id=done.pk, details={"hours": 16, "ce_hours": 16, "ce_year": today.year, "legacy_id": legacy_id},
        )  # fmt: skip
        out["certificate_id"][city] = legacy_id
        out["report_id"][city] = TrainingReport.objects.create(klass=completed).pk
    return out


def _now(w, c):
    return timezone.now().isoformat()


BODIES = {
    ("patch", "/api/v1/training/plans/{plan_id}"): lambda w, c: {"title": "x"},
    ("post", "/api/v1/training/plans/{plan_id}/withdraw"): lambda w, c: {"reason": "x"},
    ("patch", "/api/v1/training/classes/{class_id}"): lambda w, c: {
        "title": "x",
        "capacity": 1,
        "starts_on": "2026-01-01",
        "ends_on": "2026-01-02",
    },
    ("post", "/api/v1/training/classes/{class_id}/opening/decide"): lambda w, c: {"approve": True},
    ("post", "/api/v1/training/classes/{class_id}/cancel"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/training/classes/{class_id}/inspections"): lambda w, c: {
        "kind": "process",
        "result": "passed",
    },
    ("post", "/api/v1/training/classes/{class_id}/scores"): lambda w, c: {"scores": {"1": "80"}},
    ("post", "/api/v1/training/classes/{class_id}/complete"): lambda w, c: {},
    ("post", "/api/v1/training/classes/{class_id}/enrolments"): lambda w, c: {"trainee_id": 1},
    ("post", "/api/v1/training/classes/{class_id}/roster-imports"): lambda w, c: (
        "multipart",
        {"mode": "valid", "file": _csv()},
    ),
    ("post", "/api/v1/training/classes/{class_id}/sessions"): lambda w, c: {
        "topic": "x",
        "starts_at": _now(w, c),
        "ends_at": _now(w, c),
    },
    ("post", "/api/v1/training/sessions/{session_id}/attendance"): lambda w, c: {"enrolment_id": 1},
    ("post", "/api/v1/training/attendance/{attendance_id}/check-out"): lambda w, c: {},
    ("post", "/api/v1/training/anomalies/{anomaly_id}/resolve"): lambda w, c: {
        "status": "explained",
        "resolution": "x",
    },
    ("post", "/api/v1/training/reports/{report_id}/submit"): lambda w, c: {"narrative": "x"},
    ("post", "/api/v1/training/enrolments/{enrolment_id}/evaluation"): lambda w, c: {
        "content": 5,
        "teaching": 5,
        "organisation": 5,
        "overall": 5,
    },
}


def _csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("r.csv", "姓名,身份证号码\n".encode())

"""Training certificates move into the one certificates table (ADR 0007 §4, issue 14 point 1).

Every `training.TrainingCertificate` becomes a `certificates.Certificate` of kind training with the same
number and the same verification token (numbers and QR codes printed on paper stay good), the holder
(the trainee, with the name, masked ID number and ID blind index copied), the institution, the class's
region and the plan's programme, what it attests (occupation, direction, level, issue date; hours and
continuing-education hours and year, the class and the enrolment in `details`), its source (the
enrolment) and the issuing decision. A revoked certificate becomes invalidated: the date of its
revocation (from the workflow log) as `invalidated_on`, the reason and the moment in `details`. The old
row's id stays in `details["legacy_id"]` so `/training/certificates/<id>/` still finds it.

Moved certificates are not signed here (a migration has no signing key to hand): the `peiyu tick`
handler `certificates.training_moved_sign` signs them in chunks after migrate, and the PDF route signs
one that is still unsigned before rendering it (services/certificates_training.py). The audit trail
keeps the old events under their old object type (`training.trainingcertificate`).

Reversible while the training table exists: the reverse copies the moved rows back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

from peiyu.core.identifiers import mask_id_number

CHUNK = 500
OLD_TYPE = "training.trainingcertificate"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _revocations(TransitionLog, ids: list[int]) -> dict[int, dt.datetime]:
    rows = TransitionLog.objects.filter(
        subject_type=OLD_TYPE, subject_id__in=[str(i) for i in ids], to_status="revoked"
    ).values_list("subject_id", "at")
    return {int(subject_id): at for subject_id, at in rows}


def move(apps, schema_editor) -> None:
    TrainingCertificate = apps.get_model("training", "TrainingCertificate")
    Certificate = apps.get_model("certificates", "Certificate")
    TransitionLog = apps.get_model("core", "TransitionLog")
    old = TrainingCertificate.objects.select_related(
        "trainee", "institution", "enrolment__klass__plan"
    ).order_by("pk")
    last = 0
    while True:
        chunk = list(old.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        revoked_at = _revocations(TransitionLog, [c.pk for c in chunk if c.status == "revoked"])
        moved = []
        for c in chunk:
            klass = c.enrolment.klass
            details = {
                "hours": c.hours,
                "ce_hours": c.ce_hours,
                "ce_year": c.ce_year,
                "class": klass.number,
                "class_id": klass.pk,
                "enrolment": c.enrolment_id,
                "legacy_id": c.pk,
            }
            invalidated_on = None
            if c.status == "revoked":
                at = revoked_at.get(c.pk) or c.updated_at
                invalidated_on = at.astimezone(SHANGHAI).date()
                details["revoked_reason"] = c.revoked_reason
                details["revoked_at"] = at.isoformat()
            moved.append(
                Certificate(
                    kind="training",
                    number=c.number,
                    verify_token=c.verify_token,
                    status="invalidated" if c.status == "revoked" else "valid",
                    holder_id=c.trainee_id,
                    holder_name=c.holder_name,
                    holder_id_masked=mask_id_number(c.trainee.id_number),
                    holder_id_index=c.trainee.id_index,
                    institution_id=c.institution_id,
                    issuer_name=c.institution.name,
                    region_code=klass.region_id,
                    programme=klass.plan.programme,
                    occupation_code=c.occupation_code,
                    occupation_name=c.occupation_name,
                    direction=c.direction,
                    level=c.level,
                    issued_on=c.issued_on,
                    details=details,
                    source_kind="enrolment",
                    source_id=c.enrolment_id,
                    invalidated_on=invalidated_on,
                    decision_id=c.decision_id,
                    created_at=c.created_at,
                )
            )
        Certificate.objects.bulk_create(moved)


def move_back(apps, schema_editor) -> None:
    TrainingCertificate = apps.get_model("training", "TrainingCertificate")
    Certificate = apps.get_model("certificates", "Certificate")
    Enrolment = apps.get_model("training", "Enrolment")
    moved = Certificate.objects.filter(kind="training", source_kind="enrolment").order_by("pk")
    trainee_of = dict(
        Enrolment.objects.filter(pk__in=moved.values("source_id")).values_list("pk", "trainee_id")
    )
    back = []
    for c in moved:
        d = c.details or {}
        back.append(
            TrainingCertificate(
                id=d.get("legacy_id"),
                number=c.number,
                verify_token=c.verify_token,
                enrolment_id=c.source_id,
                trainee_id=trainee_of.get(c.source_id, c.holder_id),
                institution_id=c.institution_id,
                holder_name=c.holder_name,
                occupation_code=c.occupation_code,
                occupation_name=c.occupation_name,
                direction=c.direction,
                level=c.level,
                hours=d.get("hours", 0),
                ce_hours=d.get("ce_hours", 0),
                ce_year=d.get("ce_year", c.issued_on.year),
                issued_on=c.issued_on,
                status="valid" if c.status == "valid" else "revoked",
                revoked_reason=d.get("revoked_reason", ""),
                decision_id=c.decision_id,
            )
        )
    TrainingCertificate.objects.bulk_create(back)
    moved.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("training", "0006_roster_import_layout"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(move, move_back)]

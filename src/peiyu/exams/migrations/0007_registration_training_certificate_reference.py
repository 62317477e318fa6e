"""A registration forwarded by a training institution (003 §4(4)) no longer points at
`training.TrainingCertificate` (moved into the certificates app, ADR 0007 §4, certificates 0002): it
holds the enrolment and the certificate's number, which exams may keep without importing certificates;
the certificate's validity is read through training's extension point `enrolment.certificate`.
Existing rows are converted: the enrolment and the number of the certificate they pointed at."""

import django.db.models.deletion
from django.db import migrations, models


def convert(apps, schema_editor) -> None:
    Registration = apps.get_model("exams", "Registration")
    TrainingCertificate = apps.get_model("training", "TrainingCertificate")
    rows = Registration.objects.filter(training_certificate__isnull=False).values_list(
        "pk", "training_certificate_id"
    )
    certs = {
        c.pk: c
        for c in TrainingCertificate.objects.filter(pk__in=[cert_id for _pk, cert_id in rows]).only(
            "pk", "number", "enrolment_id"
        )
    }
    for pk, cert_id in rows:
        cert = certs[cert_id]
        Registration.objects.filter(pk=pk).update(
            training_enrolment_id=cert.enrolment_id, training_certificate_number=cert.number
        )


def convert_back(apps, schema_editor) -> None:
    Registration = apps.get_model("exams", "Registration")
    TrainingCertificate = apps.get_model("training", "TrainingCertificate")
    for reg in Registration.objects.exclude(training_certificate_number="").only(
        "pk", "training_certificate_number"
    ):
        cert = TrainingCertificate.objects.filter(number=reg.training_certificate_number).first()
        Registration.objects.filter(pk=reg.pk).update(training_certificate_id=cert.pk if cert else None)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_move_training_certificates"),
        ("exams", "0006_registration_routes_tickets_workforce"),
        ("training", "0006_roster_import_layout"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="training_certificate_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="培训合格证书编号"),
        ),
        migrations.AddField(
            model_name="registration",
            name="training_enrolment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="training.enrolment",
            ),
        ),
        migrations.RunPython(convert, convert_back),
        migrations.RemoveField(model_name="registration", name="training_certificate"),
    ]

"""Training certificates live in the certificates app (ADR 0007 §4): its migration 0002 copied every
row (numbers and verification tokens unchanged) and exams 0007 converted the registrations that
pointed at one; the training table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_move_training_certificates"),
        ("exams", "0007_registration_training_certificate_reference"),
        ("training", "0006_roster_import_layout"),
    ]

    operations = [migrations.DeleteModel(name="TrainingCertificate")]

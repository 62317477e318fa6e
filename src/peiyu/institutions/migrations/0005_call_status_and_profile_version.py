# Calls published by officials in the product (issue 12): a status (draft → published → closed, through
# institutions.flows.CALL_FLOW) in place of the `published` flag, the profile version a call was drafted
# under, when it was published and who drafted it. Calls published before keep being published.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def flag_to_status(apps, schema_editor):
    Call = apps.get_model("institutions", "Call")
    Call.objects.filter(published=True).update(status="published", published_at=models.F("updated_at"))


def status_to_flag(apps, schema_editor):
    Call = apps.get_model("institutions", "Call")
    Call.objects.filter(status__in=["published", "closed"]).update(published=True)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("institutions", "0004_catalog_keyword_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("published", "已发布"), ("closed", "已截止")],
                default="draft",
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="policy_version",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="政策配置版本"),
        ),
        migrations.AddField(
            model_name="call",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
        ),
        migrations.AddField(
            model_name="call",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="起草人",
            ),
        ),
        migrations.RunPython(flag_to_status, status_to_flag),
        migrations.RemoveField(model_name="call", name="published"),
        migrations.AddIndex(
            model_name="call",
            index=models.Index(fields=["status", "deadline"], name="call_status_deadline"),
        ),
    ]

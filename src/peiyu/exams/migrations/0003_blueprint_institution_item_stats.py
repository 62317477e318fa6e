import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_org_signup_status_reset_codes"),
        ("exams", "0002_seat_assignments"),
    ]

    operations = [
        migrations.AddField(
            model_name="blueprint",
            name="institution",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.org",
                verbose_name="所属评价机构",
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="stats",
            field=models.JSONField(blank=True, default=dict, verbose_name="分场次统计"),
        ),
    ]

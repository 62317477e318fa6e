# Sites: an accepted site changed since is marked to be reported again (EVL-1, EVL-9); archive records
# filed by the platform itself have no user (EVL-10).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0004_score_notice_numbers_passing_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="examsite",
            name="change_pending",
            field=models.BooleanField(default=False, verbose_name="变更待报送"),
        ),
        migrations.AlterField(
            model_name="archiverecord",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]

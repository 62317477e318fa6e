# Score notice numbers and its first-day setting, a re-marking's result before and after, and the
# passing list frozen as certificate data (issue 13 point 9, ADR 0011).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('exams', '0003_blueprint_institution_item_stats'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='scorenotice',
            name='number',
            field=models.CharField(max_length=32, unique=True, verbose_name='公示编号'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='scorenotice',
            name='counts_publication_day',
            field=models.BooleanField(default=False, verbose_name='发布当日计入公示期'),
        ),
        migrations.AddField(
            model_name='remark',
            name='result_before',
            field=models.CharField(blank=True, max_length=16, verbose_name='原结果'),
        ),
        migrations.AddField(
            model_name='remark',
            name='result_after',
            field=models.CharField(blank=True, max_length=16, verbose_name='复核后结果'),
        ),
        migrations.CreateModel(
            name='PassingList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rows', models.JSONField(default=list, verbose_name='合格名单')),
                ('count', models.PositiveIntegerField(default=0, verbose_name='合格人数')),
                ('digest', models.CharField(max_length=64, verbose_name='SM3 摘要')),
                ('exam_on', models.DateField(verbose_name='考核日期')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='生成时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.decision')),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='exams.scorenotice')),
                ('session', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='passing_list', to='exams.evaluationsession')),
            ],
            options={
                'verbose_name': '合格名单（证书数据）',
                'verbose_name_plural': '合格名单（证书数据）',
                'ordering': ['-created_at'],
            },
        ),
    ]

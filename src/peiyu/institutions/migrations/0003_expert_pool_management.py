# The expert pool managed in the product (issue 12): contact, specialty, disabling with a reason, the
# declared relations as their own rows (kind, unit, withdrawal on record) instead of a set of units and a
# list of credit codes, and the record of each xlsx import. Existing declarations move over as "other".

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import peiyu.core.fields


def declarations_to_relations(apps, schema_editor):
    Expert = apps.get_model("institutions", "Expert")
    ExpertRelation = apps.get_model("institutions", "ExpertRelation")
    Org = apps.get_model("accounts", "Org")
    rows = []
    for expert in Expert.objects.all().order_by("pk"):
        declared_by = expert.user_id or (
            apps.get_model("accounts", "User").objects.order_by("pk").values_list("pk", flat=True).first()
        )
        if declared_by is None:
            continue
        orgs = list(expert.conflicts.all())
        for org in orgs:
            rows.append(
                ExpertRelation(
                    expert=expert,
                    kind="other",
                    org=org,
                    uscc=org.uscc or "",
                    unit_name=org.name,
                    declared_by_id=declared_by,
                )
            )
        known = {o.uscc for o in orgs if o.uscc}
        for code in expert.conflict_usccs or []:
            code = str(code or "").strip().upper()
            if not code or code in known:
                continue
            org = Org.objects.filter(uscc=code).first()
            rows.append(
                ExpertRelation(
                    expert=expert,
                    kind="other",
                    org=org,
                    uscc=code,
                    unit_name=org.name if org else "",
                    declared_by_id=declared_by,
                )
            )
            known.add(code)
    ExpertRelation.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("institutions", "0002_listing_occupation_region_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="expert",
            name="specialty",
            field=models.CharField(blank=True, max_length=200, verbose_name="专业方向"),
        ),
        migrations.AddField(
            model_name="expert",
            name="phone",
            field=peiyu.core.fields.EncryptedTextField(blank=True, default="", verbose_name="手机号码"),
        ),
        migrations.AddField(
            model_name="expert",
            name="email",
            field=models.CharField(blank=True, max_length=254, verbose_name="电子邮箱"),
        ),
        migrations.AddField(
            model_name="expert",
            name="disabled_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="停用原因"),
        ),
        migrations.AddField(
            model_name="expert",
            name="declarations_confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="回避申报确认时间"),
        ),
        migrations.CreateModel(
            name="ExpertRelation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("former_employer", "曾在该单位任职"),
                            ("part_time", "在该单位兼职、担任顾问或董事监事"),
                            ("relative", "近亲属在该单位任职或持股"),
                            ("investment", "本人在该单位持股或出资"),
                            ("cooperation", "与该单位有合作、咨询或指导关系"),
                            ("other", "其他利害关系"),
                        ],
                        default="other",
                        max_length=24,
                        verbose_name="关系",
                    ),
                ),
                ("uscc", models.CharField(blank=True, max_length=18, verbose_name="统一社会信用代码")),
                ("unit_name", models.CharField(blank=True, max_length=200, verbose_name="单位名称")),
                ("ended_on", models.DateField(blank=True, null=True, verbose_name="关系结束日期")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="申报时间"),
                ),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="撤回时间")),
                ("withdraw_reason", models.CharField(blank=True, max_length=200, verbose_name="撤回原因")),
                (
                    "declared_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "expert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relations",
                        to="institutions.expert",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.org",
                        verbose_name="单位（平台内）",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "专家回避申报",
                "verbose_name_plural": "专家回避申报",
                "ordering": ["expert", "-created_at", "-id"],
                "indexes": [models.Index(fields=["expert", "withdrawn_at"], name="expert_relation_current")],
            },
        ),
        migrations.CreateModel(
            name="ExpertImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("filename", models.CharField(max_length=200, verbose_name="文件名")),
                ("sha256", models.CharField(max_length=64)),
                (
                    "mode",
                    models.CharField(
                        choices=[("all", "全部正确才导入"), ("valid", "只导入正确的行")],
                        max_length=8,
                        verbose_name="导入方式",
                    ),
                ),
                ("rows_total", models.PositiveIntegerField(default=0, verbose_name="数据行数")),
                ("created_count", models.PositiveIntegerField(default=0, verbose_name="新增专家")),
                ("errors", models.JSONField(default=list, verbose_name="有误的行")),
                ("written", models.BooleanField(default=False, verbose_name="已写入")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pool_owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.org"
                    ),
                ),
            ],
            options={
                "verbose_name": "专家导入",
                "verbose_name_plural": "专家导入",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RunPython(declarations_to_relations, migrations.RunPython.noop),
        migrations.RemoveField(model_name="expert", name="conflicts"),
        migrations.RemoveField(model_name="expert", name="conflict_usccs"),
    ]

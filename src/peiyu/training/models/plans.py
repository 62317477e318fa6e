"""Teachers and training plans (TRN-1, TRN-2): the teacher registry of an institution and the plans it files
with the province and the city, authorised by an active catalog listing for the occupation and level."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped


class TitleLevel(models.TextChoices):
    """A teacher's professional title or skill level, by how TRN-1 reads it (中级 or higher)."""

    NONE = "none", _("无职称或等级")
    JUNIOR = "junior", _("初级（含五级、四级）")
    INTERMEDIATE = "intermediate", _("中级（含三级）")
    SENIOR = "senior", _("高级（含二级、一级）")


class Teacher(TimeStamped):
    """A teacher (师资) of a training institution (TRN-1)."""

    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="teachers", verbose_name=_("机构")
    )
    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("身份证号码"))
    id_index = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("职称或职业技能等级"), max_length=100, blank=True)
    title_level = models.CharField(_("职称或等级层次"), max_length=16, choices=TitleLevel.choices)
    dual_qualified = models.BooleanField(_("双师型"), default=False)
    specialties = models.CharField(_("授课方向"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "id_index"], name="teacher_once_per_institution")
        ]
        ordering = ["institution", "name"]
        verbose_name = _("师资")
        verbose_name_plural = _("师资")

    def __str__(self) -> str:
        return self.name


class CertType(models.TextChoices):
    """Fujian's supervision by certificate type (TRN-12, 002 三)."""

    QUALIFICATION = "qualification", _("合格证类")
    CERTIFICATE = "certificate", _("职业资格证、职业技能等级证和专项能力证书类")
    INDUSTRY = "industry", _("行业急需紧缺技能人才培训")


class TrainingPlan(TimeStamped):
    """A training plan and scheme (培训计划和方案, TRN-2) for one occupation, direction and level."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FILED = "filed", _("已备案")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("计划编号"), max_length=32, unique=True)
    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="training_plans", verbose_name=_("培训机构")
    )
    listing = models.ForeignKey(
        "institutions.Listing",
        on_delete=models.PROTECT,
        related_name="training_plans",
        verbose_name=_("目录条目"),
    )
    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100)
    direction = models.CharField(_("职业方向"), max_length=100, blank=True)
    level = models.CharField(_("等级"), max_length=16)
    cert_type = models.CharField(
        _("证书类型"), max_length=16, choices=CertType.choices, default=CertType.CERTIFICATE
    )
    supervising_authority = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("行业主管部门"),
        help_text=_("行业急需紧缺技能人才培训项目由行业主管部门负责过程监管（TRN-12）"),
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("培训地区")
    )
    title = models.CharField(_("计划名称"), max_length=200)
    description = models.TextField(_("培训方案"), blank=True)
    hours_theory = models.PositiveIntegerField(_("理论学时"), default=0)
    hours_practice = models.PositiveIntegerField(_("实操学时"), default=0)
    hours_online = models.PositiveIntegerField(_("线上学时"), default=0)
    hours_offline = models.PositiveIntegerField(_("线下学时"), default=0)
    fee = models.DecimalField(_("培训费（元/人）"), max_digits=10, decimal_places=2, default=0)
    makeup_fee = models.DecimalField(_("补学费用（元/人）"), max_digits=10, decimal_places=2, default=0)
    exam_fee = models.DecimalField(_("补考费用（元/人）"), max_digits=10, decimal_places=2, default=0)
    refund_terms = models.TextField(_("退费流程"), blank=True)
    makeup_terms = models.TextField(_("补学补考安排"), blank=True)
    starts_on = models.DateField(_("计划开始日期"))
    ends_on = models.DateField(_("计划结束日期"))
    schedule = models.TextField(_("培训安排"), blank=True)
    evaluation_institution = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("商定的评价机构"),
    )
    exam_plan = models.TextField(_("考核计划和方案"), blank=True)
    teachers = models.ManyToManyField(Teacher, related_name="plans", blank=True, verbose_name=_("师资"))
    commitment = models.BooleanField(_("已作出承诺"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["institution", "status"]),
        ]
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def total_hours(self) -> int:
        return self.hours_online + self.hours_offline

"""Classes (TRN-3, TRN-12): a class run under a filed plan with its public announcement, and the
supervision steps officials record on it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .plans import TrainingPlan


class TrainingClass(TimeStamped):
    """A class (培训班) run under a filed plan; its announcement is public once published (TRN-3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        ANNOUNCED = "announced", _("招生中")
        OPENING = "opening", _("开班待审")
        RUNNING = "running", _("培训中")
        COMPLETED = "completed", _("已结业")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("班级编号"), max_length=32, unique=True)
    plan = models.ForeignKey(TrainingPlan, on_delete=models.PROTECT, related_name="classes")
    title = models.CharField(_("班级名称"), max_length=200)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("培训地区")
    )
    venue = models.CharField(_("培训地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("招生人数"), default=0)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    announcement = models.TextField(_("招生简章"), blank=True)
    exam_conditions = models.TextField(_("考核申报条件"), blank=True)
    announced_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    online_platform = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_classes",
        verbose_name=_("线上培训平台"),
        help_text=_("只接受该平台推送的本班线上学习记录（TRN-4）"),
    )
    # TRN-12 (合格证类): class-opening application decided by the city bureau
    opening_requested_at = models.DateTimeField(_("开班申请时间"), null=True, blank=True)
    opening_decided_at = models.DateTimeField(_("开班审核时间"), null=True, blank=True)
    opening_decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opening_note = models.TextField(_("开班审核意见"), blank=True)
    started_at = models.DateTimeField(_("开班时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    cancelled_reason = models.TextField(_("取消原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "number"]
        indexes = [models.Index(fields=["region", "status"])]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Inspection(TimeStamped):
    """A supervision step of TRN-12 recorded by an official: the process inspection of a 合格证 class,
    the certificate check of a certificate or industry-led class."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("过程检查")
        CERTIFICATE = "certificate", _("证书核验")

    class Result(models.TextChoices):
        PASSED = "passed", _("符合要求")
        ISSUES = "issues", _("发现问题")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(_("环节"), max_length=16, choices=Kind.choices)
    inspected_on = models.DateField(_("检查日期"))
    result = models.CharField(_("结论"), max_length=16, choices=Result.choices)
    findings = models.TextField(_("检查情况"), blank=True)
    inspector = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on"]
        verbose_name = _("培训监管检查")
        verbose_name_plural = _("培训监管检查")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id

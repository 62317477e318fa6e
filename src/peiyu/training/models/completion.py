"""Completion (TRN-6, TRN-7, TRN-12): training certificates, the training report of a completed class, and
the trainees' evaluations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .classes import TrainingClass
from .trainees import Enrolment, Trainee


class TrainingCertificate(TimeStamped):
    """A training certificate (培训合格证书, TRN-6) of the unified format, counting as that year's
    continuing-education hours (TRN-7). Public verification by number or QR token."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    verify_token = models.CharField(max_length=43, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="training_certificates")
    institution = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("姓名"), max_length=64)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100)
    direction = models.CharField(_("职业方向"), max_length=100, blank=True)
    level = models.CharField(_("等级"), max_length=16)
    hours = models.PositiveIntegerField(_("培训学时"))
    ce_hours = models.PositiveIntegerField(_("计入继续教育学时"))
    ce_year = models.PositiveIntegerField(_("继续教育年度"))
    issued_on = models.DateField(_("发证日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("培训合格证书")
        verbose_name_plural = _("培训合格证书")

    def __str__(self) -> str:
        return self.number

    def audit_region_code(self) -> str:
        """The audit stream of the certificate is its class's region."""
        return self.enrolment.klass.region_id


class TrainingReport(TimeStamped):
    """The trainee list and training report of a completed class, sent to the province and the city
    (TRN-6) within `training_report_days` where the profile sets it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待报送")
        SUBMITTED = "submitted", _("已报送")

    klass = models.OneToOneField(TrainingClass, on_delete=models.PROTECT, related_name="report")
    due_on = models.DateField(_("报送期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary = models.JSONField(_("培训情况"), default=dict)
    narrative = models.TextField(_("培训情况说明"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("培训情况报告")
        verbose_name_plural = _("培训情况报告")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class TraineeEvaluation(TimeStamped):
    """A trainee's evaluation of the training (学员评价, TRN-12), seen by the supervising bureau."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="evaluation")
    content = models.PositiveSmallIntegerField(_("培训内容"))
    teaching = models.PositiveSmallIntegerField(_("师资授课"))
    organisation = models.PositiveSmallIntegerField(_("组织管理"))
    overall = models.PositiveSmallIntegerField(_("总体满意度"))
    fees_as_published = models.BooleanField(_("收费与公布一致"), default=True)
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = _("学员评价")
        verbose_name_plural = _("学员评价")

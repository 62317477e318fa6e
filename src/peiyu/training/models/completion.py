"""Completion (TRN-6, TRN-7, TRN-12): the training report of a completed class and the trainees'
evaluations. Training certificates are kept by the certificates app (ADR 0007 §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .classes import TrainingClass
from .trainees import Enrolment


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

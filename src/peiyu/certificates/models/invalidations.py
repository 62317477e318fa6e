"""Invalidation (CRT-7, SUP-8): an official's finding that a score or certificate is invalid, wholly or
the score only, after the issuing institution has stated the facts (seed 001 Art. 29; 002 §4). The
statement is recorded before the decision; the decision stores its rule ids and the profile version,
and takes effect at once in verification, the status list and the holder's view."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .certificates import Certificate


class Invalidation(TimeStamped):
    class Cause(models.TextChoices):
        LAX_ELIGIBILITY = "lax_eligibility", _("资格审核不严")
        CHEATING = "cheating", _("考试作弊")
        IRREGULAR_GRADING = "irregular_grading", _("评分不规范")
        LEAKED_QUESTIONS = "leaked_questions", _("泄露试题")
        FORGED_MATERIALS = "forged_materials", _("伪造材料")
        OTHER = "other", _("其他原因")

    class Scope(models.TextChoices):
        CERTIFICATE = "certificate", _("证书无效")
        SCORE = "score", _("成绩无效")

    class Status(models.TextChoices):
        OPENED = "opened", _("待机构说明情况")
        STATED = "stated", _("机构已说明，待决定")
        DECIDED = "decided", _("已宣布无效")
        DISMISSED = "dismissed", _("不予认定")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="invalidations")
    cause = models.CharField(_("原因类别"), max_length=24, choices=Cause.choices)
    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices, default=Scope.CERTIFICATE)
    finding = models.TextField(_("查实情况"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPENED)
    statement_due = models.DateField(_("说明期限"), null=True, blank=True)
    statement = models.TextField(_("机构情况说明"), blank=True)
    stated_at = models.DateTimeField(_("说明时间"), null=True, blank=True)
    stated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    dismissal_reason = models.TextField(_("不予认定理由"), blank=True)
    opened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("证书（成绩）无效认定")
        verbose_name_plural = _("证书（成绩）无效认定")

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.cause}"

    def audit_region_code(self) -> str:
        return self.certificate.region_code

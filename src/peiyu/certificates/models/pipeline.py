"""The issuance pipeline (CRT-3, SEC-2): a session's passing list becomes one batch of certificate data.

DTE (the profile's `certificate_route` "province_cg"): the evaluation institution submits the data and
the exam report to the province within `cert_submit_days` after the exam; the province reviews and
confirms within `province_confirm_working_days` PRC working days and forwards to the coordination group
office; after its approval the institution issues within `cert_issue_days`. Skill certificates (route
"institution_city"): the filed institution issues, then reports the data to the city. Each deadline is
stored when its step starts. Returns carry a reason; a reviewer may return some candidates and approve
the rest (each entry has its own status). Nothing is issued from an entry that skipped a step."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .certificates import Certificate


class IssuanceBatch(TimeStamped):
    class Route(models.TextChoices):
        PROVINCE_CG = "province_cg", _("省级确认后报协调小组办公室审核")
        INSTITUTION_CITY = "institution_city", _("评价机构发证并报市级备案")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待报送")
        SUBMITTED = "submitted", _("已报送省级")
        RETURNED = "returned", _("已退回")
        CONFIRMED = "confirmed", _("省级已确认")
        FORWARDED = "forwarded", _("已转报协调小组办公室")
        APPROVED = "approved", _("已审核通过")
        ISSUING = "issuing", _("发证中")
        ISSUED = "issued", _("已发证")
        REPORTED = "reported", _("已报市级")

    number = models.CharField(_("报送编号"), max_length=32, unique=True)
    session = models.ForeignKey("exams.EvaluationSession", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("地区"), max_length=6, db_index=True)
    programme = models.CharField(_("项目"), max_length=16)
    kind = models.CharField(_("证书类别"), max_length=16, choices=Certificate.Kind.choices)
    route = models.CharField(_("流程"), max_length=24, choices=Route.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    profile_name = models.CharField(max_length=64)
    profile_version = models.PositiveIntegerField(default=1)
    # the frozen passing list it was built from (exams.selectors.scores.passing_list_for)
    passing_list_digest = models.CharField(max_length=64)
    exam_on = models.DateField(_("考核日期"))
    exam_report = models.TextField(_("考核情况报告"), blank=True)

    submit_due = models.DateField(_("报送期限"), null=True, blank=True)
    confirm_due = models.DateField(_("省级确认期限"), null=True, blank=True)
    issue_due = models.DateField(_("发证期限"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("转报时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("发证时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报市级时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    # background issuance (point 10): how far it has come
    total = models.PositiveIntegerField(_("证书数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    job_error = models.TextField(blank=True)

    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "region_code"])]
        verbose_name = _("证书数据报送")
        verbose_name_plural = _("证书数据报送")

    def __str__(self) -> str:
        return self.number

    def audit_region_code(self) -> str:
        return self.region_code


class BatchEntry(models.Model):
    """One candidate of a batch: the passing-list row as submitted, its own status (a reviewer may return
    some and approve the rest), the certificate once issued."""

    class Status(models.TextChoices):
        INCLUDED = "included", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("审核通过")
        ISSUED = "issued", _("已发证")
        WITHDRAWN = "withdrawn", _("已撤回")

    batch = models.ForeignKey(IssuanceBatch, on_delete=models.PROTECT, related_name="entries")
    registration_id = models.BigIntegerField()
    holder = models.ForeignKey("training.Trainee", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("姓名"), max_length=64)
    row = models.JSONField(_("证书数据"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.INCLUDED)
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_by_level = models.CharField(_("退回单位"), max_length=16, blank=True)
    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="entry"
    )

    class Meta:
        ordering = ["batch_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "registration_id"], name="one_entry_per_registration"),
        ]
        verbose_name = _("证书数据")
        verbose_name_plural = _("证书数据")

    def __str__(self) -> str:
        return self.holder_name

    def audit_region_code(self) -> str:
        return self.batch.region_code

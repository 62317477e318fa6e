"""The computer-based theory exam (EVL-6 "智能化上机考试"): an attempt per admitted candidate — identity
checked at the start, the timer kept by the server (deadline_at), every answer autosaved (answers on the
attempt, with a revision number against lost updates), bound to one device unless the proctor approves a
resumption on another, leaving the page counted, submitted by the candidate or automatically at the end.
Objective items scored automatically; subjective ones marked by two examiners, a third when they differ
beyond the set margin (Marking). Incidents recorded with reason codes and reported (EVL-11)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .papers import Paper
from .registrations import Registration
from .sessions import EvaluationSession, Sitting


class Attempt(TimeStamped):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未开始")
        IN_PROGRESS = "in_progress", _("作答中")
        SUSPENDED = "suspended", _("待监考确认续考")
        SUBMITTED = "submitted", _("已交卷")
        AUTO_SUBMITTED = "auto_submitted", _("到时自动交卷")
        VOIDED = "voided", _("作废")

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="attempt")
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attempts")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="attempts")
    shuffle_seed = models.CharField(_("乱序种子"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    started_at = models.DateTimeField(_("开始作答"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("交卷截止"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近活动"), null=True, blank=True)
    device_token = models.CharField(max_length=64, blank=True)  # digest of the bound device's secret
    devices = models.PositiveSmallIntegerField(_("使用终端数"), default=0)
    leaves = models.PositiveIntegerField(_("离开页面次数"), default=0)
    # {position: response} in the paper's order; revision bumps on every save
    answers = models.JSONField(_("作答"), default=dict)
    revision = models.PositiveIntegerField(default=0)
    objective_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    subjective_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sitting", "status"])]
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")

    def audit_region_code(self) -> str:
        return self.sitting.session.region_code


class AttemptEvent(models.Model):
    """What happened in an attempt that the proctor and the archive need: start, identity check, left
    the page, came back, resumed on a device, submitted."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["attempt", "at"]
        indexes = [models.Index(fields=["attempt", "kind"])]

    def __str__(self) -> str:
        return str(f"{self.attempt_id} {self.kind}")


class ResumeRequest(TimeStamped):
    """A candidate asks to go on on another computer; the proctor approves or refuses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待监考确认")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("未同意")

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="resume_requests")
    reason = models.CharField(_("原因"), max_length=200)
    device_token = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("续考申请")
        verbose_name_plural = _("续考申请")

    def audit_region_code(self) -> str:
        return self.attempt.sitting.session.region_code


class Marking(models.Model):
    """An examiner's mark of a subjective item of an attempt (two per item; a third when the two differ
    by more than the margin)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="markings")
    position = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField(default=1)  # 1, 2; 3 = arbitration
    examiner = models.ForeignKey("exams.Examiner", on_delete=models.PROTECT, related_name="markings")
    score = models.DecimalField(max_digits=5, decimal_places=1)
    comment = models.CharField(max_length=300, blank=True)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt", "position", "round"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position", "round"], name="marking_once_per_round"),
            models.UniqueConstraint(
                fields=["attempt", "position", "examiner"], name="marking_once_per_examiner"
            ),
        ]

    def __str__(self) -> str:
        return str(f"{self.attempt_id}#{self.position} r{self.round}")


class Incident(TimeStamped):
    """An exam incident (EVL-11): a discipline breach, a leak, a device or power failure …, recorded with
    its reason code and reported to the local HRSS bureau, the industry authority and, for DTE, the
    coordination group, each with a deadline on its to-do list."""

    class Reason(models.TextChoices):
        CHEATING = "cheating", _("违纪作弊")
        IMPERSONATION = "impersonation", _("替考")
        LEAK = "leak", _("试题泄露")
        DEVICE = "device", _("设备故障")
        POWER_NETWORK = "power_network", _("断电断网")
        LATE = "late", _("迟到")
        HEALTH = "health", _("身体不适")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("已记录")
        REPORTED = "reported", _("已报告")
        CLOSED = "closed", _("已处理")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="incidents")
    sitting = models.ForeignKey(
        Sitting, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    reason = models.CharField(_("事由"), max_length=16, choices=Reason.choices)
    description = models.TextField(_("经过"))
    severe = models.BooleanField(_("须报告（违纪、泄密等）"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECORDED)
    occurred_at = models.DateTimeField(_("发生时间"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # [{"org": id, "kind": "hrss_city"|"industry_authority"|"coordination_group", "due_on": date,
    #   "acknowledged_at": …}]
    reports = models.JSONField(_("报告对象"), default=list)
    report_due_on = models.DateField(_("报告期限"), null=True, blank=True)
    handling = models.TextField(_("处理情况"), blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("考务事件")
        verbose_name_plural = _("考务事件")

    def audit_region_code(self) -> str:
        return self.session.region_code

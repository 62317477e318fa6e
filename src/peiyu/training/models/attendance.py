"""Sessions, attendance and anomalies (TRN-5): a class's sessions with the QR check-in, each trainee's
attendance, and the anomalies found in them with their evidence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .classes import TrainingClass
from .online import OnlineBatch
from .plans import Teacher
from .trainees import Enrolment, Trainee


class TrainingSession(TimeStamped):
    """One session (课次) of a class: offline in a room or online; offline sessions carry a QR token
    the trainee scans to check in (TRN-5)."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下")
        ONLINE = "online", _("线上")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="sessions")
    topic = models.CharField(_("课程内容"), max_length=200)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    kind = models.CharField(
        _("类别"), max_length=16, choices=[("theory", _("理论")), ("practice", _("实操"))], default="theory"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    teacher = models.ForeignKey(
        Teacher, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    qr_token = models.CharField(max_length=43, unique=True, editable=False)

    class Meta:
        ordering = ["klass", "starts_at"]
        indexes = [models.Index(fields=["klass", "starts_at"])]
        verbose_name = _("课次")
        verbose_name_plural = _("课次")

    def __str__(self) -> str:
        return f"{self.topic} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return max(0, int((self.ends_at - self.starts_at).total_seconds() // 60))


class Attendance(TimeStamped):
    """A trainee's offline attendance at one session: check-in and check-out, by whom and from which
    device (TRN-5). Minutes count only the part inside the session."""

    class Method(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        QR = "qr", _("学员扫码")

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    check_in_at = models.DateTimeField(_("签到时间"))
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    device = models.CharField(_("设备标识（摘要）"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    minutes = models.PositiveIntegerField(_("计入学时（分钟）"), default=0)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session")
        ]
        indexes = [models.Index(fields=["session", "device"])]
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")


class Anomaly(TimeStamped):
    """An attendance anomaly with its evidence (TRN-5): one person in overlapping classes, a check-in
    outside the session, one device checking in many trainees. An official or the institution
    explains or confirms it."""

    class Kind(models.TextChoices):
        OVERLAP = "overlap", _("同一学员同时段在多个班")
        OUTSIDE_SESSION = "outside_session", _("签到时间不在课次时间内")
        SHARED_DEVICE = "shared_device", _("同一设备为多名学员签到")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        EXPLAINED = "explained", _("已说明")
        CONFIRMED = "confirmed", _("确认异常")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="anomalies")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=128, help_text="kind-specific identity, so one fact is flagged once")
    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, null=True, blank=True, related_name="anomalies"
    )
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, null=True, blank=True, related_name="anomalies"
    )
    evidence = models.JSONField(_("证据"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("处理说明"), blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="anomaly_once")]
        indexes = [models.Index(fields=["klass", "status"])]
        ordering = ["-created_at"]
        verbose_name = _("考勤异常")
        verbose_name_plural = _("考勤异常")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class AnomalyScan(models.Model):
    """An online batch's records in one class, waiting to be checked for overlaps (TRN-5). Written in
    the batch's transaction; a task (`anomaly_scans_run`) checks every waiting batch of a class at once,
    outside the request where Celery has a broker, and deletes the rows it checked. Rows left waiting
    (a lost task) are checked by `peiyu tick`."""

    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(OnlineBatch, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["klass", "batch"], name="anomaly_scan_once")]
        verbose_name = _("待检查的学习记录批次")
        verbose_name_plural = _("待检查的学习记录批次")

    def __str__(self) -> str:
        return f"{self.klass_id}/{self.batch_id}"

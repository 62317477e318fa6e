"""Trainees and enrolments (TRN-8, TRN-13): real-name people, one per ID number (SM4-encrypted, found
through its keyed blind index), enrolled in classes one by one or by a roster import."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .classes import TrainingClass


class Trainee(TimeStamped):
    """A real-name trainee (学员, TRN-8, TRN-13): one person per ID number."""

    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("身份证号码"))
    id_index = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"))
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    education = models.CharField(_("学历"), max_length=32, blank=True)
    category = models.CharField(_("人员类别"), max_length=32, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainee",
        verbose_name=_("平台账号"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("学员")
        verbose_name_plural = _("学员")

    def __str__(self) -> str:
        return self.name


class PersonPhoto(models.Model):
    """A person's ID photo (证件照) for certificates and admission tickets: uploaded by the person,
    kept as a small JPEG without metadata (services.photos), SM4-encrypted as other personal data."""

    trainee = models.OneToOneField(Trainee, on_delete=models.PROTECT, related_name="photo")
    content = EncryptedTextField(_("照片"))  # base64 of the JPEG
    sha256 = models.CharField(max_length=64)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("证件照")
        verbose_name_plural = _("证件照")

    def __str__(self) -> str:
        return f"{self.trainee_id} {self.width}×{self.height}"


class Enrolment(TimeStamped):
    """A trainee in a class (报名/入班)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在训")
        WITHDRAWN = "withdrawn", _("已退训")
        COMPLETED = "completed", _("已结业")
        FAILED = "failed", _("未通过结业考核")

    class Source(models.TextChoices):
        INSTITUTION = "institution", _("机构录入")
        IMPORT = "import", _("花名册导入")
        SELF = "self", _("本人报名")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="enrolments")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ENROLLED)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    # attendance totals kept by the attendance services (TRN-5), in minutes
    offline_minutes = models.PositiveIntegerField(_("线下学习（分钟）"), default=0)
    online_minutes = models.PositiveIntegerField(_("线上学习（分钟）"), default=0)
    exam_score = models.DecimalField(_("结业考核成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("退训原因"), max_length=200, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["trainee", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "trainee"],
                condition=~Q(status="withdrawn"),
                name="enrolment_once_per_class",
            )
        ]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id


class RosterImport(TimeStamped):
    """One upload of a roster file into a class (TRN-13): what was asked, how far it got, what it did.
    The rows are parsed by rules.roster; a per-row error report (xlsx, Chinese) is kept with it."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("全部正确才导入")
        VALID_ONLY = "valid", _("只导入正确的行")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("未导入（有错误）")
        FAILED = "failed", _("失败")

    klass = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="roster_imports")
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(_("文件内容"), editable=False)
    mode = models.CharField(_("导入方式"), max_length=8, choices=Mode.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_trainees = models.PositiveIntegerField(_("新建学员"), default=0)
    existing_trainees = models.PositiveIntegerField(_("已有学员"), default=0)
    enrolled = models.PositiveIntegerField(_("新入班"), default=0)
    already_enrolled = models.PositiveIntegerField(_("已在本班"), default=0)
    rejected_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误明细（前若干条）"), default=list, blank=True)
    # where the table was found in the file (rules.roster_layout): the header's rows, the footer lines skipped
    header_rows = models.JSONField(_("表头所在行"), default=list, blank=True)
    footer_rows = models.JSONField(_("表尾说明所在行"), default=list, blank=True)
    error_report = models.BinaryField(_("错误报告（xlsx）"), null=True, blank=True, editable=False)
    message = models.TextField(_("说明"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")

    def audit_region_code(self) -> str:
        """The audit stream of the row is its class's region."""
        return self.klass.region_id

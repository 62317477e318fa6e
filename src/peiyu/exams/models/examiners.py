"""Examiners, quality supervisors and panels (EVL-3, EVL-6; seed 001 Art. 17(3-4), 20): the examiner
registry with licence, training record and integrity record; declared relations (employer, teaching,
personal) that recusal reads; practical and review panels of at least `examiner_panel_min` drawn at
random with a recorded seed, with a leader, rotated between consecutive batches by at least
`examiner_rotation_min`; internal supervisors (full-time staff) for every sitting and external ones
assigned by the bureau."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .sessions import EvaluationSession, Sitting


class Examiner(TimeStamped):
    """An examiner (考评员) of an evaluation institution."""

    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="examiners", verbose_name=_("所属评价机构")
    )
    user = models.OneToOneField(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="examiner"
    )
    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("身份证号码"))
    id_index = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    employer = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工作单位（平台内）"),
    )
    occupations = models.JSONField(_("考评职业（工种）"), default=list)  # occupation codes
    licence_number = models.CharField(_("考评员证书编号"), max_length=64)
    licence_level = models.CharField(_("考评等级"), max_length=16, blank=True)
    licence_valid_until = models.DateField(_("证书有效期至"))
    is_active = models.BooleanField(_("在册"), default=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "id_index"], name="examiner_once_per_institution")
        ]
        verbose_name = _("考评员")
        verbose_name_plural = _("考评员")

    def __str__(self) -> str:
        return self.name


class ExaminerTraining(models.Model):
    """A training an examiner attended (regular training, EVL-3)."""

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="trainings")
    trained_on = models.DateField(_("培训日期"))
    course = models.CharField(_("培训内容"), max_length=200)
    hours = models.PositiveSmallIntegerField(_("学时"), default=0)
    organiser = models.CharField(_("组织单位"), max_length=200, blank=True)

    class Meta:
        ordering = ["-trained_on"]
        verbose_name = _("考评员培训记录")
        verbose_name_plural = _("考评员培训记录")

    def __str__(self) -> str:
        return str(self.course)


class ExaminerIntegrity(models.Model):
    """An entry of an examiner's integrity record (诚信记录): a commendation or a breach."""

    class Kind(models.TextChoices):
        GOOD = "good", _("良好记录")
        BREACH = "breach", _("失信或违规")

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="integrity")
    recorded_on = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    note = models.TextField(_("情况"))
    bars_until = models.DateField(_("禁止参与考评至"), null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_on"]
        verbose_name = _("考评员诚信记录")
        verbose_name_plural = _("考评员诚信记录")

    def __str__(self) -> str:
        return str(f"{self.recorded_on} {self.get_kind_display()}")


class ExaminerRelation(models.Model):
    """A relation an examiner declared (or an official recorded) that recusal reads: employed by or
    teaching at an organisation, or a personal relation to a person (EVL-6)."""

    class Kind(models.TextChoices):
        EMPLOYED = "employed", _("任职")
        TEACHES = "teaches", _("授课")
        PERSONAL = "personal", _("亲属或其他利害关系")

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("关系"), max_length=16, choices=Kind.choices)
    org = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    org_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    person_index = models.CharField(max_length=64, blank=True, db_index=True)  # blind index of an ID number
    person_name = models.CharField(_("姓名"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        ordering = ["examiner", "kind"]
        verbose_name = _("考评员回避关系")
        verbose_name_plural = _("考评员回避关系")

    def __str__(self) -> str:
        return str(f"{self.get_kind_display()} {self.org_name or self.person_name}")


class Panel(TimeStamped):
    """A panel (考评组) of a session: practical assessment, comprehensive review or subjective marking.
    Drawn at random with a recorded seed; the draw's facts and rules are its Decision."""

    class Kind(models.TextChoices):
        PRACTICAL = "practical", _("技能操作考评组")
        REVIEW = "review", _("综合评审组")
        MARKING = "marking", _("主观题阅卷组")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="panels")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    seed = models.CharField(_("随机种子"), max_length=64)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["session", "kind", "-drawn_at"]
        verbose_name = _("考评组")
        verbose_name_plural = _("考评组")

    def audit_region_code(self) -> str:
        return self.session.region_code


class PanelMember(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("考评组长")
        MEMBER = "member", _("考评员")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="panel_seats")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["panel", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["panel", "examiner"], name="panel_member_once")]
        verbose_name = _("考评组成员")
        verbose_name_plural = _("考评组成员")

    def __str__(self) -> str:
        return str(f"{self.panel_id} {self.examiner_id}")


class QualitySupervisor(TimeStamped):
    """A quality supervisor (质量督导员): internal (full-time staff of the institution) or external
    (assigned by the bureau)."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("内部质量督导员")
        EXTERNAL = "external", _("外部质量督导员")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="quality_supervisors")
    name = models.CharField(_("姓名"), max_length=64)
    full_time = models.BooleanField(_("专职"), default=True)
    certificate_number = models.CharField(_("督导员证书编号"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["org", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "user", "kind"], name="supervisor_once")]
        verbose_name = _("质量督导员")
        verbose_name_plural = _("质量督导员")

    def __str__(self) -> str:
        return self.name


class SupervisionAssignment(TimeStamped):
    """A supervisor assigned to a sitting (逢考必督); the sitting starts only when an internal one is
    assigned and has checked in. External supervisors are assigned by the bureau."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="supervisions")
    supervisor = models.ForeignKey(QualitySupervisor, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    checked_in_at = models.DateTimeField(_("到岗时间"), null=True, blank=True)
    report = models.TextField(_("督导记录"), blank=True)
    reported_at = models.DateTimeField(_("提交督导记录时间"), null=True, blank=True)

    class Meta:
        ordering = ["sitting", "supervisor"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "supervisor"], name="supervision_once_per_sitting")
        ]
        verbose_name = _("督导安排")
        verbose_name_plural = _("督导安排")

    def audit_region_code(self) -> str:
        return self.sitting.session.region_code

"""Practical and review scores, the score notice and its objections (EVL-5, EVL-6, EVL-7): each panel
examiner scores each candidate (ScoreEntry), the panel leader confirms the panel's scores; the session's
results are released to each candidate and noticed publicly (names masked) for the profile's period in
working days; an objection gets a tracking number, and an accepted one leads to re-marking, recorded."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .examiners import Examiner, Panel
from .registrations import Registration
from .sessions import EvaluationSession


class ScoreEntry(models.Model):
    """One examiner's score of one candidate in the practical assessment or the comprehensive review,
    on 100 points, with the per-criterion marks of the practical set."""

    class Part(models.TextChoices):
        PRACTICAL = "practical", _("技能操作考核")
        REVIEW = "review", _("综合评审")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="score_entries")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="score_entries")
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="score_entries")
    part = models.CharField(_("科目"), max_length=16, choices=Part.choices)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    criteria = models.JSONField(_("评分细则得分"), default=dict)
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration", "part", "examiner"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "part", "examiner"], name="score_entry_once_per_examiner"
            )
        ]
        verbose_name = _("考评员评分")
        verbose_name_plural = _("考评员评分")

    def __str__(self) -> str:
        return str(f"{self.registration_id} {self.part} {self.score}")


class PanelConfirmation(models.Model):
    """The panel leader confirms the panel's scores (the leader answers for them, EVL-6)."""

    panel = models.OneToOneField(Panel, on_delete=models.PROTECT, related_name="confirmation")
    confirmed_by = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()
    note = models.CharField(_("说明"), max_length=300, blank=True)
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return str(f"{self.panel_id}")


class ScoreNotice(TimeStamped):
    """The public score notice (成绩公示) of a session."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("公示中")
        CLOSED = "closed", _("公示结束")
        WITHDRAWN = "withdrawn", _("已撤回")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="score_notices")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    body = models.TextField(_("公示说明"), blank=True)
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("成绩公示")
        verbose_name_plural = _("成绩公示")

    def audit_region_code(self) -> str:
        return self.session.region_code


class ScoreObjection(TimeStamped):
    """An objection to a score notice; an accepted one leads to re-marking (Remark)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已受理复核")
        DISMISSED = "dismissed", _("不予支持")
        RESOLVED = "resolved", _("已复核办结")

    notice = models.ForeignKey(ScoreNotice, on_delete=models.PROTECT, related_name="objections")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    tracking_number = models.CharField(_("受理编号"), max_length=32, unique=True)
    submitter_name = models.CharField(_("提出人"), max_length=64)
    submitter_phone = EncryptedTextField(_("联系电话"), blank=True)
    content = models.TextField(_("异议内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    handled_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("处理结果"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("成绩异议")
        verbose_name_plural = _("成绩异议")

    def audit_region_code(self) -> str:
        return self.notice.session.region_code


class Remark(models.Model):
    """A re-marking after an accepted objection: the part, the score before and after, who did it."""

    objection = models.ForeignKey(ScoreObjection, on_delete=models.PROTECT, related_name="remarks")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="remarks")
    part = models.CharField(_("科目"), max_length=16)
    before = models.DecimalField(_("原成绩"), max_digits=5, decimal_places=1, null=True)
    after = models.DecimalField(_("复核成绩"), max_digits=5, decimal_places=1, null=True)
    note = models.TextField(_("复核说明"))
    remarked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    remarked_at = models.DateTimeField()
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["objection", "remarked_at"]
        verbose_name = _("成绩复核")
        verbose_name_plural = _("成绩复核")

    def __str__(self) -> str:
        return str(f"{self.registration_id} {self.part}")

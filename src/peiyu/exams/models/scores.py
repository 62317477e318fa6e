"""Practical and review scores, the score notice and its objections (EVL-5, EVL-6, EVL-7): each panel
examiner scores each candidate (ScoreEntry), the panel leader confirms the panel's scores; the session's
results are released to each candidate and noticed publicly (names masked) for the profile's period in
working days; an objection gets a tracking number, and an accepted one leads to re-marking, recorded."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
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
    """The public score notice (成绩公示) of a session: from the day of publication to its last day,
    `working_days` PRC working days under the profile's `score_notice_working_days`, the first day per
    `notice_counts_publication_day` (stored, ADR 0008). A session noticed again after re-marking has
    several; the newest not withdrawn is the one in force."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("公示中")
        CLOSED = "closed", _("公示结束")
        WITHDRAWN = "withdrawn", _("已撤回")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="score_notices")
    number = models.CharField(_("公示编号"), max_length=32, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    counts_publication_day = models.BooleanField(_("发布当日计入公示期"), default=False)
    body = models.TextField(_("公示说明"), blank=True)
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("成绩公示")
        verbose_name_plural = _("成绩公示")

    def __str__(self) -> str:
        return self.number

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

    def __str__(self) -> str:
        return self.tracking_number

    def audit_region_code(self) -> str:
        return self.notice.session.region_code


class Remark(models.Model):
    """A re-marking after an accepted objection: the part, the score before and after, the candidate's
    result before and after (EVL-7 recomputed), who did it. A changed result is a material change: the
    session goes back to grading and is noticed again before its passing list is made (ADR 0011)."""

    objection = models.ForeignKey(ScoreObjection, on_delete=models.PROTECT, related_name="remarks")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="remarks")
    part = models.CharField(_("科目"), max_length=16)
    before = models.DecimalField(_("原成绩"), max_digits=5, decimal_places=1, null=True)
    after = models.DecimalField(_("复核成绩"), max_digits=5, decimal_places=1, null=True)
    result_before = models.CharField(_("原结果"), max_length=16, blank=True)
    result_after = models.CharField(_("复核后结果"), max_length=16, blank=True)
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


class PassingList(models.Model):
    """A session's passing list frozen as certificate data after its score notice (EVL-5, SEC-2): one
    row per passed candidate, the rows' SM3 digest, the decision that made it. Never changed once made;
    the certificates app reads it through `selectors.scores.passing_list_for`, which checks the digest.

    Each row: {"registration": id, "person": trainee id, "name": full name, "id_masked": …,
    "id_index": blind index of the ID number, "occupation_code", "occupation_name", "level",
    "direction", "theory": "82.0" | null, "theory_exempt": bool, "practical": …, "review": … | null,
    "result": "passed", "ticket_number": …, "training_certificate": number | null,
    "training_enrolment": id | null}. `exam_on` is the last day of the exam (the latest of its
    theory, practical and review days): for DTE the certificate data is due `cert_submit_days` after
    it (CRT-3)."""

    session = models.OneToOneField(EvaluationSession, on_delete=models.PROTECT, related_name="passing_list")
    notice = models.ForeignKey(ScoreNotice, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(_("合格名单"), default=list)
    count = models.PositiveIntegerField(_("合格人数"), default=0)
    digest = models.CharField(_("SM3 摘要"), max_length=64)
    exam_on = models.DateField(_("考核日期"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("合格名单（证书数据）")
        verbose_name_plural = _("合格名单（证书数据）")

    def __str__(self) -> str:
        return str(f"{self.session_id} {self.count}")

    def audit_region_code(self) -> str:
        return self.session.region_code

"""Archives (EVL-10; seed 001 Art. 22) and declared affiliates (EVL-9; seed 000 Art. 18, 001 Art. 24).

An archive record is one document of a session — registration forms, commitments, sign-in sheets, room
records, score sheets, supervision forms — kept with its SM3 and SHA-256 digests and a retention end
computed from the profile (paper and electronic years; a scan of a key record permanently); nothing is
deletable before its time.

An affiliate is a subsidiary, branch or technical-support unit an evaluation institution declared (or an
official recorded); one that trains the occupation the institution evaluates is flagged (EVL-9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .sessions import EvaluationSession


class ArchiveRecord(TimeStamped):
    class Kind(models.TextChoices):
        REGISTRATION_FORM = "registration_form", _("报名表")
        COMMITMENT = "commitment", _("承诺书")
        SIGN_IN_SHEET = "sign_in_sheet", _("签到表")
        ROOM_RECORD = "room_record", _("考场记录")
        SCORE_SHEET = "score_sheet", _("成绩单（评分表）")
        SUPERVISION_FORM = "supervision_form", _("督导记录")
        PAPER = "paper", _("试卷与答卷")
        INCIDENT = "incident", _("考务事件记录")
        OTHER = "other", _("其他")

    class Medium(models.TextChoices):
        PAPER = "paper", _("纸质")
        ELECTRONIC = "electronic", _("电子")
        SCAN = "scan", _("扫描件")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="archive_records")
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    medium = models.CharField(_("载体"), max_length=16, choices=Medium.choices)
    title = models.CharField(_("题名"), max_length=200)
    file = models.FileField(_("文件"), upload_to="exam-archives/%Y/%m/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    sm3 = models.CharField(max_length=64, blank=True)
    location = models.CharField(_("存放位置（纸质）"), max_length=200, blank=True)
    generated = models.BooleanField(_("平台生成"), default=False)
    retain_until = models.DateField(_("保管期限至"), null=True, blank=True)  # null: permanent
    permanent = models.BooleanField(_("永久保存"), default=False)
    disposed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disposal_reason = models.CharField(_("销毁依据"), max_length=300, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None: filed by the platform itself (a generated document filed by a scheduled job)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "kind", "created_at"]
        verbose_name = _("考核档案")
        verbose_name_plural = _("考核档案")

    def __str__(self) -> str:
        return self.title

    def audit_region_code(self) -> str:
        return self.session.region_code


class Affiliate(TimeStamped):
    """A subsidiary, branch or technical-support unit of an evaluation institution (EVL-9)."""

    class Kind(models.TextChoices):
        SUBSIDIARY = "subsidiary", _("下属机构")
        BRANCH = "branch", _("分支机构")
        TECH_SUPPORT = "tech_support", _("技术支持单位")

    institution = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="affiliates")
    kind = models.CharField(_("关系"), max_length=16, choices=Kind.choices)
    org = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("平台内单位"),
    )
    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    declared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    # the last EVL-9 check: a Decision naming the listings of the affiliate that train an occupation
    # the institution evaluates (empty: none)
    flag_decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    flagged = models.BooleanField(_("存在培训评价冲突"), default=False)

    class Meta:
        ordering = ["institution", "name"]
        verbose_name = _("关联单位")
        verbose_name_plural = _("关联单位")

    def __str__(self) -> str:
        return self.name

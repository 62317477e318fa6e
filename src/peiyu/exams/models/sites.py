"""Exam sites and rooms (EVL-1, EVL-9): what an evaluation institution reports to its local HRSS bureau
before a site may host a session — theory rooms (one candidate per desk, desks at least 80 cm apart),
practical rooms (equipment, tools, materials), a defence room where it evaluates 二级 and above, video
monitoring with recording — with photos; the bureau accepts it or returns it with a reason, may inspect it
and withdraw it. Only an accepted site hosts a session (no unreported site, EVL-9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped


class ExamSite(TimeStamped):
    """An exam site (考核站点/考点) of an evaluation institution."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        REPORTED = "reported", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        RETURNED = "returned", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤销")

    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="exam_sites", verbose_name=_("评价机构")
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    name = models.CharField(_("站点名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300)
    # the 6-digit site serial of a skill certificate's number (CRT-4, reference/occupations.md)
    serial = models.CharField(_("站点序号"), max_length=6, blank=True, db_index=True)
    contact_name = models.CharField(_("负责人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    video_monitoring = models.BooleanField(_("全程视频监控"), default=False)
    video_recording = models.BooleanField(_("监控录像留存"), default=False)
    video_retention_days = models.PositiveIntegerField(_("录像保存天数"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    withdrawn_reason = models.TextField(_("撤销原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # an accepted site the institution changed since: not usable for a new session until it is reported
    # again and accepted (EVL-1, EVL-9 "no unreported site"); cleared when it is reported again
    change_pending = models.BooleanField(_("变更待报送"), default=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["institution", "status"])]
        verbose_name = _("考核站点")
        verbose_name_plural = _("考核站点")

    def __str__(self) -> str:
        return self.name

    def audit_region_code(self) -> str:
        return self.region_id


class ExamRoom(TimeStamped):
    """A room of a site (考场): theory, practical or defence (comprehensive review)."""

    class Kind(models.TextChoices):
        THEORY = "theory", _("理论考场")
        PRACTICAL = "practical", _("实操考场")
        DEFENCE = "defence", _("综合评审（答辩）室")

    site = models.ForeignKey(ExamSite, on_delete=models.PROTECT, related_name="rooms")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("考场名称"), max_length=100)
    seats = models.PositiveIntegerField(_("座位数"), default=0)
    one_per_desk = models.BooleanField(_("单人单桌"), default=False)
    desk_spacing_cm = models.PositiveIntegerField(_("桌间距（厘米）"), default=0)
    computers = models.PositiveIntegerField(_("考试用计算机（台）"), default=0)
    equipment = models.TextField(_("设备、工具与材料"), blank=True)
    video_monitoring = models.BooleanField(_("视频监控"), default=False)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["site", "kind", "name"]
        verbose_name = _("考场")
        verbose_name_plural = _("考场")

    def __str__(self) -> str:
        return f"{self.site.name} {self.name}"


class SitePhoto(models.Model):
    """A photo of a site or one of its rooms (checked type, size and SHA-256 as every upload)."""

    site = models.ForeignKey(ExamSite, on_delete=models.PROTECT, related_name="photos")
    room = models.ForeignKey(ExamRoom, on_delete=models.PROTECT, null=True, blank=True, related_name="photos")
    file = models.FileField(_("照片"), upload_to="exam-sites/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("站点照片")
        verbose_name_plural = _("站点照片")

    def __str__(self) -> str:
        return str(self.original_name)


class SiteInspection(TimeStamped):
    """An official's inspection of a site (EVL-1, EVL-9); recorded once with its result."""

    class Result(models.TextChoices):
        PASSED = "passed", _("符合要求")
        ISSUES = "issues", _("发现问题")

    site = models.ForeignKey(ExamSite, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("检查日期"))
    result = models.CharField(_("结论"), max_length=16, choices=Result.choices)
    findings = models.TextField(_("检查情况"), blank=True)
    inspector = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on"]
        verbose_name = _("站点检查")
        verbose_name_plural = _("站点检查")

    def audit_region_code(self) -> str:
        return self.site.region_id

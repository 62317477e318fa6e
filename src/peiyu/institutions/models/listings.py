"""Catalog entries (目录条目, DIR-1…6) with their periods and volumes, renewals, changes and terminations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .applications import Application
from .calls import InstitutionType, Kind


class Listing(TimeStamped):
    """A catalog entry (目录条目, DIR-1): institution × kind × occupation × levels × jurisdiction,
    valid from–until, with a status whose history is in the TransitionLog."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        SUSPENDED = "suspended", _("暂停")
        EXPIRED = "expired", _("已到期")
        FORFEITED = "forfeited", _("视为主动放弃")
        TERMINATED = "terminated", _("已注销")
        REMOVED = "removed", _("已退出目录")

    number = models.CharField(_("目录编号"), max_length=32, unique=True)
    filing_code = models.CharField(_("统一编码"), max_length=32, null=True, blank=True, unique=True)
    programme = models.CharField(_("项目"), max_length=16, db_index=True)
    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="listings", verbose_name=_("机构")
    )
    institution_name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    kind = models.CharField(_("机构类别"), max_length=16, choices=Kind.choices)
    institution_type = models.CharField(
        _("机构类型"), max_length=24, choices=InstitutionType.choices, default=InstitutionType.GENERAL
    )
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100)
    levels = models.JSONField(_("等级"), default=list)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    catalog_region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("目录范围"),
        help_text=_("空表示全国目录"),
    )
    recommender = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("推荐单位"),
    )
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), db_index=True)
    period = models.PositiveSmallIntegerField(_("第几个有效期"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("状态说明"), blank=True)
    reapply_banned_until = models.DateField(_("不得再次申报至"), null=True, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_name = models.CharField(max_length=64, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    search_text = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        ordering = ["programme", "kind", "occupation_code", "institution_name"]
        indexes = [
            models.Index(fields=["status", "programme", "kind", "occupation_code"]),
            # The catalog's searches by region, and by occupation within a region (its commonest): the
            # matches' ids (and the columns still checked) are in the index itself, so PostgreSQL
            # sorts a page's ids from the index alone, reading no table row it does not show
            # (ADR 0010). SQLite's indexes hold the id already (the rowid); INCLUDE is PostgreSQL's.
            models.Index(fields=["region", "status"], include=["id"], name="listing_region_status"),
            models.Index(
                fields=["occupation_code", "region", "status"],
                include=["programme", "kind", "id"],
                name="listing_occupation_region",
            ),
            models.Index(fields=["institution", "occupation_code", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind", "occupation_code", "programme"],
                condition=Q(status__in=["active", "suspended"]),
                name="listing_one_live_per_scope",
            )
        ]
        verbose_name = _("目录条目")
        verbose_name_plural = _("目录条目")

    def __str__(self) -> str:
        return f"{self.institution_name} {self.get_kind_display()} {self.occupation_name}"

    @property
    def region_code(self) -> str:
        return self.region_id

    def is_valid_on(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.valid_from <= on <= self.valid_until


class ListingPeriod(models.Model):
    """One validity period of a listing, with the person-times done each year (DIR-3)."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="periods")
    number = models.PositiveSmallIntegerField(_("有效期序号"))
    valid_from = models.DateField()
    valid_until = models.DateField()

    class Meta:
        ordering = ["listing", "number"]
        constraints = [models.UniqueConstraint(fields=["listing", "number"], name="listing_period_unique")]

    def __str__(self) -> str:
        return f"{self.listing_id} #{self.number} {self.valid_from}–{self.valid_until}"


class ListingVolume(models.Model):
    """Person-times trained or evaluated in one year under a listing (DIR-3, RPT-1). `source` says
    whether the figure was counted from platform records or declared by the institution."""

    class Source(models.TextChoices):
        PLATFORM = "platform", _("平台数据")
        DECLARED = "declared", _("机构填报")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="volumes")
    year = models.PositiveSmallIntegerField(_("年度"))
    persons = models.PositiveIntegerField(_("人次"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["listing", "year"]
        constraints = [models.UniqueConstraint(fields=["listing", "year"], name="listing_volume_unique")]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.year}: {self.persons}"


class Renewal(TimeStamped):
    """延续 (DIR-2, DIR-4): the institution's application to continue, with its 3-year results report."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已延续")
        REJECTED = "rejected", _("未通过")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="renewals")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    report = models.JSONField(_("近3年工作成效报告"), default=dict)
    summary = models.TextField(_("成效简述"), blank=True)
    consenting_authority = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("同意的主管部门"),
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("审核意见"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("延续申请")
        verbose_name_plural = _("延续申请")


class ChangeRequest(TimeStamped):
    """变更 (DIR-5): of basic data (district review, then the city centre updates) or of scope
    (reviewed as a filing)."""

    class Type(models.TextChoices):
        BASIC = "basic", _("基础信息变更")
        SCOPE = "scope", _("评价范围变更")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        REVIEWED = "reviewed", _("已初审")
        APPLIED = "applied", _("已变更")
        REJECTED = "rejected", _("未通过")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="changes")
    type = models.CharField(_("变更类型"), max_length=8, choices=Type.choices)
    before = models.JSONField(_("变更前"), default=dict)
    after = models.JSONField(_("变更后"), default=dict)
    reason = models.TextField(_("变更理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    comment = models.TextField(_("审核意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")


class Termination(TimeStamped):
    """注销 (DIR-6): the listing is cancelled; pending work is listed and stays visible until handled."""

    listing = models.OneToOneField(Listing, on_delete=models.PROTECT, related_name="termination")
    reason = models.TextField(_("注销原因"))
    pending = models.JSONField(_("待处理事项（注销时）"), default=list)
    handling_plan = models.TextField(_("后续工作处理方案"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("注销")
        verbose_name_plural = _("注销")

"""Calls for applications (申报通知) and the kinds of institution they concern."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped


class Kind(models.TextChoices):
    TRAINING = "training", _("培训机构")
    EVALUATION = "evaluation", _("评价机构")


class InstitutionType(models.TextChoices):
    """Chengdu's two types of evaluation institution (ACT-6, 001 Art. 2); DTE forms use `general`."""

    GENERAL = "general", _("一般机构")
    EMPLOYER = "employer", _("用人单位")
    SOCIAL_ORGANISATION = "social_organisation", _("社会培训评价组织")


class Call(TimeStamped):
    """申报通知 (SEL-6): what may be applied for, where, until when, and under which limits. Drafted by
    the body its profile names (`call_issuers`), published, and closed when its deadline passes
    (institutions.flows.CALL_FLOW); it keeps the profile version it was drafted under."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已截止")

    code = models.SlugField(_("编号"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    programme = models.CharField(_("项目"), max_length=16)
    policy_name = models.CharField(_("政策配置"), max_length=64)
    policy_version = models.PositiveIntegerField(_("政策配置版本"), null=True, blank=True)
    issuer = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="calls", verbose_name=_("发布单位")
    )
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申报地区范围"),
        help_text=_("空表示全国"),
    )
    kinds = models.JSONField(_("机构类别"), default=list)
    occupation_codes = models.JSONField(_("职业（工种）"), default=list)
    levels = models.JSONField(_("等级"), default=list)
    opens_on = models.DateField(_("开始受理"))
    deadline = models.DateField(_("截止日期"))
    # {"training": {"default": 2, "overrides": {"210100": 5}, "step": "city_recommendation"}, ...}
    quota_table = models.JSONField(_("申报数量"), default=dict, blank=True)
    step_deadlines = models.JSONField(
        _("各环节办理期限"),
        default=dict,
        blank=True,
        help_text=_("环节 → 日期，如 city_recommendation: 2023-06-15"),
    )
    excluded_occupations = models.JSONField(_("不受理的职业（按机构类别）"), default=dict, blank=True)
    founded_on_or_before = models.DateField(_("成立日期不晚于"), null=True, blank=True)
    publicity_working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"), null=True, blank=True, help_text=_("空则按政策配置")
    )
    body = models.TextField(_("通知正文"), blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("起草人"),
    )

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("申报通知")
        verbose_name_plural = _("申报通知")
        indexes = [models.Index(fields=["status", "deadline"], name="call_status_deadline")]

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    @property
    def published(self) -> bool:
        """Published and not yet closed: applications may be made while its period runs."""
        return self.status == self.Status.PUBLISHED

    def is_open(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.published and self.opens_on <= on <= self.deadline

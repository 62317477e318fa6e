"""Public notices (公示, SEL-7, SEL-10) and the objections raised during them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .applications import Application
from .calls import Call


class PublicNotice(TimeStamped):
    """公示 (SEL-7, SEL-10): a batch of applications shown to the public for N working days."""

    class Status(models.TextChoices):
        OPEN = "open", _("公示中")
        ENDED = "ended", _("公示结束")

    number = models.CharField(_("公示编号"), max_length=32, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="notices")
    publisher = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("公示单位")
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"), db_index=True)
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    # the profile's notice_counts_publication_day when published: is starts_on the first counted day
    counts_publication_day = models.BooleanField(_("发布当日计入公示期"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, null=True, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class Objection(TimeStamped):
    """异议: anyone may object during the notice; an open objection holds the listing (SEL-7)."""

    class Status(models.TextChoices):
        OPEN = "open", _("处理中")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    tracking_no = models.CharField(_("受理编号"), max_length=32, unique=True)
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("异议人"), max_length=64)
    contact = EncryptedTextField(_("联系方式"))
    text = models.TextField(_("异议内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

"""What an expert declares and how a pool is filled (SEL-8): the relations to units that recuse the expert
from reviewing them (主动回避), and the record of each xlsx import into a pool. The expert itself is in
models.panels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .panels import Expert


class ExpertRelation(models.Model):
    """One unit the expert declared a relation to. While it is current (not withdrawn), the expert is
    never drawn for an application of that unit or of a unit the applicant declared as related
    (SEL-8). No source sets a period after which a relation lapses (a former employer counts however
    long ago): the expert keeps the list current and withdraws what no longer applies; a withdrawn
    relation stays on record."""

    class Kind(models.TextChoices):
        FORMER_EMPLOYER = "former_employer", _("曾在该单位任职")
        PART_TIME = "part_time", _("在该单位兼职、担任顾问或董事监事")
        RELATIVE = "relative", _("近亲属在该单位任职或持股")
        INVESTMENT = "investment", _("本人在该单位持股或出资")
        COOPERATION = "cooperation", _("与该单位有合作、咨询或指导关系")
        OTHER = "other", _("其他利害关系")

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="relations")
    kind = models.CharField(_("关系"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    org = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位（平台内）"),
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    unit_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    ended_on = models.DateField(_("关系结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("申报时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["expert", "-created_at", "-id"]
        indexes = [models.Index(fields=["expert", "withdrawn_at"], name="expert_relation_current")]
        verbose_name = _("专家回避申报")
        verbose_name_plural = _("专家回避申报")

    def __str__(self) -> str:
        return f"{self.expert} · {self.unit_name or self.uscc}"

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None


class ExpertImport(models.Model):
    """One xlsx file imported into a pool: who, which file (SHA-256), how (all rows or only the valid
    ones), what it created and every refused row with its reason in Chinese."""

    class Mode(models.TextChoices):
        ALL = "all", _("全部正确才导入")
        VALID = "valid", _("只导入正确的行")

    pool_owner = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    mode = models.CharField(_("导入方式"), max_length=8, choices=Mode.choices)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增专家"), default=0)
    errors = models.JSONField(_("有误的行"), default=list)
    written = models.BooleanField(_("已写入"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("专家导入")
        verbose_name_plural = _("专家导入")

    def __str__(self) -> str:
        return f"{self.filename} #{self.pk}"

    @property
    def rejected_rows(self) -> int:
        return len({e.get("row") for e in self.errors or []})

"""Append-only audit trail (DESIGN §6, SEC-2 全程留痕). Each row carries SM3(previous hash + row) within
its stream; a stream is a province (or "national") split into lanes by object ("510000", "510000.3";
audit.services.stream_for, ADR 0015), so provinces and objects append in parallel while each chain
stays strictly ordered by `seq` and one object's events stay in one chain. Database triggers refuse UPDATE and DELETE; the chain shows it when
someone with enough privilege gets round them."""

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    stream = models.CharField(_("链"), max_length=16)
    seq = models.PositiveBigIntegerField(_("序号"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor_id = models.BigIntegerField(_("操作人"), null=True, blank=True)
    actor_repr = models.CharField(_("操作人"), max_length=150, blank=True)
    org_id = models.BigIntegerField(null=True, blank=True)
    region_code = models.CharField(_("地区"), max_length=6, blank=True, db_index=True)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "at"]),
            models.Index(fields=["at"]),
        ]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """The last link of each stream; locking it serialises appends within the stream."""

    stream = models.CharField(max_length=16, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}"

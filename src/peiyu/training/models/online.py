"""Online learning records (TRN-4, TRN-5): the batches an online platform pushes, their records, and the
platform's signing keys."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .trainees import Enrolment


class OnlineBatch(models.Model):
    """One batch of learning records pushed by an online platform (TRN-4): kept with its result so
    the same batch id sent again gets the same answer and changes nothing (idempotent)."""

    platform = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    batch_id = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    accepted = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "batch_id"], name="online_batch_once")]
        verbose_name = _("线上学习记录批次")
        verbose_name_plural = _("线上学习记录批次")

    def __str__(self) -> str:
        return self.batch_id


class OnlineRecord(models.Model):
    """One online learning record of a trainee in a class, as the platform reported it (TRN-4, TRN-5).
    `record_id` is the platform's own id: a record sent twice is stored once."""

    # Written a thousand at a time (ADR 0006), so what each row costs counts:
    # - no single-column indexes on platform and enrolment: the unique (platform, record_id) and the
    #   (enrolment, started_at) indexes lead with them;
    # - no database foreign-key constraints (a per-row trigger at commit, half of a batch's database
    #   time). The references hold by construction: the batch is inserted in the same transaction, the
    #   platform is the batch's own (whose foreign key is kept), and the enrolments are the rows the
    #   same transaction's minutes UPDATE locked and counted (services/online_bulk.add_minutes).
    #   on_delete=PROTECT is still enforced by the ORM, and enrolments are never deleted.
    platform = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    record_id = models.CharField(max_length=64)
    batch = models.ForeignKey(
        OnlineBatch, on_delete=models.PROTECT, related_name="records", db_constraint=False
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="online_records",
        db_index=False,
        db_constraint=False,
    )
    course = models.CharField(_("课程"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    minutes = models.PositiveIntegerField(_("学习时长（分钟）"))
    device = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "record_id"], name="online_record_once")]
        indexes = [models.Index(fields=["enrolment", "started_at"])]
        verbose_name = _("线上学习记录")
        verbose_name_plural = _("线上学习记录")

    def __str__(self) -> str:
        return self.record_id


class PlatformKey(TimeStamped):
    """The signing key of an online platform (HMAC-SHA256 over the request, TRN-4). The secret is
    encrypted at rest; `key_id` is sent with each request."""

    platform = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.CharField(max_length=32, unique=True)
    secret = EncryptedTextField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("平台签名密钥")
        verbose_name_plural = _("平台签名密钥")

"""Signing keys (CRT-4: one issuing signature per institution). Each issuing institution has SM2 key
pairs generated in the platform; the private key is stored SM4-encrypted (core.fields), the public key
is published. Rotation retires the active key: a retired key signs nothing new but still verifies what
it signed; a revoked (compromised) key verifies only what it signed before `revoked_at`. The platform's
own key (institution null) signs the published status lists."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField


class SigningKey(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("使用中")
        RETIRED = "retired", _("已停用（仍可验证）")
        REVOKED = "revoked", _("已吊销")

    # "k" + the first 16 hex digits of SM3(public key): short enough for a QR payload, unique
    key_id = models.CharField(_("密钥标识"), max_length=24, unique=True)
    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    algorithm = models.CharField(_("算法"), max_length=16, default="SM2")
    # uncompressed point, hex: "04" + x (64) + y (64)
    public_key = models.CharField(_("公钥"), max_length=130)
    private_key = EncryptedTextField(_("私钥（加密保存）"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    reason = models.TextField(_("停用或吊销原因"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(status="active"),
                name="one_active_signing_key_per_issuer",
            ),
        ]
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")

    def __str__(self) -> str:
        return self.key_id

    def audit_region_code(self) -> str:
        return (self.institution.region_id or "") if self.institution_id and self.institution else ""

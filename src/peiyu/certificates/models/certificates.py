"""Certificates of every kind (CRT-1, CRT-4, CRT-5; ADR 0007 §4): training certificates (培训合格证书,
issued by the training institution from a completed class), DTE level certificates (专业技术等级证书) and
skill certificates (职业技能等级证书), issued by the evaluation institution from a session's passing list.

One row per certificate, whatever its kind: the number (rules/numbering.py), the holder (a person of
training's register; name, masked ID number and the ID's blind index copied at issue so verification
by name + ID number + number needs no decryption), what it attests, the issuer and the issuing key, the
signed QR payload, its place in the published status list, its status. The PDF is rendered from the row
on demand, identically each time (services/pdf.py), and carries its own signature."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.core.models import TimeStamped

from .keys import SigningKey


class Certificate(TimeStamped):
    class Kind(models.TextChoices):
        TRAINING = "training", _("培训合格证书")
        LEVEL = "level", _("专业技术等级证书")
        SKILL = "skill", _("职业技能等级证书")

    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("certificate status", "有效")  # "Valid", not a listing's "Active"
        INVALIDATED = "invalidated", _("已宣布无效")
        SUPERSEDED = "superseded", _("已换发")

    kind = models.CharField(_("证书类别"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    verify_token = models.CharField(max_length=43, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)

    holder = models.ForeignKey("training.Trainee", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("姓名"), max_length=64)
    holder_id_masked = models.CharField(_("身份证号码（脱敏）"), max_length=32, blank=True)
    holder_id_index = models.CharField(max_length=64, db_index=True, editable=False)

    institution = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("发证机构"), max_length=200)
    region_code = models.CharField(_("地区"), max_length=6, db_index=True)
    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=200)
    direction = models.CharField(_("职业方向"), max_length=100, blank=True)
    level = models.CharField(_("等级"), max_length=16)
    issued_on = models.DateField(_("发证日期"))
    # kind-specific facts: training {hours, ce_year, ce_hours, class}; level/skill {session, exam_on,
    # theory, practical, review, title_equivalence}
    details = models.JSONField(_("证书内容"), default=dict, blank=True)

    # where it comes from: an enrolment (training) or a registration (level, skill)
    source_kind = models.CharField(max_length=16)
    source_id = models.BigIntegerField()
    batch = models.ForeignKey(
        "certificates.IssuanceBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )

    # signature (CRT-4): the compact signed payload the QR carries, the key that signed it. The PDF
    # carries its own signature (services.pdf) and is rendered the same on every download, so no digest
    # of it is stored: its QR's address depends on the site that serves it.
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    payload = models.TextField(_("签名载荷"), blank=True)
    # position in the published status list (W3C Bitstring Status List): set once at issue
    status_index = models.BigIntegerField(null=True, blank=True, unique=True)

    # reissue (lost, corrected): the new certificate names the one it replaces
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    reissue_reason = models.CharField(_("换发原因"), max_length=200, blank=True)
    invalidated_on = models.DateField(_("宣布无效日期"), null=True, blank=True)

    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_id"],
                condition=models.Q(replaces__isnull=True),
                name="one_certificate_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "issued_on"]),
            models.Index(fields=["region_code", "issued_on"]),
            models.Index(fields=["holder", "issued_on"]),
        ]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self) -> str:
        return self.number

    def audit_region_code(self) -> str:
        return self.region_code


class CertificateSequence(models.Model):
    """The last serial used under a number prefix (everything of a number but its serial). Issuing
    locks the row (SELECT … FOR UPDATE; on SQLite the write transaction serialises) and takes a block
    of serials, so numbers never repeat under concurrent issuance; the unique number is the last guard."""

    prefix = models.CharField(max_length=40, primary_key=True)
    last = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("证书编号序列")
        verbose_name_plural = _("证书编号序列")

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"


class CertificateTemplate(TimeStamped):
    """An issuer's certificate wording for one kind (title, body, seal text), checked against CRT-2
    before use. A template whose issuer's own legal name contains a restricted word is held for an
    official's decision, neither silently accepted nor refused."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("启用")
        HELD = "held", _("待主管部门决定")
        REFUSED = "refused", _("未同意")
        RETIRED = "retired", _("停用")

    institution = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("证书类别"), max_length=16, choices=Certificate.Kind.choices)
    title = models.CharField(_("证书名称"), max_length=60)
    body = models.TextField(_("证书正文"), blank=True)
    seal_text = models.CharField(_("印章文字"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    hold_reason = models.TextField(_("待决定事由"), blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["institution_id", "kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind"],
                condition=models.Q(status="active"),
                name="one_active_template_per_issuer_kind",
            ),
        ]
        verbose_name = _("证书样式")
        verbose_name_plural = _("证书样式")

    def __str__(self) -> str:
        return self.title

    def audit_region_code(self) -> str:
        return self.institution.region_id or ""

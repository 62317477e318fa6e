"""The expert pool and the expert panels of the expert review (SEL-8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .applications import Application
from .calls import Call


class Expert(TimeStamped):
    """An expert of the expert pool (SEL-8): fields of expertise, employer, contact, and the relations to
    units they declared (ExpertRelation, the recusal data of a draw). A disabled expert stays in the
    pool's records (panels name them) but is never drawn. The phone is personal data: SM4-encrypted,
    masked on screen unless the role may see it (DESIGN §7)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="expert"
    )
    name = models.CharField(_("姓名"), max_length=64)
    employer = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工作单位（平台内）"),
    )
    employer_name = models.CharField(_("工作单位"), max_length=200)
    title = models.CharField(_("职称"), max_length=64, blank=True)
    fields = models.JSONField(_("专业领域（职业编码）"), default=list)
    specialty = models.CharField(_("专业方向"), max_length=200, blank=True)
    phone = EncryptedTextField(_("手机号码"), blank=True, default="")
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("地区"),
    )
    pool_owner = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="expert_pool", verbose_name=_("专家库管理单位")
    )
    active = models.BooleanField(_("在库"), default=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    declarations_confirmed_at = models.DateTimeField(_("回避申报确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")

    def __str__(self) -> str:
        return self.name


class Panel(TimeStamped):
    """An expert panel drawn for a batch of applications at one expert-review step (SEL-8).
    `seed` and `candidates` (the eligible pool, sorted, at draw time) reproduce the draw."""

    class Status(models.TextChoices):
        OPEN = "open", _("评议中")
        CLOSED = "closed", _("评议结束")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="panels")
    step = models.CharField(_("环节"), max_length=48)
    owner = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="panels", verbose_name=_("组织单位")
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size = models.PositiveSmallIntegerField(_("专家人数"))
    seed = models.CharField(_("随机种子"), max_length=64)
    algorithm = models.CharField(_("抽取算法"), max_length=32)
    candidates = models.JSONField(_("候选专家（抽取时）"), default=list)
    excluded = models.JSONField(_("回避的专家及原因"), default=list)
    applications = models.ManyToManyField(Application, related_name="panels", verbose_name=_("评议的申报"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("专家组")
        verbose_name_plural = _("专家组")

    def __str__(self) -> str:
        return f"{self.call.code} {self.step} #{self.pk}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class PanelMember(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("已抽中")
        ACCEPTED = "accepted", _("已确认")
        DECLINED = "declined", _("已谢绝（已补抽）")

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    position = models.PositiveSmallIntegerField(_("抽取顺位"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.INVITED)
    decline_reason = models.CharField(_("谢绝原因"), max_length=200, blank=True)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["panel", "position"]
        constraints = [models.UniqueConstraint(fields=["panel", "expert"], name="panel_member_unique")]

    def __str__(self) -> str:
        return f"{self.expert} #{self.position}"


class ExpertScore(models.Model):
    """One expert's score and vote on one application; confidential (SEL-8): only the expert and the
    officials running the panel see it; the applicant sees at most the aggregate outcome."""

    class Vote(models.TextChoices):
        FOR = "for", _("推荐")
        AGAINST = "against", _("不推荐")
        ABSTAIN = "abstain", _("弃权")

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="expert_scores")
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=1)
    vote = models.CharField(_("投票"), max_length=8, choices=Vote.choices)
    comment = models.TextField(_("评议意见"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="expert_score_unique")]

    def __str__(self) -> str:
        return f"{self.member} → {self.application_id}"

"""An institution's application (one occupation, SEL-4), its attachments, the actions of its review
route and the quota locks of the recommending steps.

Review routes are policy data (`review_routes` in the profile); an application stores the route it
follows and the index of its current step, so a later edit of the profile never reroutes a file
already in review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .calls import Call, InstitutionType, Kind


class Application(TimeStamped):
    """One form for one occupation (SEL-4) by one institution in one call."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("审核中")
        RETURNED = "returned", _("退回修改")
        IN_NOTICE = "in_notice", _("公示中")
        HELD = "held", _("异议处理中")
        APPROVED = "approved", _("已纳入目录")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Channel(models.TextChoices):
        TERRITORIAL = "territorial", _("属地推荐")
        INDUSTRY = "industry", _("行业主管部门推荐")

    number = models.CharField(_("申报编号"), max_length=32, unique=True)
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报通知")
    )
    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报单位")
    )
    kind = models.CharField(_("机构类别"), max_length=16, choices=Kind.choices)
    institution_type = models.CharField(
        _("机构类型"), max_length=24, choices=InstitutionType.choices, default=InstitutionType.GENERAL
    )
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32, db_index=True)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100)
    levels = models.JSONField(_("申报等级"), default=list)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    channel = models.CharField(
        _("推荐渠道"), max_length=16, choices=Channel.choices, default=Channel.TERRITORIAL
    )
    recommender = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommended_applications",
        verbose_name=_("推荐单位"),
    )
    form = models.JSONField(_("推荐表"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    route = models.JSONField(_("评审路线"), default=list, blank=True)
    step_index = models.PositiveSmallIntegerField(_("当前环节序号"), default=0)
    step = models.CharField(_("当前环节"), max_length=48, blank=True, db_index=True)
    step_due = models.DateField(_("本环节办理期限"), null=True, blank=True)
    policy_name = models.CharField(max_length=64, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    policy_chain = models.CharField(max_length=200, blank=True)
    commitment_signatory = models.CharField(_("承诺人"), max_length=64, blank=True)
    commitment_confirmed_at = models.DateTimeField(_("承诺确认时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    eligibility = models.ForeignKey(
        "core.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("资格检查"),
    )
    checks_failed = models.JSONField(_("未通过的检查"), default=list, blank=True)
    checks_overridden = models.JSONField(_("已说明理由放行的检查"), default=list, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    reject_reason = models.TextField(_("不通过理由"), blank=True)
    recommendation_reason = models.TextField(_("推荐理由"), blank=True)
    notice = models.ForeignKey(
        "PublicNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    filing_code = models.CharField(_("统一编码"), max_length=32, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["call", "kind", "occupation_code", "status"]),
            models.Index(fields=["institution", "occupation_code", "kind"]),
            models.Index(fields=["status", "step", "region"]),
        ]
        verbose_name = _("机构申报")
        verbose_name_plural = _("机构申报")

    def __str__(self) -> str:
        return f"{self.number} {self.institution} {self.occupation_name}"

    @property
    def region_code(self) -> str:
        return self.region_id

    @property
    def current_step(self) -> dict | None:
        if self.status != self.Status.IN_REVIEW or self.step_index >= len(self.route):
            return None
        return self.route[self.step_index]


class Attachment(models.Model):
    """An uploaded file of an application, with type, size and SHA-256 (SEL-12)."""

    class Purpose(models.TextChoices):
        LEGAL_PERSON_CERTIFICATE = "legal_person_certificate", _("法人登记证书复印件")
        CREDIT_REPORT = "credit_report", _("信用报告或诚信承诺书")
        RECOMMENDATION_LETTER = "recommendation_letter", _("推荐函")
        LICENCE = "licence", _("登记（注册）许可证复印件")
        FINANCIAL = "financial", _("财务管理文件、年度审计报告与财务报表")
        SYSTEM_PLAN = "system_plan", _("等级认定体系建设方案")
        IMPLEMENTATION_PLAN = "implementation_plan", _("等级认定工作实施方案")
        EXPERIENCE = "experience", _("培训考核评价经验材料")
        INDUSTRY_CONSENT = "industry_consent", _("行业主管部门同意意见")
        RESULTS_REPORT = "results_report", _("近3年工作成效报告")
        OTHER = "other", _("其他材料")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    renewal = models.ForeignKey(
        "Renewal", on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    purpose = models.CharField(_("材料"), max_length=32, choices=Purpose.choices)
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["purpose", "uploaded_at"]
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.original_name}"


class ReviewAction(models.Model):
    """What an official did at one step of the route (SEL-7, SEL-9, SEL-10): who, for which org, when,
    the outcome and the comment. The application's review history is these rows in order."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("通过")
        RECOMMEND = "recommend", _("推荐")
        RETURN = "return", _("退回修改")
        REJECT = "reject", _("不通过")
        OVERRIDE = "override", _("说明理由放行")
        NOTICE = "notice", _("公示")
        HOLD = "hold", _("有异议，暂缓")
        FILE = "file", _("备案")
        APPROVE = "approve", _("纳入目录")
        RESUBMIT = "resubmit", _("重新提交")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="actions")
    step = models.CharField(_("环节"), max_length=48)
    step_label = models.CharField(_("环节名称"), max_length=100, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    org = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    comment = models.TextField(_("意见"), blank=True)
    site_visit = models.BooleanField(_("实地考察"), default=False)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.step_label or self.step}: {self.get_outcome_display()}"


class QuotaLock(models.Model):
    """One row per quota bucket (quota name × call or city × kind × occupation). A quota step locks its
    row, then counts the real records under the lock, so two officials acting at once can never both
    take the last place (SEL-6)."""

    key = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name = _("配额锁")

    def __str__(self) -> str:
        return self.key

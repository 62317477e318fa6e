"""The institution directory (机构目录): calls, applications and their review, expert panels, public
notices and objections, listings with validity, renewals, changes and terminations.

Review routes are policy data (`review_routes` in the profile); an application stores the route it
follows and the index of its current step, so a later edit of the profile never reroutes a file
already in review."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
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
    """申报通知 (SEL-6): what may be applied for, where, until when, and under which limits."""

    code = models.SlugField(_("编号"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    programme = models.CharField(_("项目"), max_length=16)
    policy_name = models.CharField(_("政策配置"), max_length=64)
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
    published = models.BooleanField(_("已发布"), default=False)

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("申报通知")
        verbose_name_plural = _("申报通知")

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    def is_open(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.published and self.opens_on <= on <= self.deadline


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


class Expert(TimeStamped):
    """An expert of the expert pool (SEL-8) with fields and declared conflicts."""

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
    conflicts = models.ManyToManyField(
        "accounts.Org", blank=True, related_name="+", verbose_name=_("申报回避单位（任职、亲属、合作等关系）")
    )
    conflict_usccs = models.JSONField(_("其他回避单位信用代码"), default=list, blank=True)
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
            models.Index(fields=["region", "status"]),
            # the catalog's commonest search: one occupation in one province or city
            models.Index(fields=["occupation_code", "region", "status"]),
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

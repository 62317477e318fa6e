"""Registration and eligibility (EVL-8; seed 001 Art. 23, seed 000 Art. 11(3), seed 003 §4(4)): a
candidate registers herself, is registered in bulk by her employer (which evaluates only its own
workforce, ACT-6) or, for DTE, is forwarded by her training institution with the training certificate;
the standard's application conditions per level are data (ApplicationCondition) evaluated against the
facts the registration states; the listed exceptions of Art. 23 are explicit routes that someone must
choose and justify; the commitment (告知承诺) is signed; the review has reasons; an admitted candidate
gets an admission ticket. Scores live on the registration (one row per candidate and session)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .sessions import EvaluationSession, Sitting


class ApplicationCondition(TimeStamped):
    """One alternative of a standard's application conditions (申报条件) for a level: every requirement
    it names must hold (education, years in the trade, a lower level held and for how long, a training
    certificate). A candidate meets the level's conditions when one alternative holds. Blank
    occupation: the standard's general conditions for the level in that programme."""

    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32, blank=True, db_index=True)
    level = models.CharField(_("等级"), max_length=16)
    number = models.PositiveSmallIntegerField(_("条款序号"), default=1)
    text = models.TextField(_("条件原文"))
    # {"education": "大专", "years_in_trade": 4, "lower_level": "四级", "years_since_lower": 4,
    #  "training_certificate": true}
    requirements = models.JSONField(_("条件要素"), default=dict)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    # reference data is never deleted (DESIGN §9): an alternative no longer in force is disabled
    active = models.BooleanField(_("有效"), default=True)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["programme", "occupation_code", "level", "number"]
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")

    def __str__(self) -> str:
        return f"{self.level}（{self.number}）"


class Registration(TimeStamped):
    """A candidate (参评人员/考生) in a session."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("待资格审核")
        RETURNED = "returned", _("退回补正")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("审核不通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        SELF = "self", _("个人报名")
        EMPLOYER = "employer", _("用人单位集体报名")
        TRAINING = "training", _("培训机构推送")

    class Route(models.TextChoices):
        STANDARD = "standard", _("按标准申报条件")
        BRIDGING = "bridging", _("专业技术人才职业技能贯通")
        THEORY_EXEMPT_DEGREE = "theory_exempt_degree", _("相关专业学历免考理论知识")
        SENIOR_TITLE = "senior_title", _("正高级职称直接申报高级技师")
        COMPETITION = "competition", _("职业技能竞赛获奖晋级")

    class Workforce(models.TextChoices):
        """Whom an employer-type institution may evaluate: its own workforce (ACT-6, 001 Art. 2)."""

        EMPLOYEE = "employee", _("本企业职工")
        DISPATCHED = "dispatched", _("劳务派遣")
        OUTSOURCED = "outsourced", _("劳务外包")
        INTERN = "intern", _("在企业实习人员")
        AFFILIATED = "affiliated", _("有隶属关系的企业在岗职工")

    class Result(models.TextChoices):
        PENDING = "", _("未出成绩")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")
        ABSENT = "absent", _("缺考")
        VOIDED = "voided", _("成绩无效")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(
        "training.Trainee",
        on_delete=models.PROTECT,
        related_name="exam_registrations",
        verbose_name=_("考生"),
    )
    source = models.CharField(_("报名方式"), max_length=16, choices=Source.choices)
    employer = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用人单位"),
    )
    training_org = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("培训机构"),
    )
    # the training certificate a training institution forwarded her with (003 §4(4)): its enrolment and
    # its number (the certificates app keeps the certificate; its validity is read through training's
    # extension point `enrolment.certificate`)
    training_enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    training_certificate_number = models.CharField(_("培训合格证书编号"), max_length=40, blank=True)
    # the facts the conditions are evaluated with: {"education": …, "years_in_trade": …,
    # "lower_level": …, "lower_level_on": "YYYY-MM-DD", "degree_major": …, "title": …, "competition": …}
    facts = models.JSONField(_("申报信息"), default=dict)
    route = models.CharField(_("申报路径"), max_length=24, choices=Route.choices, default=Route.STANDARD)
    route_justification = models.TextField(_("路径依据说明"), blank=True)
    route_chosen_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    route_chosen_at = models.DateTimeField(_("路径选定时间"), null=True, blank=True)
    # the Decision (EVL-8, the Art. 23 clause) recording the route chosen and its justification
    route_decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # an employer's registration: how the person works for it (ACT-6, 001 Art. 2)
    workforce_type = models.CharField(_("用工形式"), max_length=16, choices=Workforce.choices, blank=True)
    bulk_import = models.ForeignKey(
        "BulkRegistration", on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    theory_exempt = models.BooleanField(_("免考理论知识"), default=False)
    commitment_signed_at = models.DateTimeField(_("承诺书签署时间"), null=True, blank=True)
    commitment_digest = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_reason = models.TextField(_("审核意见"), blank=True)
    ticket_number = models.CharField(_("准考证号"), max_length=32, null=True, blank=True, unique=True)
    # the random reference the admission ticket's QR code carries (public verification page)
    ticket_token = models.CharField(max_length=43, null=True, blank=True, unique=True, editable=False)
    ticket_issued_at = models.DateTimeField(_("准考证生成时间"), null=True, blank=True)
    seat = models.CharField(_("座位号"), max_length=16, blank=True)
    theory_sitting = models.ForeignKey(
        Sitting, on_delete=models.PROTECT, null=True, blank=True, related_name="theory_candidates"
    )
    practical_sitting = models.ForeignKey(
        Sitting, on_delete=models.PROTECT, null=True, blank=True, related_name="practical_candidates"
    )
    # scores (EVL-7), each on 100 points; practical and review confirmed by the panel leader
    theory_score = models.DecimalField(
        _("理论知识成绩"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    practical_score = models.DecimalField(
        _("技能操作（专业能力）成绩"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    review_score = models.DecimalField(
        _("综合评审成绩"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    result = models.CharField(
        _("结果"), max_length=16, choices=Result.choices, default=Result.PENDING, blank=True
    )
    result_decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("成绩发布时间"), null=True, blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "ticket_number", "id"]
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["person", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status="withdrawn"),
                name="registration_once_per_session",
            )
        ]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")

    def __str__(self) -> str:
        return f"{self.session.number} {self.person.name}"

    def audit_region_code(self) -> str:
        return self.session.region_code


class BulkRegistration(TimeStamped):
    """An employer's xlsx list of its own workforce registered for a session (ACT-6), with its
    per-row report."""

    class Status(models.TextChoices):
        DONE = "done", _("已导入")
        REFUSED = "refused", _("未导入（文件有误）")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="bulk_imports")
    employer = models.ForeignKey("accounts.Org", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    errors = models.JSONField(_("错误"), default=list)
    imported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("集体报名导入")
        verbose_name_plural = _("集体报名导入")

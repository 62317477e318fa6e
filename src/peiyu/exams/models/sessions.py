"""Evaluation plans and exam sessions (EVL-4, EVL-5; seed 001 Art. 18-19): the annual plan an evaluation
institution publishes at the start of the year, and each session (考核批次) run as a workflow through
EVL-5's steps — announcement, registration, eligibility review, room preparation, paper generation,
exam, grading, score notice, certificate data — under an active listing of the institution for its
occupation and level (DIR-1, SUP-7) at an accepted site (EVL-1, EVL-9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import TimeStamped

from .banks import Blueprint, QuestionBank
from .sites import ExamRoom, ExamSite


class EvaluationPlan(TimeStamped):
    """The annual evaluation plan (年度评价计划, EVL-4), public on the portal once published; its text is
    checked for prohibited claims (TRN-9) when published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("编制中")
        PUBLISHED = "published", _("已公布")
        WITHDRAWN = "withdrawn", _("已撤回")

    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="evaluation_plans", verbose_name=_("评价机构")
    )
    region_code = models.CharField(_("地区"), max_length=6, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    notes = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"],
                condition=~models.Q(status="withdrawn"),
                name="evaluation_plan_once_per_year",
            )
        ]
        verbose_name = _("年度评价计划")
        verbose_name_plural = _("年度评价计划")

    def __str__(self) -> str:
        return self.title


class PlanEntry(models.Model):
    """A line of the plan: occupation, level, times, place, application conditions, fee (EVL-4)."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="entries")
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=200)
    level = models.CharField(_("等级"), max_length=16)
    times = models.CharField(_("计划时间"), max_length=200)
    place = models.CharField(_("地点"), max_length=200)
    conditions = models.TextField(_("申报条件"), blank=True)
    fee = models.DecimalField(_("收费标准（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    sessions_planned = models.PositiveSmallIntegerField(_("计划批次"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("计划条目")
        verbose_name_plural = _("计划条目")

    def __str__(self) -> str:
        return str(f"{self.occupation_name} {self.level}")


class EvaluationSession(TimeStamped):
    """An exam session (考核批次) of an evaluation institution (EVL-5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        ANNOUNCED = "announced", _("已发布公告")
        REGISTRATION = "registration", _("报名中")
        ELIGIBILITY = "eligibility", _("资格审核")
        ROOMS = "rooms", _("考场编排")
        PAPERS = "papers", _("试卷生成")
        EXAM = "exam", _("考试中")
        GRADING = "grading", _("阅卷评分")
        NOTICE = "notice", _("成绩公示")
        CERTIFICATES = "certificates", _("证书数据已生成")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("批次编号"), max_length=32, unique=True)
    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="exam_sessions", verbose_name=_("评价机构")
    )
    listing = models.ForeignKey(
        "institutions.Listing", on_delete=models.PROTECT, related_name="exam_sessions"
    )
    plan_entry = models.ForeignKey(
        PlanEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    region_code = models.CharField(_("地区"), max_length=6, db_index=True)
    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=200)
    level = models.CharField(_("等级"), max_length=16)
    direction = models.CharField(_("方向"), max_length=100, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    site = models.ForeignKey(ExamSite, on_delete=models.PROTECT, related_name="sessions")
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    blueprint = models.ForeignKey(
        Blueprint, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    capacity = models.PositiveIntegerField(_("计划人数"), default=0)
    fee = models.DecimalField(_("考核费（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    announcement = models.TextField(_("考核公告"), blank=True)
    registration_opens_on = models.DateField(_("报名开始"))
    registration_closes_on = models.DateField(_("报名截止"))
    theory_starts_at = models.DateTimeField(_("理论考试开始"))
    theory_minutes = models.PositiveIntegerField(_("理论考试时长（分钟）"), default=90)
    practical_on = models.DateField(_("实操考核日期"), null=True, blank=True)
    review_on = models.DateField(_("综合评审日期"), null=True, blank=True)
    # EVL-7: the comprehensive review is required for this session's level (from the profile, stored)
    review_required = models.BooleanField(_("须综合评审"), default=False)
    forms = models.PositiveSmallIntegerField(_("平行试卷套数"), default=2)
    max_overlap = models.FloatField(_("平行卷最大重题率"), default=0.3)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # stored deadlines, computed once when their step starts (core.calendar)
    announce_by = models.DateField(_("公告截止"), null=True, blank=True)
    review_due_on = models.DateField(_("资格审核期限"), null=True, blank=True)
    grading_due_on = models.DateField(_("评分期限"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    cancelled_reason = models.TextField(_("取消原因"), blank=True)
    decision = models.ForeignKey(
        "core.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-theory_starts_at"]
        indexes = [
            models.Index(fields=["region_code", "status"]),
            models.Index(fields=["institution", "occupation_code", "level"]),
        ]
        verbose_name = _("考核批次")
        verbose_name_plural = _("考核批次")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def audit_region_code(self) -> str:
        return self.region_code


class Sitting(TimeStamped):
    """A sitting (场次) of a session in one room: the theory exam, a practical assessment or the
    comprehensive review. It starts only with its internal quality supervisor present (逢考必督, EVL-3)."""

    class Kind(models.TextChoices):
        THEORY = "theory", _("理论知识考试")
        PRACTICAL = "practical", _("技能操作考核")
        REVIEW = "review", _("综合评审")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("待开考")
        OPEN = "open", _("考试中")
        CLOSED = "closed", _("已结束")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="sittings")
    kind = models.CharField(_("科目"), max_length=16, choices=Kind.choices)
    room = models.ForeignKey(ExamRoom, on_delete=models.PROTECT, related_name="sittings")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    proctor = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("监考（考务）人员"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    opened_at = models.DateTimeField(_("开考时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "room"]
        verbose_name = _("考试场次")
        verbose_name_plural = _("考试场次")

    def __str__(self) -> str:
        return f"{self.session.number} {self.get_kind_display()} {self.room.name}"

    def audit_region_code(self) -> str:
        return self.session.region_code


class SeatAssignment(models.Model):
    """A candidate's seat in a sitting (座位编排): one seat number per candidate and sitting, each seat
    of a sitting taken once, numbers from 1 to the room's capacity (the services allocate under the
    sitting's row lock, so two allocations at once never over-fill a room). The registration's
    `theory_sitting`, `practical_sitting` and `seat` mirror the theory and practical rows for the
    admission ticket."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="seats")
    registration = models.ForeignKey(
        "exams.Registration", on_delete=models.PROTECT, related_name="seat_assignments"
    )
    seat_no = models.PositiveSmallIntegerField(_("座位号"))
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sitting", "seat_no"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "seat_no"], name="seat_once_per_sitting"),
            models.UniqueConstraint(fields=["sitting", "registration"], name="candidate_once_per_sitting"),
            models.CheckConstraint(condition=models.Q(seat_no__gte=1), name="seat_no_from_one"),
        ]
        verbose_name = _("座位安排")
        verbose_name_plural = _("座位安排")

    def __str__(self) -> str:
        return f"{self.sitting_id}-{self.seat_no}"

    def audit_region_code(self) -> str:
        return self.sitting.session.region_code

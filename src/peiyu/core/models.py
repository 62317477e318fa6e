from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .checks import Check
    from .policy import Policy


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


NOT_DELETABLE = _("参考数据不可删除，请设置停用日期")


def _refuse_delete() -> NoReturn:
    from .errors import Conflict

    raise Conflict(str(NOT_DELETABLE), code="reference_data_not_deletable")


class ReferenceQuerySet(models.QuerySet[Any]):
    def active(self, on: dt.date | None = None) -> Self:
        on = on or timezone.localdate()
        return self.filter(models.Q(disabled_on__isnull=True) | models.Q(disabled_on__gt=on))

    def delete(self) -> NoReturn:
        # a bulk delete would bypass Model.delete(): reference data is disabled, never deleted
        _refuse_delete()


class NeverDeleted(models.Model):
    """Reference data is never deleted (DESIGN §9): set disabled_on instead."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse_delete()


class ReferenceModel(NeverDeleted):
    """A stable code, a name and a disabled_on date (DESIGN §9)."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    disabled_on = models.DateField(_("停用日期"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.disabled_on is None or self.disabled_on > on

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        from .errors import Conflict

        raise Conflict("参考数据不可删除，请设置停用日期", code="reference_data_not_deletable")


class Holiday(models.Model):
    """An official day that differs from the weekday/weekend default. Administrators enter years the
    chinesecalendar package lacks; an entry here overrides the package for its date."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休息）")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class PolicyProfile(models.Model):
    """A named body of policy parameters (RULES.md §12) for one programme and jurisdiction."""

    name = models.SlugField(_("名称"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    programme = models.CharField(_("项目"), max_length=16)
    region_code = models.CharField(_("适用地区"), max_length=6, blank=True, help_text=_("空表示全国"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("继承自"),
    )
    source = models.TextField(_("依据"), blank=True)

    class Meta:
        ordering = ["programme", "region_code", "name"]
        verbose_name = _("政策配置")
        verbose_name_plural = _("政策配置")

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """One immutable version of a profile. Editing a profile appends a version; decisions reference
    the version they applied, so the reason for an old decision never changes."""

    profile = models.ForeignKey(PolicyProfile, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    parameters = models.JSONField(_("参数"), default=dict)
    content_sha256 = models.CharField(max_length=64)
    note = models.CharField(_("修订说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["profile", "-version"]
        constraints = [models.UniqueConstraint(fields=["profile", "version"], name="policy_version_unique")]
        indexes = [models.Index(fields=["profile", "effective_from"])]
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")

    def __str__(self) -> str:
        return f"{self.profile.name}@v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and not kwargs.pop("_allow_update", False):
            from .errors import Conflict

            raise Conflict("政策版本不可修改，请新建版本", code="policy_version_immutable")
        super().save(*args, **kwargs)


class Decision(models.Model):
    """Why the platform decided something automatically: the checks it ran (rule id, outcome, facts)
    and the policy version in force. Every automated decision of every app writes one."""

    subject_type = models.CharField(max_length=100, db_index=True)
    subject_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(_("决定类型"), max_length=64)
    outcome = models.CharField(_("结果"), max_length=32)
    rules = models.JSONField(_("适用规则"), default=list)
    checks = models.JSONField(_("检查项"), default=list)
    policy_name = models.CharField(max_length=64, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    policy_chain = models.CharField(max_length=200, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}#{self.subject_id}: {self.outcome}"

    @classmethod
    def record(
        cls,
        subject_type: str,
        subject_id: object,
        *,
        kind: str,
        outcome: str,
        checks: Iterable[Check],
        policy: Policy | None = None,
        rules: Iterable[str] = (),
        **extra: Any,
    ) -> Decision:
        """Store a decision: the checks it ran (core.checks.Check), every rule id they and `rules`
        cite, and the stamp of the policy in force (core.policy.Policy)."""
        return cls.objects.create(
            subject_type=subject_type,
            subject_id=str(subject_id),
            kind=kind,
            outcome=outcome,
            rules=sorted({c.rule for c in checks} | set(rules)),
            checks=[c.as_dict() for c in checks],
            **(policy.stamp() if policy is not None else {}),
            **extra,
        )


class TransitionLog(models.Model):
    """Each state change of any workflow object (DESIGN §4), readable in the object's history."""

    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id}: {self.from_status} → {self.to_status}"

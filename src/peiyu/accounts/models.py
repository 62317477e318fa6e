from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import NeverDeleted, ReferenceQuerySet, TimeStamped


class Region(NeverDeleted):
    """GB/T 2260 administrative division: province xx0000, city xxxx00, district xxxxxx."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("市级")
        DISTRICT = 3, _("县级")

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    disabled_on = models.DateField(_("停用日期"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        parts: list[str] = []
        node: Region | None = self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "".join(reversed(parts))

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Org(TimeStamped):
    class Kind(models.TextChoices):
        PLATFORM = "platform", _("平台运营单位")
        COORDINATION_GROUP = "coordination_group", _("工程指导协调小组办公室")
        HRSS_PROVINCE = "hrss_province", _("省级人社部门")
        HRSS_CITY = "hrss_city", _("市（州）级人社部门")
        HRSS_DISTRICT = "hrss_district", _("区（市）县人社部门")
        CAPACITY_CENTRE = "capacity_centre", _("市职业能力建设指导中心")
        INDUSTRY_AUTHORITY = "industry_authority", _("行业主管部门")
        INSTITUTION = "institution", _("培训评价机构")
        ONLINE_PLATFORM = "online_platform", _("线上培训平台")

    GOVERNMENT_KINDS = frozenset(
        {
            "coordination_group",
            "hrss_province",
            "hrss_city",
            "hrss_district",
            "capacity_centre",
            "industry_authority",
        }
    )

    class Status(models.TextChoices):
        """An institution that signs itself up waits for its region's HRSS bureau (accounts/flows.py);
        every other organisation is registered confirmed."""

        PENDING = "pending", _("待确认")
        RETURNED = "returned", _("已退回")
        CONFIRMED = "confirmed", _("已确认")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("所在地区")
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True)
    industry_code = models.CharField(_("行业"), max_length=8, blank=True)
    recommended_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommended_orgs",
        verbose_name=_("推荐（主管）部门"),
        help_text=_("行业主管部门按“谁推荐、谁负责”管理其推荐的机构（ACT-5、ACT-8）"),
    )
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    status = models.CharField(
        _("注册状态"), max_length=16, choices=Status.choices, default=Status.CONFIRMED, db_index=True
    )
    legal_rep_name = models.CharField(_("法定代表人"), max_length=64, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    signup_due_on = models.DateField(_("确认期限"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "region_id", "name"]
        indexes = [models.Index(fields=["kind", "region"]), models.Index(fields=["region"])]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    @property
    def is_government(self) -> bool:
        return self.kind in self.GOVERNMENT_KINDS

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = EncryptedTextField(_("手机号码"), blank=True, default="")
    primary_org = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所属单位"),
    )
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def region_code(self) -> str:
        org = self.primary_org if self.primary_org_id else None
        return org.region_id if org is not None and org.region_id else ""


class Role(models.Model):
    """Roles are data (accounts/roles.yaml, editable by the system administrator); the capabilities
    they grant are defined in code (capabilities.py) so a role can only grant what exists."""

    class Separation(models.TextChoices):
        SYSTEM = "system", _("系统管理")
        SECURITY = "security", _("安全管理")
        AUDIT = "audit", _("安全审计")

    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(max_length=64, blank=True)
    description = models.TextField(_("说明"), blank=True)
    org_kinds = models.JSONField(_("适用单位类型"), default=list)
    capabilities = models.JSONField(_("权限"), default=list)

    class Scope(models.TextChoices):
        REGION = "region", _("本辖区及下级")
        RECOMMENDED = "recommended", _("本部门推荐的机构")
        ORG = "org", _("本单位")
        SELF = "self", _("本人")

    separation = models.CharField(_("三员分立"), max_length=16, choices=Separation.choices, blank=True)
    scope = models.CharField(_("数据范围"), max_length=16, choices=Scope.choices, default=Scope.SELF)
    is_official = models.BooleanField(_("公务人员（须双因素认证）"), default=False)
    delegable = models.BooleanField(
        _("可由本单位管理员分配"), default=False, help_text=_("机构管理员可把该角色分配给本单位人员")
    )
    disabled_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The role's name in the interface language (roles are data, so not in the .po catalog)."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        now = on or timezone.now()
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=now), valid_from__lte=now)


class RoleAssignment(models.Model):
    """Role × org × region for one user. `separation` mirrors the role's three-role class so a
    partial unique index lets no user hold two of system / security / audit administration."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="assignments")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    separation = models.CharField(max_length=16, blank=True)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=~models.Q(separation="") & models.Q(valid_to__isnull=True),
                name="one_admin_role_per_user",
                violation_error_message=_("系统管理员、安全管理员、审计管理员须由不同人员担任（三员分立）"),
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_to"])]
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.org}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""


class ApiToken(models.Model):
    """A bearer token for the API. Only its SM3 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"


class PasswordResetCode(models.Model):
    """A one-time code for a self-service password reset: only its keyed digest is stored; it expires,
    allows a few attempts and is spent by one successful reset (accounts/services/passwords.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    channel = models.CharField(_("发送方式"), max_length=8)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]
        verbose_name = _("密码重置验证码")
        verbose_name_plural = _("密码重置验证码")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

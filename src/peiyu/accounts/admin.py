from axes.models import AccessAttempt
from django.contrib import admin, messages

from peiyu.core.admin_site import CapabilityAdmin, site
from peiyu.core.errors import DomainError
from peiyu.core.identifiers import mask_phone

from .models import Org, Region, Role, RoleAssignment, User
from .selectors.orgs import orgs_visible_to
from .selectors.users import users_visible_to
from .services.users import user_unlock


@admin.register(Region, site=site)
class RegionAdmin(CapabilityAdmin):
    list_display = ("code", "name", "level", "parent", "disabled_on")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Org, site=site)
class OrgAdmin(CapabilityAdmin):
    view_capability = "org.view"
    change_capability = "org.manage"
    list_display = ("name", "kind", "region", "uscc", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "uscc")
    raw_id_fields = ("region", "recommended_by")
    readonly_fields = ("status", "signup_due_on")  # moved by the sign-up services (flows.ORG_FLOW)

    def get_queryset(self, request):
        return orgs_visible_to(request.user)


@admin.register(Role, site=site)
class RoleAdmin(CapabilityAdmin):
    view_capability = "user.manage"
    change_capability = "reference.manage"
    list_display = ("code", "name", "scope", "separation", "is_official")


class AssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "org", "region", "valid_from", "valid_to", "granted_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # roles are granted through the service (three-role separation, scope, audit)


@admin.register(User, site=site)
class UserAdmin(CapabilityAdmin):
    view_capability = "user.view"
    change_capability = "user.manage"
    list_display = ("username", "full_name", "primary_org", "masked_phone", "is_active", "last_login")
    search_fields = ("username", "full_name")
    fields = ("username", "full_name", "email", "primary_org", "is_active")
    readonly_fields = ("username",)
    inlines = [AssignmentInline]
    actions = ["unlock"]

    def get_queryset(self, request):
        return users_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # users are created through the service (password rules, scope, audit)

    @admin.display(description="手机号码")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.action(description="解除登录锁定")
    def unlock(self, request, queryset):
        for user in queryset:
            try:
                user_unlock(actor=request.user, user=user, reason="管理员解除锁定")
            except DomainError as exc:
                messages.error(request, f"{user}: {exc.message}")


@admin.register(AccessAttempt, site=site)
class AccessAttemptAdmin(CapabilityAdmin):
    view_capability = "user.unlock"
    change_capability = "__nobody__"
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    search_fields = ("username",)

    def get_queryset(self, request):
        names = users_visible_to(request.user).values_list("username", flat=True)
        return super().get_queryset(request).filter(username__in=names)

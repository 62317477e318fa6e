from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import NavItem, TodoItem, register_nav, register_todo


def _locked_accounts(user) -> list[TodoItem]:
    """Security administrators see accounts locked after failed logins in their scope."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.urls import reverse

    from .scoping import capabilities_of
    from .selectors import users_visible_to

    if "user.unlock" not in capabilities_of(user):
        return []
    locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    names = set(locked.values_list("username", flat=True)[:200])
    visible = users_visible_to(user).filter(username__in=names).values_list("username", flat=True)
    return [
        TodoItem(
            title=str(_("账户已锁定：%(name)s") % {"name": name}),
            url=reverse("admin:axes_accessattempt_changelist"),
            rule="SEC-1",
            kind="lockout",
        )
        for name in visible
    ]


def register() -> None:
    register_nav(NavItem("occupations", _("职业目录"), "catalogs:occupation_list", "home.view", order=800))
    register_nav(NavItem("policies", _("政策依据"), "portal:policies", "policy.view", order=810))
    register_nav(NavItem("admin", _("系统管理"), "admin:index", "reference.manage", order=900))
    register_nav(
        NavItem("users", _("用户与角色"), "admin:accounts_user_changelist", "user.manage", order=910)
    )
    register_todo("accounts.locked", _locked_accounts)

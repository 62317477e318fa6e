"""What accounts plugs in: who holds which capability and scope (for core.permissions), the menu entries
of administration, the locked-accounts to-do, and the sign-in audit signals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.permissions import set_capability_checker, set_scope_provider
from peiyu.core.registry import NavItem, register_nav, register_todo


def register() -> None:
    from . import signals, todos
    from .scoping import capabilities_of, scope_for

    set_capability_checker(lambda user, cap: cap in capabilities_of(user))
    set_scope_provider(scope_for)
    register_nav(NavItem("admin", _("系统管理"), "admin:index", "reference.manage", order=900))
    register_nav(
        NavItem("users", _("用户与角色"), "admin:accounts_user_changelist", "user.manage", order=910)
    )
    register_todo("accounts.locked", todos.locked_accounts)
    signals.connect()

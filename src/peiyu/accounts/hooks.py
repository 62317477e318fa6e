"""What accounts plugs in: who holds which capability and scope (for core.permissions), the menu entries
of administration, the to-dos (locked accounts, sign-ups to confirm), the demo section of journey 12,
and the sign-in audit signals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.permissions import set_capability_checker, set_scope_provider
from peiyu.core.registry import (
    DemoLogin,
    NavItem,
    register_demo_accounts,
    register_demo_section,
    register_nav,
    register_todo,
)


def register() -> None:
    from . import signals, todos
    from .demo import section as demo
    from .scoping import capabilities_of, scope_for

    set_capability_checker(lambda user, cap: cap in capabilities_of(user))
    set_scope_provider(scope_for)
    register_nav(NavItem("admin", _("系统管理"), "admin:index", "reference.manage", order=900))
    register_nav(NavItem("users", _("账户管理"), "accounts:user_list", "user.manage", order=910))
    register_nav(NavItem("signups", _("机构注册确认"), "accounts:signup_list", "org.confirm", order=240))
    register_nav(NavItem("staff", _("本单位人员"), "accounts:staff_list", "org.staff_manage", order=880))
    register_todo("accounts.locked", todos.locked_accounts)
    register_todo("accounts.signups", todos.signups_to_confirm)
    register_demo_section("accounts", demo.build)
    register_demo_accounts(
        "accounts",
        [
            DemoLogin(
                "qiming_admin", (12,), "沈阳启明：注册待沈阳市人社局确认；确认后新增申报专员、培训管理员"
            ),
            DemoLogin(
                "ln_secadmin",
                (12,),
                "辽宁省安全管理员：账户管理，从 Excel 批量创建（示例 " + demo.SAMPLE_HINT + "）",
            ),
        ],
    )
    signals.connect()

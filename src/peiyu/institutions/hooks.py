"""What the directory plugs in: its menu entries, workbench to-dos, `peiyu tick` handlers, demo section
and the signals that keep the public catalog's cache fresh."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import (
    DemoLogin,
    NavItem,
    register_demo_accounts,
    register_demo_section,
    register_nav,
    register_tick,
    register_todo,
)

# the menu folds these under one entry for whoever sees several of them (core.registry.NavItem.group)
DIRECTORY_GROUP = _("机构遴选")


def register() -> None:
    from . import signals, tick_handlers, todos
    from .demo import section as demo
    from .rules.panels import POOL_CAPABILITIES
    from .selectors import catalog_index
    from .selectors.experts import has_expert_record
    from .selectors.scope import REVIEW_CAPS

    register_nav(
        NavItem(
            "applications",
            _("机构申报"),
            "directory:application_list",
            "application.submit",
            group=DIRECTORY_GROUP,
            order=200,
        )
    )
    register_nav(
        NavItem(
            "calls", _("申报通知管理"), "directory:call_list", "call.manage", group=DIRECTORY_GROUP, order=205
        )
    )
    register_nav(
        NavItem(
            "review",
            _("申报审核"),
            "directory:review_queue",
            "|".join(REVIEW_CAPS),
            group=DIRECTORY_GROUP,
            order=210,
        )
    )
    register_nav(
        NavItem(
            "listings",
            _("机构目录管理"),
            "directory:listing_list",
            "listing.view|listing.manage",
            group=DIRECTORY_GROUP,
            order=220,
        )
    )
    register_nav(NavItem("expert", _("专家评议"), "directory:expert_assignments", "expert.review", order=230))
    register_nav(
        NavItem(
            "expert_pool",
            _("专家库"),
            "directory:expert_list",
            "|".join(POOL_CAPABILITIES),
            group=DIRECTORY_GROUP,
            order=232,
        )
    )
    register_nav(
        NavItem(
            "expert_declarations",
            _("我的回避申报"),
            "directory:my_declarations",
            "expert.review",
            order=234,
            shown_to=has_expert_record,
        )
    )
    register_nav(NavItem("catalog", _("公开目录"), "catalog:list", "home.view", order=790))
    register_todo("institutions.official", todos.official_todos)
    register_todo("institutions.institution", todos.institution_todos)
    register_todo("institutions.expert", todos.expert_todos)
    register_tick("institutions.listings", tick_handlers.listings_due)
    register_tick("institutions.notices", tick_handlers.notices_due)
    register_tick("institutions.calls", tick_handlers.calls_due)
    register_demo_section("institutions", demo.build)
    register_demo_accounts(
        "institutions",
        [
            DemoLogin("cd_social4_admin", (5,), "成都第四家电工社评组织：看到不予备案的理由（SEL-6）"),
            DemoLogin("expert_li", (12,), "专家：在“我的回避申报”中维护本人应回避的单位（SEL-8）"),
        ],
    )
    signals.connect()
    catalog_index.connect()  # the SQLite function the catalog's keyword index triggers call

"""What audit plugs in: the chain check's menu entry and its background task."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import NavItem, register_nav, register_task


def register() -> None:
    from . import tasks

    register_nav(NavItem("audit_verify", _("审计链校验"), "audit:verify", "audit.verify", order=920))
    register_task(tasks.verify_chain_task)

"""What the public portal plugs in: the menu entry of the policies in force."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import NavItem, register_nav


def register() -> None:
    register_nav(NavItem("policies", _("政策依据"), "portal:policies", "policy.view", order=810))

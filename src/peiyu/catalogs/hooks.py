"""What the reference catalogs plug in: the occupation catalog's menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import NavItem, register_nav


def register() -> None:
    register_nav(NavItem("occupations", _("职业目录"), "catalogs:occupation_list", "home.view", order=800))

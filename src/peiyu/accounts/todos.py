"""To-dos of accounts on the workbench: security administrators see accounts locked after failed
logins in their scope (registered by accounts.hooks)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import TodoItem


def locked_accounts(user: Any) -> list[TodoItem]:
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

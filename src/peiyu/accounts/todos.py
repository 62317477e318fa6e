"""To-dos of accounts on the workbench: security administrators see accounts locked after failed
logins in their scope; a bureau sees its region's institution sign-ups to confirm, with their deadline
(registered by accounts.hooks)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import TodoItem


def locked_accounts(user: Any) -> list[TodoItem]:
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.urls import reverse

    from .scoping import capabilities_of
    from .selectors.users import users_visible_to

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


def signups_to_confirm(user: Any) -> list[TodoItem]:
    """Institutions' sign-ups waiting for the bureau of their region, with the confirmation deadline."""
    from django.urls import reverse
    from django.utils import timezone

    from .models import Org
    from .scoping import capabilities_of
    from .selectors.signups import signups_to_confirm as pending

    if "org.confirm" not in capabilities_of(user):
        return []
    today = timezone.localdate()
    rows = pending(user).filter(status=Org.Status.PENDING)[:100]
    return [
        TodoItem(
            title=str(_("确认机构注册：%(name)s") % {"name": org.name}),
            url=reverse("accounts:signup_detail", args=[org.pk]),
            deadline=org.signup_due_on,
            rule="SEL-1",
            detail=str(
                _("统一社会信用代码 %(uscc)s，法定代表人 %(rep)s")
                % {"uscc": org.uscc, "rep": org.legal_rep_name}
            ),
            kind="signup",
            overdue=bool(org.signup_due_on and org.signup_due_on < today),
        )
        for org in rows
    ]

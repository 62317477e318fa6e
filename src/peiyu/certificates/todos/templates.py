"""To-dos of certificate templates on the officials' workbench: templates held for a decision because the
issuer's own legal name carries a restricted word (CRT-2), for the officials of the issuer's province."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 200


def templates_held(user: Any) -> list[TodoItem]:
    from ..selectors.templates import templates_held_for

    return [
        TodoItem(
            title=_("证书样式待决定：%(inst)s · %(title)s") % {"inst": t.institution.name, "title": t.title},
            url=reverse("certificates:template_detail", args=[t.pk]),
            rule="CRT-2",
            detail=t.hold_reason[:120],
            kind="certificate_template_held",
        )
        for t in templates_held_for(user)[:LIMIT]
    ]

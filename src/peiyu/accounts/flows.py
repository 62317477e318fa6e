"""The state machine of accounts (DESIGN §4, ADR 0001): an institution's sign-up. An institution that
signs itself up on the portal waits (pending) for the HRSS bureau of its region, which confirms it or
returns it with a reason; a returned sign-up is corrected and resubmitted. Every other organisation is
registered confirmed. Audit events: `org.created`, `org.confirmed`, `org.returned`, `org.pending`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.workflow import Action, Workflow

from .models import Org

O = Org.Status  # noqa: E741

CONFIRM_CAPABILITY = "org.confirm"

ORG_FLOW = Workflow(
    Org,
    {
        O.PENDING: {O.CONFIRMED, O.RETURNED},
        O.RETURNED: {O.PENDING},
    },
    name="org",
    actions=[
        Action("confirm", O.CONFIRMED, _("确认注册"), CONFIRM_CAPABILITY),
        Action("return", O.RETURNED, _("退回修改"), CONFIRM_CAPABILITY),
        Action("resubmit", O.PENDING, _("修改后重新提交"), "org.staff_manage"),
    ],
)

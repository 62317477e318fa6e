"""What the actor may do now with a sign-up or an account: the verbs of flows.ORG_FLOW cut to the
actor's capability and scope, and the account verbs (disable, enable, reset, unlock). The pages show
their buttons from these lists; the services check again."""

from __future__ import annotations

from peiyu.core.workflow import Action

from ..flows import ORG_FLOW
from ..models import Org, User
from ..scoping import scope_for


def signup_allowed_actions(actor, org: Org) -> list[str]:
    def permits(action: Action) -> bool:
        scope = scope_for(actor, action.capability)
        if action.capability == "org.staff_manage":
            return org.pk in scope.org_ids
        return scope.covers_region(org.region_id or "") if scope.region_prefixes else False

    return ORG_FLOW.allowed_actions(org, permits)


def account_allowed_actions(actor, user: User, capability: str = "user.manage") -> list[str]:
    """disable/enable, reset_password (and unlock for holders of user.unlock) on an account the actor
    administers; nothing on their own."""
    if actor is None or actor.pk == user.pk:
        return []
    scope = scope_for(actor, capability)
    reach = user.primary_org_id in scope.org_ids or (
        bool(scope.region_prefixes) and scope.covers_region(user.region_code)
    )
    if not reach:
        return []
    verbs = ["disable" if user.is_active else "enable", "reset_password"]
    if scope_for(actor, "user.unlock").covers_region(user.region_code):
        verbs.append("unlock")
    return verbs

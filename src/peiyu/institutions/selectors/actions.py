"""`allowed_actions` of every directory object: the verbs of its workflow table (institutions.flows)
open from its status now, which this actor may use on this object — the capability of the verb AND
its scope, judged with the same scope functions the services use. The API details and the pages
both show this list, so no template restates a state rule; the services check again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.core.errors import NotFound, PermissionDenied
from peiyu.core.workflow import Action, Workflow

from ..flows import (
    APPLICATION_FLOW,
    CALL_FLOW,
    CHANGE_REQUEST_FLOW,
    LISTING_FLOW,
    OBJECTION_FLOW,
    PANEL_FLOW,
    PANEL_MEMBER_FLOW,
    PUBLIC_NOTICE_FLOW,
    RENEWAL_FLOW,
)
from ..models import (
    Application,
    Call,
    ChangeRequest,
    Listing,
    Objection,
    Panel,
    PanelMember,
    PublicNotice,
    Renewal,
)
from .calls import call_profile
from .changes import change_step
from .experts import is_expert, is_pool_official
from .quotas import quota_check
from .renewals import renewal_decider_kinds
from .scope import actor_may_act

# The kinds of review step a "pass" concludes (the notice and filing steps have their own verbs).
PASSING_STEPS = frozenset({"recommend", "review", "expert_review", "decide"})


def may(actor, capability: str, *, region_code: str | None = None, org_id: int | None = None) -> bool:
    """Whether `require(actor, capability, region_code=…, org_id=…)` would let the actor through."""
    if not capability:
        return False
    try:
        require(actor, capability, region_code=region_code, org_id=org_id)
    except (PermissionDenied, NotFound):
        return False
    return True


def allowed(flow: Workflow, obj, permits: Callable[[Action], bool]) -> list[str]:
    return flow.allowed_actions(obj, permits)


def _org(actor) -> Org | None:
    return getattr(actor, "primary_org", None)


# --- applications ------------------------------------------------------------------------------------


def _step_verb_open(verb: str, step_action: str) -> bool:
    if verb == "pass":
        return step_action in PASSING_STEPS
    if verb == "notice":
        return step_action == "notice"
    if verb == "file":
        return step_action == "file"
    if verb in ("return", "reject"):
        return step_action != "notice"  # the notice step neither returns nor rejects by hand
    return False


def application_allowed_actions(actor, app: Application) -> list[str]:
    """The institution's verbs (submit, withdraw) for its own application; the step verbs for the
    official who may act on the current step of the route. `override` (pass a failed check with a
    reason) joins `pass` while a failed check is still open."""
    step = app.current_step
    on_step = step is not None and actor_may_act(actor, app, step)

    def permits(action: Action) -> bool:
        if action.capability:
            return may(actor, action.capability, org_id=app.institution_id)
        return step is not None and on_step and _step_verb_open(action.name, step["action"])

    verbs = allowed(APPLICATION_FLOW, app, permits)
    if "pass" in verbs and step is not None and step["action"] == "recommend":
        quota = quota_check(app, step)
        if quota is not None and not quota.ok:  # recommending is refused when every place is taken (SEL-6)
            verbs.remove("pass")
    if "pass" in verbs and [r for r in app.checks_failed if r not in app.checks_overridden]:
        verbs.append("override")
    return verbs


# --- calls --------------------------------------------------------------------------------------------


def call_allowed_actions(actor, call: Call) -> list[str]:
    """publish / close for the officials managing calls in the call's region whose kind of body the
    call's profile names as the publisher (`call_issuers`); `edit` while a draft."""
    org = _org(actor)
    manages = (
        may(actor, "call.manage", region_code=call.region_id or "")
        and org is not None
        and org.kind in (call_profile(call).get("call_issuers") or [])
    )
    verbs = allowed(CALL_FLOW, call, lambda _action: manages)
    if manages and call.status == Call.Status.DRAFT:
        verbs.insert(0, "edit")
    return verbs


# --- listings, renewals, changes -----------------------------------------------------------------------


def listing_allowed_actions(actor, listing: Listing) -> list[str]:
    """suspend / reinstate / remove for officials managing the listing's region; terminate for the
    institution, once."""

    def permits(action: Action) -> bool:
        if action.capability == "listing.manage":
            return may(actor, action.capability, region_code=listing.region_id)
        if action.name == "terminate" and hasattr(listing, "termination"):
            return False
        return may(actor, action.capability, org_id=listing.institution_id)

    return allowed(LISTING_FLOW, listing, permits)


def renewal_allowed_actions(actor, renewal: Renewal) -> list[str]:
    """submit for the institution; approve / reject for the body that decides renewals (DIR-2, DIR-4)."""
    listing = renewal.listing
    org = _org(actor)

    def permits(action: Action) -> bool:
        if action.capability == "listing.manage":
            return (
                may(actor, action.capability, region_code=listing.region_id)
                and org is not None
                and org.kind in renewal_decider_kinds(listing)
            )
        return may(actor, action.capability, org_id=listing.institution_id)

    return allowed(RENEWAL_FLOW, renewal, permits)


def change_request_allowed_actions(actor, change: ChangeRequest) -> list[str]:
    """The next body of the change's route (DIR-5): review (Chengdu district) or apply, and reject."""
    if change.status not in CHANGE_REQUEST_FLOW.transitions:
        return []
    org_kind, to_status = change_step(change)
    org = _org(actor)
    if org is None or org.kind != org_kind:
        return []
    if not may(actor, "listing.view", region_code=change.listing.region_id):
        return []

    def permits(action: Action) -> bool:
        return action.to in (to_status, ChangeRequest.Status.REJECTED)

    return allowed(CHANGE_REQUEST_FLOW, change, permits)


# --- notices and objections ----------------------------------------------------------------------------


def _notice_step(app: Application) -> dict | None:
    return next((s for s in app.route if s["action"] == "notice"), None)


def public_notice_allowed_actions(actor, notice: PublicNotice, on: dt.date | None = None) -> list[str]:
    """A notice ends by itself when its days have passed (`peiyu tick`), so its table offers people
    no verb; `object` (anyone, no account) is open while the notice runs."""
    verbs = allowed(PUBLIC_NOTICE_FLOW, notice, lambda _action: False)
    today = on or timezone.localdate()
    if (
        PUBLIC_NOTICE_FLOW.can(notice, PublicNotice.Status.ENDED)
        and notice.starts_on <= today <= notice.ends_on
    ):
        verbs.append("object")
    return verbs


def objection_allowed_actions(actor, objection: Objection) -> list[str]:
    """uphold / dismiss for the body that runs the notice step of the application (SEL-7)."""
    step = _notice_step(objection.application)
    decides = step is not None and actor_may_act(actor, objection.application, step)
    return allowed(OBJECTION_FLOW, objection, lambda _action: decides)


# --- panels --------------------------------------------------------------------------------------------


def panel_allowed_actions(actor, panel: Panel) -> list[str]:
    """close for the officials of the organising body."""
    owner = is_pool_official(actor, panel.owner_id)
    return allowed(PANEL_FLOW, panel, lambda _action: owner)


def panel_member_allowed_actions(actor, member: PanelMember, panel: Panel | None = None) -> list[str]:
    """decline for the expert or the organising officials while the panel is open; accept (by
    scoring) for the expert."""
    panel = panel or member.panel
    if panel.status != Panel.Status.OPEN:
        return []
    expert = is_expert(actor, member.expert)
    official = is_pool_official(actor, panel.owner_id)

    def permits(action: Action) -> bool:
        if action.name == "accept":
            return expert
        return expert or official

    return allowed(PANEL_MEMBER_FLOW, member, permits)

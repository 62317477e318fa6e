"""What a user may do with one training record now: the verbs of its workflow table (training/flows.py)
open from its status, cut to the actor's capability and scope. One helper for the app
(`allowed_actions`), one selector per object type; the API details return the list as
`allowed_actions` and the pages show their buttons from it, so no template restates a state rule.
The services check again when the action is taken."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from peiyu.accounts.scoping import scope_for
from peiyu.core.workflow import Action, Workflow

from ..flows import (
    ANOMALY_FLOW,
    CLASS_FLOW,
    ENROLMENT_FLOW,
    MANAGE,
    PLAN_FLOW,
    REPORT_FLOW,
    SUPERVISE,
)
from ..models import Anomaly, Enrolment, TrainingClass, TrainingPlan, TrainingReport
from ..rules.process import needs_opening
from .classes import may_decide_opening, may_inspect
from .scope import manages_class


def allowed_actions(
    flow: Workflow,
    obj: models.Model,
    *,
    manages: bool,
    supervises: bool = False,
    also: Callable[[Action], bool] = lambda _a: True,
) -> list[str]:
    """The verbs of `flow` open from `obj`'s status for an actor who `manages` the record (its
    institution, training.manage) or `supervises` it (an official over its region, training.supervise);
    an action without a capability needs either. `also` adds the object's own conditions."""

    def permits(action: Action) -> bool:
        if action.capability == MANAGE:
            ok = manages
        elif action.capability == SUPERVISE:
            ok = supervises
        else:
            ok = manages or supervises
        return ok and also(action)

    return flow.allowed_actions(obj, permits)


def plan_allowed_actions(actor, plan: TrainingPlan) -> list[str]:
    return allowed_actions(
        PLAN_FLOW, plan, manages=plan.institution_id in scope_for(actor, "training.manage").org_ids
    )


def class_allowed_actions(actor, klass: TrainingClass) -> list[str]:
    """A 合格证类 class opens on an approved opening application, any other is started (TRN-12); the
    opening is decided by the bureau of the class's region."""
    opening = needs_opening(klass.plan.cert_type)

    def also(action: Action) -> bool:
        if action.name == "request_opening":
            return opening
        if action.name == "start":
            return not opening
        if action.name in ("approve_opening", "refuse_opening"):
            return may_decide_opening(actor, klass)
        return True

    return allowed_actions(
        CLASS_FLOW,
        klass,
        manages=manages_class(actor, klass),
        supervises=may_inspect(actor, klass),
        also=also,
    )


def enrolment_allowed_actions(actor, enrolment: Enrolment) -> list[str]:
    """The class's institution, or the trainee for their own enrolment, may withdraw it."""
    own = enrolment.trainee.user_id is not None and enrolment.trainee.user_id == getattr(actor, "pk", None)
    return allowed_actions(ENROLMENT_FLOW, enrolment, manages=own or manages_class(actor, enrolment.klass))


def anomaly_role(actor, klass: TrainingClass) -> str | None:
    """'official' when the actor supervises the class (its region, or the industry authority of an
    industry-led plan), 'institution' when the actor manages its institution, else None."""
    supervise = scope_for(actor, "training.supervise")
    if supervise.granted:
        if supervise.covers_region(klass.region_id):
            return "official"
        if klass.plan.supervising_authority_id and klass.plan.supervising_authority_id == getattr(
            actor, "primary_org_id", None
        ):
            return "official"
    manage = scope_for(actor, "training.manage")
    if manage.granted and klass.plan.institution_id in manage.org_ids:
        return "institution"
    return None


def anomaly_allowed_actions(actor, anomaly: Anomaly) -> list[str]:
    """The institution explains an open anomaly; an official explains or confirms it (an explained
    one may still be confirmed); a confirmed one is final."""
    role = anomaly_role(actor, anomaly.klass)

    def also(action: Action) -> bool:
        return role == "official" or anomaly.status == Anomaly.Status.OPEN

    return allowed_actions(
        ANOMALY_FLOW, anomaly, manages=role == "institution", supervises=role == "official", also=also
    )


def report_allowed_actions(actor, report: TrainingReport) -> list[str]:
    return allowed_actions(REPORT_FLOW, report, manages=manages_class(actor, report.klass))

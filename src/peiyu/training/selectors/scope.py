"""Reads of the training app, scoped (DESIGN conventions §5): an institution sees its own records, the
province and the city of a plan's training region see it (TRN-2: filed with both, who can query it),
an industry authority sees the industry-led plans it supervises (TRN-12). Out of scope is 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peiyu.accounts.masking import Disclosure, personal_view, personal_views
from peiyu.accounts.scoping import scope_for
from peiyu.core.lookups import one_or_404

from ..models import CertType, Teacher, TrainingClass, TrainingPlan


def _training_scope(actor, *, org: str, region: str) -> tuple[Q, Q]:
    """(what the institution manages, what officials supervise) for records whose institution id is
    at `org` and whose region code is at `region`."""
    manage, supervise = scope_for(actor, "training.manage"), scope_for(actor, "training.supervise")
    return (
        manage.q(org=org) if manage.granted else Q(pk__in=[]),
        supervise.q(region=region) if supervise.granted else Q(pk__in=[]),
    )


def plans_visible_to(actor) -> QuerySet[TrainingPlan]:
    own, supervised = _training_scope(actor, org="institution_id", region="region_id")
    org_id = getattr(actor, "primary_org_id", None)
    if org_id and scope_for(actor, "training.supervise").granted:
        supervised |= Q(supervising_authority_id=org_id)
    # a draft is the institution's own until it is filed
    q = own | (supervised & ~Q(status=TrainingPlan.Status.DRAFT))
    return TrainingPlan.objects.filter(q).select_related("institution", "listing", "region", "decision")


def plan_get_for(actor, plan_id) -> TrainingPlan:
    return one_or_404(plans_visible_to(actor), pk=plan_id)


def teachers_visible_to(actor) -> QuerySet[Teacher]:
    own, supervised = _training_scope(actor, org="institution_id", region="institution__region_id")
    return Teacher.objects.filter(own | supervised).select_related("institution")


def class_q(actor, prefix: str = "") -> Q:
    """The classes the actor may see, as a filter on the model that reaches the class through `prefix`
    ('' for the class itself, 'klass__', 'enrolment__klass__'): the institution's own classes; once a
    class is out of draft, the officials of its region (TRN-2, ACT-8) and, for an industry-led plan,
    the industry authority that supervises it (TRN-12). Every training read about a class uses this."""
    own, supervised = _training_scope(actor, org=f"{prefix}plan__institution_id", region=f"{prefix}region_id")
    org_id = getattr(actor, "primary_org_id", None)
    if org_id and scope_for(actor, "training.supervise").granted:
        supervised |= Q(
            **{
                f"{prefix}plan__supervising_authority_id": org_id,
                f"{prefix}plan__cert_type": CertType.INDUSTRY,
            }
        )
    return own | (supervised & ~Q(**{f"{prefix}status": TrainingClass.Status.DRAFT}))


def manages_class(actor, klass: TrainingClass) -> bool:
    """Whether the actor manages the class's institution (training.manage)."""
    return klass.plan.institution_id in scope_for(actor, "training.manage").org_ids


def class_disclosure(actor, klass: TrainingClass, *, what: str, count: int | None = None) -> Disclosure:
    """How the actor sees the people of a class (DESIGN §7): in full for the supervising officials of
    the class's region and the staff of its institution who hold personal_data.view_full (each such
    view audited), masked for everyone else."""
    return personal_view(
        actor, klass, what=what, region_code=klass.region_id, org_id=klass.plan.institution_id, count=count
    )


def certificate_holders_shown(actor, certificates: list[dict], *, what: str) -> list[str]:
    """The holders' names of training certificates (as selectors.completion.CERTIFICATE_POINT gives
    them) as the actor may see them (DESIGN §7): in full where the actor may view the class's people in
    full (one audit event for the list), masked elsewhere."""
    shown = personal_views(actor, [(c["region_code"], c["institution_id"]) for c in certificates], what=what)
    return [view.name(c["holder_name"]) for c, view in zip(certificates, shown, strict=True)]

"""Reads of the expert review (SEL-8), scoped. A panel is seen by the officials of the body that drew it
(the pool owner, within their jurisdiction); an expert sees only the panels they sit on (not declined)
and only those panels' applications; individual scores are seen by the organising officials and, for
their own scores only, by each expert (confidentiality). Everyone else gets NotFound."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound
from peiyu.core.lookups import one_or_404

from ..models import Application, Expert, ExpertScore, Panel, PanelMember
from ..rules import panels as rules

ON_PANEL = (PanelMember.Status.INVITED, PanelMember.Status.ACCEPTED)


def _pool_scope_q(actor) -> Q | None:
    """Panels of the actor's organisation inside the jurisdiction of a pool-keeping capability."""
    org_id = getattr(actor, "primary_org_id", None)
    if not org_id:
        return None
    q = Q(pk__in=[])
    granted = False
    for cap in rules.POOL_CAPABILITIES:
        scope = scope_for(actor, cap)
        if scope.granted and scope.region_prefixes:
            granted = True
            q |= scope.q(region="region_id")
    return Q(owner_id=org_id) & q if granted else None


def panels_visible_to(actor) -> QuerySet[Panel]:
    q = _pool_scope_q(actor)
    if q is None:
        return Panel.objects.none()
    return (
        Panel.objects.filter(q)
        .select_related("call", "owner", "region", "created_by")
        .order_by("-created_at", "-id")
    )


def panel_get_for(actor, pk) -> Panel:
    return one_or_404(panels_visible_to(actor), pk=pk)


def panel_get_for_audit(actor, pk) -> Panel:
    """For the reproduction check: the organising officials, and auditors (`audit.view`) whose
    jurisdiction covers the panel."""
    try:
        return panel_get_for(actor, pk)
    except NotFound:
        pass
    scope = scope_for(actor, "audit.view")
    if scope.granted and scope.region_prefixes:
        try:
            return Panel.objects.filter(scope.q(region="region_id")).get(pk=int(pk))
        except (Panel.DoesNotExist, ValueError, TypeError):
            pass
    raise NotFound()


def panel_members(panel: Panel) -> QuerySet[PanelMember]:
    return panel.members.select_related("expert", "expert__user", "replaces__expert").order_by("position")


def panel_member_get_for(actor, panel_pk, member_pk) -> PanelMember:
    """A member of a panel, for the organising officials (any member) or the expert (their own)."""
    member = one_or_404(
        PanelMember.objects.select_related("panel", "expert"), pk=member_pk, panel_id=panel_pk
    )
    if panels_visible_to(actor).filter(pk=member.panel_id).exists():
        return member
    if member.expert.user_id == getattr(actor, "pk", None) and scope_for(actor, "expert.review").granted:
        return member
    raise NotFound()


# --- the expert's side -------------------------------------------------------------------------------------


def assignments_for_expert(actor) -> QuerySet[PanelMember]:
    """The actor's seats on panels (not declined), newest first, each with the panel's applications."""
    if not scope_for(actor, "expert.review").granted:
        return PanelMember.objects.none()
    return (
        PanelMember.objects.filter(expert__user=actor, status__in=ON_PANEL)
        .select_related("panel", "panel__call", "panel__owner", "expert")
        .prefetch_related(
            Prefetch(
                "panel__applications",
                queryset=Application.objects.select_related("institution").order_by("number"),
            )
        )
        .order_by("-panel__created_at", "-panel_id")
    )


def expert_assignment_get_for(actor, panel_pk) -> PanelMember:
    return one_or_404(assignments_for_expert(actor), panel_id=panel_pk)


def applications_assigned_to(actor) -> QuerySet[Application]:
    """The applications an expert may read: those of the panels they sit on (not declined)."""
    if not scope_for(actor, "expert.review").granted:
        return Application.objects.none()
    return (
        Application.objects.filter(panels__members__expert__user=actor, panels__members__status__in=ON_PANEL)
        .select_related("call", "institution", "region")
        .distinct()
    )


# --- scores and results ------------------------------------------------------------------------------------------


def scores_visible_to(actor, panel: Panel) -> QuerySet[ExpertScore]:
    """Individual scores: all of them for the organising officials; an expert only their own."""
    qs = ExpertScore.objects.filter(member__panel=panel).select_related(
        "member", "member__expert", "application"
    )
    if panels_visible_to(actor).filter(pk=panel.pk).exists():
        return qs.order_by("application__number", "member__position")
    if scope_for(actor, "expert.review").granted:
        return qs.filter(member__expert__user=actor).order_by("application__number")
    return ExpertScore.objects.none()


def _counted_scores(panel: Panel, application: Application | None = None) -> QuerySet[ExpertScore]:
    """The scores that count: those of members still on the panel (a declined member's are dropped)."""
    qs = ExpertScore.objects.filter(member__panel=panel, member__status__in=ON_PANEL)
    return qs.filter(application=application) if application is not None else qs


def panel_aggregates(panel: Panel) -> dict[int, dict[str, Any]]:
    """The aggregate per application id of the panel (for the organising officials)."""
    by_app: dict[int, list[ExpertScore]] = {}
    for s in _counted_scores(panel):
        by_app.setdefault(s.application_id, []).append(s)
    return {a.pk: rules.aggregate(by_app.get(a.pk, [])) for a in panel.applications.all()}


def panel_result(application: Application, step: str) -> dict[str, Any] | None:
    """The result of the latest panel for this application at this step, as a reference for the
    review step (SEL-8): JSON-ready (services.review stores it in the decision's checks)."""
    panel = Panel.objects.filter(applications=application, step=step).order_by("-created_at", "-id").first()
    if panel is None:
        return None
    agg = rules.aggregate(_counted_scores(panel, application))
    return {
        "panel": panel.pk,
        "seed": panel.seed,
        "algorithm": panel.algorithm,
        "experts": panel.members.filter(status__in=ON_PANEL).count(),
        "closed": panel.status == Panel.Status.CLOSED,
        "scores": agg["count"],
        "mean": agg["mean"],
        "median": agg["median"],
        "min": agg["min"],
        "max": agg["max"],
        "votes": agg["votes"],
        "recommended": agg["recommended"],
    }


# --- the pool -------------------------------------------------------------------------------------------------------


def expert_pool_for(actor) -> QuerySet[Expert]:
    """The experts of the actor's organisation's pool, for its officials."""
    org_id = getattr(actor, "primary_org_id", None)
    if not org_id or _pool_scope_q(actor) is None:
        return Expert.objects.none()
    return Expert.objects.filter(pool_owner_id=org_id).select_related("employer", "region")


def experts_by_id(actor, ids) -> dict[int, Expert]:
    """Names for the candidate list of a panel (only the actor's own pool)."""
    return {e.pk: e for e in expert_pool_for(actor).filter(pk__in=list(ids))}


def may_run_panels(actor) -> bool:
    """Whether the actor is an official of a body that keeps an expert pool and runs panels."""
    return _pool_scope_q(actor) is not None


def is_expert(actor) -> bool:
    return scope_for(actor, "expert.review").granted


def open_panel_steps(application_ids) -> set[tuple[int, str]]:
    """(application id, step) pairs of these applications already under an open panel."""
    wanted = {int(i) for i in application_ids}
    qs = Panel.objects.filter(status=Panel.Status.OPEN, applications__in=sorted(wanted))
    return {(pk, step) for pk, step in qs.values_list("applications__id", "step") if pk in wanted}


def pending_scores_for(actor) -> list[tuple[PanelMember, Application]]:
    """The expert's to-do: (seat, application) pairs of open panels not yet scored."""
    members = [m for m in assignments_for_expert(actor) if m.panel.status == Panel.Status.OPEN]
    done = set(ExpertScore.objects.filter(member__in=members).values_list("member_id", "application_id"))
    return [(m, a) for m in members for a in m.panel.applications.all() if (m.pk, a.pk) not in done]

"""Reads of exam sites (EVL-1, EVL-9): an evaluation institution sees its own sites, the HRSS bureaus the
sites in their jurisdiction (a city its districts, a province its cities); anything else is missing (404).
`accepted_sites_for` is what the sessions area offers as places for a session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.models import Org, Region
from peiyu.accounts.scoping import scope_for
from peiyu.audit.selectors import actor_names, audit_events_of, shown_actor
from peiyu.core.errors import NotFound, PolicyMissing
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for
from peiyu.core.workflow import Action
from peiyu.institutions.selectors.evaluation_listings import evaluation_listings_of

from ..flows import MANAGE, SITE_FLOW, SUPERVISE
from ..models import ExamSite
from ..rules.sites import defence_required

SITE_SUBJECT = "exams.examsite"
HISTORY_LABELS = {
    "exam_site.created": "新建站点",
    "exam_site.updated": "修改站点信息",
    "exam_site.changed": "变更已受理的站点（待重新报送）",
    "exam_site.room_saved": "登记考场",
    "exam_site.room_removed": "停用考场",
    "exam_site.photo_added": "上传照片",
    "exam_site.refused": "报送未通过检查",
    "exam_site.reported": "报送属地人社部门",
    "exam_site.accepted": "受理",
    "exam_site.returned": "退回",
    "exam_site.withdrawn": "撤销站点",
    "exam_site.inspected": "现场检查",
}


def _visible_q(actor: Any) -> Q:
    return scope_for(actor, MANAGE).q(org="institution_id") | scope_for(actor, SUPERVISE).q(
        region="region_id"
    )


def sites_visible_to(actor: Any) -> QuerySet[ExamSite]:
    return ExamSite.objects.filter(_visible_q(actor)).select_related("institution", "region")


def sites_filtered(actor: Any, *, status: str = "", q: str = "") -> QuerySet[ExamSite]:
    qs = sites_visible_to(actor)
    if status in ExamSite.Status.values:
        qs = qs.filter(status=status)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(address__icontains=term) | Q(institution__name__icontains=term)
        )
    return qs.order_by("-updated_at", "-pk")


def site_get_for(actor: Any, site_id: int) -> ExamSite:
    """One site the actor may see; missing and out of scope are both NotFound (404)."""
    site = sites_visible_to(actor).filter(pk=site_id).first()
    if site is None:
        raise NotFound()
    return site


def manages(actor: Any, site: ExamSite) -> bool:
    return site.institution_id in scope_for(actor, MANAGE).org_ids


def supervises(actor: Any, site: ExamSite) -> bool:
    return scope_for(actor, SUPERVISE).covers_region(site.region_id)


def managed_institution(actor: Any) -> Org | None:
    """The evaluation institution the actor manages sites for (exam.manage), if any."""
    ids = sorted(scope_for(actor, MANAGE).org_ids)
    return Org.objects.filter(pk__in=ids, kind=Org.Kind.INSTITUTION).order_by("pk").first() if ids else None


def site_allowed_actions(actor: Any, site: ExamSite) -> list[str]:
    """The verbs of SITE_FLOW the actor may use on the site now (capability and scope)."""

    def permits(action: Action) -> bool:
        if action.capability == MANAGE:
            return manages(actor, site)
        if action.capability == SUPERVISE:
            return supervises(actor, site)
        return False

    return SITE_FLOW.allowed_actions(site, permits)


EDITABLE = frozenset({ExamSite.Status.DRAFT, ExamSite.Status.RETURNED, ExamSite.Status.ACCEPTED})


def can_edit(actor: Any, site: ExamSite) -> bool:
    return site.status in EDITABLE and manages(actor, site)


def can_inspect(actor: Any, site: ExamSite) -> bool:
    return site.status != ExamSite.Status.DRAFT and supervises(actor, site)


def accepted_sites_for(org_id: int) -> QuerySet[ExamSite]:
    """The institution's sites that may host a session: accepted by the bureau and not changed since
    (a change is reported again first; EVL-1, EVL-9). For the sessions area's choices and checks."""
    return ExamSite.objects.filter(
        institution_id=org_id, status=ExamSite.Status.ACCEPTED, change_pending=False
    ).order_by("name", "pk")


def sites_awaiting_acceptance(actor: Any) -> QuerySet[ExamSite]:
    """Reported sites in the official's jurisdiction, oldest first."""
    return (
        ExamSite.objects.filter(
            scope_for(actor, SUPERVISE).q(region="region_id"), status=ExamSite.Status.REPORTED
        )
        .select_related("institution")
        .order_by("reported_at", "pk")
    )


def sites_to_report_again(actor: Any) -> QuerySet[ExamSite]:
    """The institution's returned sites and accepted sites with an unreported change."""
    return (
        ExamSite.objects.filter(scope_for(actor, MANAGE).q(org="institution_id"))
        .filter(Q(status=ExamSite.Status.RETURNED) | Q(status=ExamSite.Status.ACCEPTED, change_pending=True))
        .order_by("updated_at", "pk")
    )


@dataclass(frozen=True)
class SitePolicy:
    """What the policy in force asks of the institution's sites: the strictest desk spacing of the profiles
    of its evaluation listings, whether a defence room is needed and from which level, the bureau's
    working days to decide a report."""

    policy: Policy | None
    chain: list[str] = field(default_factory=list)
    spacing_min_cm: int | None = None
    defence_needed: bool = False
    from_level: str | None = None
    review_working_days: int | None = None
    listings: list[str] = field(default_factory=list)


def site_policy(institution_id: int, region_code: str, on: dt.date) -> SitePolicy:
    listings = [lst for lst in evaluation_listings_of(institution_id) if lst.status == "active"]
    policies: list[Policy] = []
    defence, from_level = False, None
    for listing in listings:
        try:
            policy = policy_for(listing.programme, region_code, on=on)
        except PolicyMissing:
            continue
        if policy not in policies:
            policies.append(policy)
        level_from = policy.get("comprehensive_review_from_level")
        if defence_required(listing.levels or [], policy.get("levels") or [], level_from):
            defence, from_level = True, level_from
    spacings = [int(p["desk_spacing_min_cm"]) for p in policies if "desk_spacing_min_cm" in p]
    days = [int(p["site_review_working_days"]) for p in policies if "site_review_working_days" in p]
    return SitePolicy(
        policy=policies[0] if policies else None,
        chain=[p.label for p in policies],
        spacing_min_cm=max(spacings) if spacings else None,
        defence_needed=defence,
        from_level=from_level,
        review_working_days=min(days) if days else None,
        listings=[lst.number for lst in listings],
    )


def site_decisions(site: ExamSite) -> list[Decision]:
    """The reporting checks of the site, newest first."""
    return list(Decision.objects.filter(subject_type=SITE_SUBJECT, subject_id=str(site.pk)))


def site_history(site: ExamSite) -> list[dict[str, Any]]:
    """What happened to the site, from its audit trail (oldest first), each step with who took it."""
    events = list(audit_events_of(SITE_SUBJECT, site.pk))
    names = actor_names(events)
    return [
        {
            "at": e.at,
            "label": HISTORY_LABELS.get(e.action, e.action),
            "actor": shown_actor(e, names),
            "reason": e.reason,
        }
        for e in events
    ]


def region_choices(institution: Org) -> list[tuple[str, str]]:
    """The regions a site of the institution may be in: the institution's city and its districts (or its
    own region and the regions under it)."""
    code = institution.region_id or ""
    prefix = code[:4] if code and not code.endswith("0000") else code[:2]
    return list(Region.objects.filter(code__startswith=prefix).order_by("code").values_list("code", "name"))

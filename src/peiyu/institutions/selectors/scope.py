"""Reads of the directory, already scoped (DESIGN §5). Out of scope and missing both raise NotFound.

Who sees an application: the applying institution (its own org); government users whose region
subtree holds the institution (city, district, capacity centre, province; the coordination group is
national); the industry authority it chose as recommender; an expert only through a panel
(selectors.panels)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound
from peiyu.core.lookups import one_or_404
from peiyu.core.policy import region_prefix

from ..models import Application, Attachment, Call, Listing, PanelMember, PublicNotice

REVIEW_CAPS = (
    "application.review_city",
    "application.review_district",
    "application.review_province",
    "application.review_technical",
    "application.recommend",
    "application.decide",
    "application.file",
)
"""The capabilities of the bodies on an application's review route (any step)."""
APPLICATION_VIEW_CAPS = ("application.submit", *REVIEW_CAPS)


def applications_visible_to(actor) -> QuerySet[Application]:
    q = Q(pk__in=[])
    for cap in APPLICATION_VIEW_CAPS:
        scope = scope_for(actor, cap)
        if scope.granted:
            q |= scope.q(region="region_id", org="institution_id", recommender="recommender_id")
    return Application.objects.filter(q).select_related("call", "institution", "region", "recommender")


def application_get_for(actor, application_id) -> Application:
    return one_or_404(applications_visible_to(actor), pk=application_id)


def application_get_for_reader(actor, application_id) -> Application:
    """As application_get_for, and also for an expert on a panel reviewing it (SEL-8)."""
    try:
        return application_get_for(actor, application_id)
    except NotFound:
        pass
    if not scope_for(actor, "expert.review").granted:
        raise NotFound()
    try:
        pk = int(application_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    on_panel = PanelMember.objects.filter(
        panel__applications=pk,
        expert__user=actor,
        status__in=[PanelMember.Status.INVITED, PanelMember.Status.ACCEPTED],
    ).exists()
    if not on_panel:
        raise NotFound()
    return Application.objects.select_related("call", "institution", "region", "recommender").get(pk=pk)


def attachment_get(application: Application, attachment_id) -> Attachment:
    return one_or_404(application.attachments.all(), pk=attachment_id, removed_at__isnull=True)


def application_by_number_for(actor, number: str) -> Application:
    return one_or_404(applications_visible_to(actor), number=str(number))


def calls_open(on=None) -> QuerySet[Call]:
    """Published calls, not closed (selectors.calls has the public list and the region filter)."""
    return Call.objects.filter(status=Call.Status.PUBLISHED).select_related("region", "issuer")


def call_get_public(code: str) -> Call:
    """A published or closed call (anyone may read a call, CAT-4); a draft is missing."""
    qs = Call.objects.filter(status__in=[Call.Status.PUBLISHED, Call.Status.CLOSED])
    return one_or_404(qs.select_related("region", "issuer"), "申报通知不存在", code=code)


def listings_visible_to(actor) -> QuerySet[Listing]:
    """Every listing in the actor's scope, whatever its status (the public catalog is selectors.catalog)."""
    q = Q(pk__in=[])
    for cap in ("listing.view", "listing.manage"):
        scope = scope_for(actor, cap)
        if scope.granted:
            q |= scope.q(region="region_id", org="institution_id", recommender="recommender_id")
    return Listing.objects.filter(q).select_related("institution", "region")


def listing_get_for(actor, listing_id) -> Listing:
    return one_or_404(listings_visible_to(actor), pk=listing_id)


def notices_public() -> QuerySet[PublicNotice]:
    return PublicNotice.objects.select_related("publisher", "call", "region")


def notice_get_public(number: str) -> PublicNotice:
    return one_or_404(notices_public(), "公示不存在", number=number)


def actor_may_act(actor, app: Application, step: dict) -> bool:
    """The actor's organisation is of a kind the step names, and the step's capability reaches the
    application: by region for government bodies, as its chosen recommender for an industry authority."""
    org = getattr(actor, "primary_org", None)
    if org is None or org.kind not in step["org_kinds"]:
        return False
    scope = scope_for(actor, step["capability"])
    if not scope.granted:
        return False
    if org.kind == Org.Kind.INDUSTRY_AUTHORITY:
        return app.recommender_id == org.pk and org.pk in scope.recommender_org_ids
    if org.kind == Org.Kind.COORDINATION_GROUP:
        return scope.national
    return (
        scope.covers_region(app.region_id)
        and bool(org.region_id)
        and app.region_id.startswith(region_prefix(org.region_id))
    )

"""To-dos of the directory on each user's workbench, each with its rule and deadline (registered by
institutions.hooks): officials — applications waiting at their step, held applications with open
objections, renewals and changes to decide; institutions — returned applications, drafts, renewals
falling due; experts — scores still to give."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core.registry import TodoItem

LIMIT = 200


def official_todos(user) -> list[TodoItem]:
    from .models import Application, ChangeRequest, Objection, Renewal
    from .selectors.changes import change_next_org_kind
    from .selectors.scope import applications_visible_to, listings_visible_to
    from .services.review import actor_may_act

    today = timezone.localdate()
    items: list[TodoItem] = []
    visible = applications_visible_to(user)
    for app in visible.filter(status=Application.Status.IN_REVIEW).order_by("step_due", "submitted_at")[
        :LIMIT
    ]:
        step = app.current_step
        if not step or not actor_may_act(user, app, step):
            continue
        items.append(
            TodoItem(
                title=_("%(step)s：%(inst)s · %(occ)s（%(kind)s）")
                % {
                    "step": step["label"],
                    "inst": app.institution.name,
                    "occ": app.occupation_name,
                    "kind": app.get_kind_display(),
                },
                url=reverse("directory:application_detail", args=[app.pk]),
                deadline=app.step_due,
                rule=_route_rule(step),
                detail=_("未通过的资格检查：%(rules)s") % {"rules": "、".join(app.checks_failed)}
                if app.checks_failed
                else "",
                kind="application",
                overdue=bool(app.step_due and app.step_due < today),
            )
        )
    items += _new_objections(user, visible, today)
    held = visible.filter(status=Application.Status.HELD).select_related("notice")[:LIMIT]
    for app in held:
        step = next((s for s in app.route if s["action"] == "notice"), None)
        if not step or not actor_may_act(user, app, step):
            continue
        n = app.objections.filter(status=Objection.Status.OPEN).count()
        items.append(
            TodoItem(
                title=_("处理公示异议（%(n)d件）：%(inst)s · %(occ)s")
                % {"n": n, "inst": app.institution.name, "occ": app.occupation_name},
                url=reverse("directory:application_detail", args=[app.pk]),
                deadline=app.notice.ends_on if app.notice else None,
                rule="SEL-7",
                kind="objection",
                overdue=True,
            )
        )
    listings = listings_visible_to(user)
    org = getattr(user, "primary_org", None)
    for renewal in Renewal.objects.filter(
        status=Renewal.Status.SUBMITTED, listing__in=listings
    ).select_related("listing")[:LIMIT]:
        listing = renewal.listing
        if listing.programme == "dte":
            wanted = "coordination_group" if listing.kind == "evaluation" else "hrss_province"
            if org is None or org.kind != wanted:
                continue
        items.append(
            TodoItem(
                title=_("延续申请待审核：%(inst)s · %(occ)s")
                % {"inst": listing.institution_name, "occ": listing.occupation_name},
                url=reverse("directory:listing_detail", args=[listing.pk]),
                deadline=listing.valid_until,
                rule="DIR-2" if listing.programme == "dte" else "DIR-4",
                kind="renewal",
                overdue=listing.valid_until < today,
            )
        )
    items += _consents_awaited(user, listings, today)
    for change in ChangeRequest.objects.filter(
        status__in=[ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.REVIEWED], listing__in=listings
    ).select_related("listing")[:LIMIT]:
        if org is None or org.kind != change_next_org_kind(change):
            continue
        items.append(
            TodoItem(
                title=_("变更申请待办理：%(inst)s（%(type)s）")
                % {"inst": change.listing.institution_name, "type": change.get_type_display()},
                url=reverse("directory:listing_detail", args=[change.listing_id]),
                rule="DIR-5",
                kind="change",
            )
        )
    return items


def _new_objections(user, visible, today: dt.date) -> list[TodoItem]:
    """Each open objection to an application still in its notice, for the official who resolves it (the
    body of the notice step), due by the notice's last day (SEL-7: no open objection when it ends)."""
    from .models import Application, Objection
    from .services.review import actor_may_act

    items: list[TodoItem] = []
    for obj in (
        Objection.objects.filter(
            status=Objection.Status.OPEN,
            application__in=visible.filter(status=Application.Status.IN_NOTICE),
        )
        .select_related("application", "application__institution", "notice")
        .order_by("notice__ends_on", "created_at")[:LIMIT]
    ):
        app = obj.application
        step = next((s for s in app.route if s["action"] == "notice"), None)
        if not step or not actor_may_act(user, app, step):
            continue
        items.append(
            TodoItem(
                title=_("新的公示异议 %(no)s：%(inst)s · %(occ)s")
                % {"no": obj.tracking_no, "inst": app.institution.name, "occ": app.occupation_name},
                url=reverse("directory:objection_list") + f"#resolution-{obj.pk}",
                deadline=obj.notice.ends_on,
                rule="SEL-7",
                detail=_("公示期满前须处理完毕，否则该机构暂缓列入目录"),
                kind="objection",
                overdue=obj.notice.ends_on < today,
            )
        )
    return items


def _consents_awaited(user, listings, today: dt.date) -> list[TodoItem]:
    """Renewals waiting for this body's consent: the industry authority that recommended a DTE
    institution (DIR-2), the district bureau of a Chengdu entry (DIR-4); due by the last day the
    institution may apply on time."""
    from .models import Renewal
    from .selectors.listings import renewal_window_for
    from .selectors.renewals import consent_state, consenting_org_kind

    org = getattr(user, "primary_org", None)
    if org is None or org.kind not in ("industry_authority", "hrss_district"):
        return []
    items: list[TodoItem] = []
    for renewal in (
        Renewal.objects.filter(
            status__in=[Renewal.Status.DRAFT, Renewal.Status.SUBMITTED],
            consented_at__isnull=True,
            listing__in=listings,
        )
        .select_related("listing")
        .order_by("listing__valid_until", "pk")[:LIMIT]
    ):
        listing = renewal.listing
        if consenting_org_kind(listing) != org.kind:
            continue
        if listing.programme == "dte" and listing.recommender_id != org.pk:
            continue
        if consent_state(renewal)["given"]:
            continue  # a consent letter is already on file
        window = renewal_window_for(listing)
        items.append(
            TodoItem(
                title=_("延续申请待出具同意意见：%(inst)s · %(occ)s")
                % {"inst": listing.institution_name, "occ": listing.occupation_name},
                url=reverse("directory:listing_detail", args=[listing.pk]) + "#renewal",
                deadline=window.closes,
                rule="DIR-2" if listing.programme == "dte" else "DIR-4",
                kind="renewal_consent",
                overdue=today > window.closes,
            )
        )
    return items


def _route_rule(step: dict) -> str:
    return {"recommend": "SEL-9", "expert_review": "SEL-8", "notice": "SEL-7", "file": "SEL-10"}.get(
        step["action"], "SEL-7"
    )


def institution_todos(user) -> list[TodoItem]:
    from .models import Application, Listing
    from .selectors.listings import renewal_window_for
    from .selectors.scope import applications_visible_to, listings_visible_to

    org = getattr(user, "primary_org", None)
    if org is None or org.kind != "institution":
        return []
    today = timezone.localdate()
    items: list[TodoItem] = []
    mine = applications_visible_to(user).filter(institution=org)
    for app in mine.filter(status__in=[Application.Status.RETURNED, Application.Status.DRAFT]).select_related(
        "call"
    )[:LIMIT]:
        returned = app.status == Application.Status.RETURNED
        items.append(
            TodoItem(
                title=(
                    _("退回修改：%(occ)s（%(kind)s）") if returned else _("草稿待提交：%(occ)s（%(kind)s）")
                )
                % {"occ": app.occupation_name, "kind": app.get_kind_display()},
                url=reverse("directory:application_detail", args=[app.pk]),
                deadline=app.call.deadline,
                detail=app.return_comment if returned else "",
                rule="SEL-12",
                kind="application",
                overdue=app.call.deadline < today,
            )
        )
    items += _refusals(mine, today)
    for listing in listings_visible_to(user).filter(
        institution=org, status__in=[Listing.Status.ACTIVE, Listing.Status.EXPIRED]
    )[:LIMIT]:
        if listing.renewals.filter(
            status__in=["submitted", "approved"], created_at__date__gte=listing.valid_from
        ).exists():
            continue
        window = renewal_window_for(listing)
        # remind a month before the last day an application is on time (four months before a DTE expiry)
        remind_from = (window.opens or window.closes) - dt.timedelta(days=31)
        if today < remind_from:
            continue
        items.append(
            TodoItem(
                title=_("申请延续：%(occ)s（%(kind)s），有效期至 %(until)s")
                % {
                    "occ": listing.occupation_name,
                    "kind": listing.get_kind_display(),
                    "until": listing.valid_until.isoformat(),
                },
                url=reverse("directory:listing_detail", args=[listing.pk]),
                deadline=window.closes,
                detail=_("逾期未申请视为主动放弃"),
                rule=window.rule,
                kind="renewal",
                overdue=today > window.closes,
            )
        )
    return items


REFUSAL_SHOWN_DAYS = 30  # how long a refusal stays on the institution's list (a page setting, not policy)


def _refusals(mine, today: dt.date) -> list[TodoItem]:
    """Applications refused in the last days (an official's rejection, an upheld objection, a filing
    refused under the quota), each with the reason and the rule its decision failed on."""
    from .models import Application, ReviewAction

    since = today - dt.timedelta(days=REFUSAL_SHOWN_DAYS)
    seen: set[int] = set()
    items: list[TodoItem] = []
    for action in (
        ReviewAction.objects.filter(
            application__in=mine.filter(status=Application.Status.REJECTED),
            outcome=ReviewAction.Outcome.REJECT,
            at__date__gte=since,
        )
        .select_related("application", "decision")
        .order_by("-at", "-id")[:LIMIT]
    ):
        app = action.application
        if app.pk in seen:
            continue
        seen.add(app.pk)
        failed = [c["rule"] for c in (action.decision.checks if action.decision else []) if not c["ok"]]
        items.append(
            TodoItem(
                title=_("申报未通过：%(occ)s（%(kind)s），请查看理由")
                % {"occ": app.occupation_name, "kind": app.get_kind_display()},
                url=reverse("directory:application_detail", args=[app.pk]),
                detail=app.reject_reason,
                rule="/".join(dict.fromkeys(failed)),
                kind="application",
            )
        )
    return items


def expert_todos(user) -> list[TodoItem]:
    from peiyu.accounts.scoping import capabilities_of

    from .selectors.panels import pending_scores_for

    if "expert.review" not in capabilities_of(user):
        return []
    return [
        TodoItem(
            title=_("专家评议：%(inst)s · %(occ)s（%(kind)s）")
            % {"inst": app.institution.name, "occ": app.occupation_name, "kind": app.get_kind_display()},
            # straight to the scoring form of this application
            url=reverse("directory:panel_score", args=[member.panel_id]) + f"#app-{app.pk}",
            deadline=app.step_due,
            rule="SEL-8",
            detail=_("专家组 #%(panel)d，请审阅材料后评分、投票") % {"panel": member.panel_id},
            kind="expert",
        )
        for member, app in pending_scores_for(user)[:LIMIT]
    ]

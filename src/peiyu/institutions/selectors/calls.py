"""Reads of calls (申报通知): the officials' own, scoped to their jurisdiction (another province's call is
missing: 404), and the public ones — published or closed, never a draft — with the region filter of
the portal (a call is shown to the regions it is open to)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import Org, Region
from peiyu.accounts.scoping import scope_for
from peiyu.catalogs.selectors import occupations_by_codes, occupations_public, programme_labels, trades_public
from peiyu.core.errors import PolicyMissing
from peiyu.core.lookups import one_or_404
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for, policy_named, region_prefix

from ..models import Call
from ..rules.calls import PREFILL_LABELS, item_values, prefilled_fields, shown_value

K = Call.Status


def calls_visible_to(actor) -> QuerySet[Call]:
    """The calls of the regions where the actor may manage calls (a national scope: every call)."""
    scope = scope_for(actor, "call.manage")
    if not scope.granted:
        return Call.objects.none()
    q = scope.q(region="region_id")
    if scope.national:
        q |= Q(region__isnull=True)
    return Call.objects.filter(q).select_related("region", "issuer", "created_by")


def call_get_for(actor, call_id) -> Call:
    return one_or_404(calls_visible_to(actor), "申报通知不存在或不在您的管辖范围内", pk=call_id)


def region_covers(region_code: str) -> Q:
    """Calls open to `region_code`: national ones, and those whose region contains it."""
    q = Q(region__isnull=True)
    code = region_code
    candidates = {code, f"{code[:4]}00", f"{code[:2]}0000"}
    q |= Q(region_id__in=sorted(candidates))
    return q


def calls_public(region_code: str = "") -> QuerySet[Call]:
    """Published and closed calls (anyone may read a call, CAT-4); with a region, those open to it or,
    for a province or city, to a place inside it."""
    qs = Call.objects.filter(status__in=[K.PUBLISHED, K.CLOSED]).select_related("region", "issuer")
    if region_code:
        prefix = region_prefix(region_code)
        qs = qs.filter(region_covers(region_code) | Q(region__code__startswith=prefix))
    return qs


def calls_open_to(region_code: str, on: dt.date | None = None) -> QuerySet[Call]:
    """The published calls accepting applications from an institution of `region_code` today."""
    on = on or timezone.localdate()
    return calls_public().filter(
        region_covers(region_code), status=K.PUBLISHED, opens_on__lte=on, deadline__gte=on
    )


def call_public_state(call: Call, on: dt.date | None = None) -> tuple[str, bool]:
    """(state in words, accepting applications now): a closed call is never shown as open."""
    on = on or timezone.localdate()
    if call.status == K.CLOSED or on > call.deadline:
        return _("已截止"), False
    if call.status != K.PUBLISHED:
        return str(call.get_status_display()), False
    if on < call.opens_on:
        return _("未开始"), False
    return _("受理中"), True


# --- what the call form offers ---------------------------------------------------------------------------

SUBJECTS_SHOWN = 500


def subject_names(codes) -> dict[str, str]:
    """Occupation or trade code → name."""
    codes = set(codes)
    if not codes:
        return {}
    out = {o.code: o.name for o in occupations_by_codes(codes)}
    rest = codes - set(out)
    if rest:
        out.update(dict(trades_public().filter(code__in=rest).values_list("code", "name")))
    return out


def subject_choices(programme: str) -> list[tuple[str, str]]:
    """The occupations (DTE) or trades (skill-level evaluation) a call of the programme may name."""
    if programme == "skill":
        return list(trades_public().values_list("code", "name")[:SUBJECTS_SHOWN])
    return [(o.code, o.name) for o in occupations_public(programme)]


def call_region_choices(actor) -> list[tuple[str, str]]:
    """The regions a call of the actor's body may be open to: its own region and those directly under
    it (a national body: the whole country and the provinces)."""
    org: Org | None = getattr(actor, "primary_org", None)
    if org is None:
        return []
    active = Region.objects.filter(disabled_on__isnull=True)
    if not org.region_id:
        return [("", _("全国")), *active.filter(level=Region.Level.PROVINCE).values_list("code", "name")]
    own = active.filter(pk=org.region_id).values_list("code", "name")
    return [*own, *active.filter(parent_id=org.region_id).values_list("code", "name")]


def call_programmes_for(actor, region_code: str) -> list[tuple[str, str, Policy]]:
    """(programme, its name, the profile in force) for each programme whose profile for the region names
    the actor's kind of body as the publisher of calls."""
    org: Org | None = getattr(actor, "primary_org", None)
    out = []
    for code, label in programme_labels().items():
        try:
            policy = policy_for(code, region_code or None)
        except PolicyMissing:
            continue
        if org is not None and org.kind in (policy.get("call_issuers") or []):
            out.append((code, str(label), policy))
    return out


# --- one call as its issuer sees it -----------------------------------------------------------------------


def call_profile(call: Call) -> Policy:
    """The profile a call is under, as in force on its first day."""
    return policy_named(call.policy_name, on=call.opens_on)


def call_fields(call: Call) -> dict:
    return {
        "quota_table": call.quota_table or {},
        "excluded_occupations": call.excluded_occupations or {},
        "founded_on_or_before": call.founded_on_or_before,
        "publicity_working_days": call.publicity_working_days,
    }


def code_names_of(fields: dict) -> dict[str, str]:
    """The names of the region codes in a call's quota overrides and of its excluded occupations."""
    regions = {c for q in (fields.get("quota_table") or {}).values() for c in (q.get("overrides") or {})}
    subjects = {c for v in (fields.get("excluded_occupations") or {}).values() for c in v}
    return {
        **dict(Region.objects.filter(code__in=regions).values_list("code", "name")),
        **subject_names(subjects),
    }


def region_name(code: str | None) -> str:
    if not code:
        return _("全国")
    return Region.objects.filter(pk=code).values_list("name", flat=True).first() or code


def prefilled_rows(fields: dict, policy: Policy, names: dict[str, str] | None = None) -> list[dict]:
    """Each item the profile fills (or the call sets): its value and the profile's, in words, and
    whether the profile lets a call change it."""
    editable = set(policy.get("call_editable") or [])
    ours, theirs = item_values(fields), item_values(prefilled_fields(policy))
    if names is None:
        names = {**code_names_of(fields), **code_names_of(prefilled_fields(policy))}
    empty: tuple[object, ...] = (None, [], {})
    return [
        {
            "item": item,
            "label": _(label),
            "value": ours.get(item),
            "profile_value": theirs.get(item),
            "shown": shown_value(ours.get(item), names),
            "profile_shown": shown_value(theirs.get(item), names),
            "changed": ours.get(item) != theirs.get(item),
            "editable": item in editable,
        }
        for item, label in PREFILL_LABELS.items()
        if ours.get(item) not in empty or theirs.get(item) not in empty
    ]


def call_decision(call: Call) -> Decision | None:
    """The call's latest stored decision (its draft's checks, or publishing's)."""
    return (
        Decision.objects.filter(subject_type="institutions.call", subject_id=str(call.pk))
        .order_by("-pk")
        .first()
    )

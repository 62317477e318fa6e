"""The public pages of calls for applications (申报通知, CAT-4): the published calls — those accepting
applications apart from those closed (a closed call is never listed as open), narrowed to the calls
open to a region (the visitor's choice, or the signed-in user's organisation) — and one call with its
occupations, levels, quotas, notice days and the link to apply. A draft is nobody's to read here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import Region
from peiyu.catalogs.models import Occupation, Trade
from peiyu.core.errors import DomainError
from peiyu.core.policy_schema import PARAMETERS

from ..models import Call, Kind
from ..selectors import calls as call_selectors
from ..selectors import scope as selectors
from ..services import notices as services
from ..services.calls import call_policy


def _region_choice(request) -> str:
    """The region the visitor chose, else the signed-in user's organisation's; '' for every region."""
    if "region" in request.GET:
        code = request.GET.get("region", "")
        return code if Region.objects.filter(pk=code).exists() else ""
    org = getattr(request.user, "primary_org", None) if request.user.is_authenticated else None
    return (org.region_id or "") if org is not None else ""


@login_not_required
def public_call_list(request):
    region = _region_choice(request)
    today = timezone.localdate()
    open_rows, closed_rows = [], []
    for c in call_selectors.calls_public(region).order_by("-opens_on", "code"):
        state, accepting = call_selectors.call_public_state(c, today)
        closed = c.status == Call.Status.CLOSED or today > c.deadline
        (closed_rows if closed else open_rows).append({"call": c, "state": state, "open": accepting})
    context = {
        "open_rows": open_rows,
        "closed_rows": closed_rows,
        "region": region,
        "region_name": call_selectors.region_name(region) if region else "",
        "provinces": Region.objects.filter(level=Region.Level.PROVINCE, disabled_on__isnull=True).order_by(
            "code"
        ),
        "cities": Region.objects.filter(parent_id=region[:2] + "0000", level=Region.Level.CITY).order_by(
            "code"
        )
        if region
        else [],
    }
    return render(request, "institutions/call_list.html", context)


def _subject_names(call: Call, codes) -> dict[str, str]:
    model = Trade if call.programme == "skill" else Occupation
    return dict(model.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _quota_rows(call: Call) -> list[dict[str, str]]:
    """The call's quota table (SEL-6) in words: '默认 2；沈阳市 5；大连市 5'."""
    table = dict(call.quota_table or {})
    if not table:
        policy = call_policy(call)
        table = {
            name: policy.get(name) for name in PARAMETERS if name.startswith("quota_") and policy.get(name)
        }
    codes = {code for q in table.values() if isinstance(q, dict) for code in (q.get("overrides") or {})}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for name, q in table.items():
        if not isinstance(q, dict) or "default" not in q:
            continue
        parts = [_("默认 %(n)s") % {"n": q["default"]}]
        parts += [
            f"{names.get(code, code)} {limit}" for code, limit in sorted((q.get("overrides") or {}).items())
        ]
        spec = PARAMETERS.get(name)
        rows.append({"label": _(spec.label) if spec else name, "text": "；".join(parts)})
    return rows


def _apply_url(call: Call) -> str:
    try:
        base = reverse("directory:application_new")
    except NoReverseMatch:  # pragma: no cover - the application pages are mounted with the directory
        base = "/directory/applications/new/"
    return f"{base}?call={call.code}"


def call_public_rows(call: Call) -> dict:
    """What the public page and the issuer's page both show of a call: kinds, subjects, quotas in words,
    excluded occupations and the notice days."""
    excluded = call.excluded_occupations or {}
    names = _subject_names(call, set(call.occupation_codes) | {c for v in excluded.values() for c in v})
    try:
        days = services.notice_days(call)[0]
    except DomainError:
        days = None
    return {
        "kinds": [Kind(k).label for k in call.kinds if k in Kind.values],
        "subjects": [{"code": c, "name": names.get(c, c)} for c in call.occupation_codes],
        "subject_label": _("工种") if call.programme == "skill" else _("职业"),
        "quotas": _quota_rows(call),
        "excluded": [
            {"kind": Kind(k).label if k in Kind.values else k, "names": [names.get(c, c) for c in codes]}
            for k, codes in excluded.items()
            if codes
        ],
        "publicity_days": days,
    }


@login_not_required
def public_call_detail(request, code: str):
    call = selectors.call_get_public(code)
    state, accepting = call_selectors.call_public_state(call)
    context = {
        "call": call,
        "state": state,
        "open": accepting,
        "apply_url": _apply_url(call),
        **call_public_rows(call),
    }
    return render(request, "institutions/call_detail.html", context)

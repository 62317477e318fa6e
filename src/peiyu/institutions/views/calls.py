"""The public pages of calls for applications (申报通知, CAT-4): the published calls and one call with
its occupations, levels, quotas, notice days and the link to apply."""

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
from ..selectors import scope as selectors
from ..services import notices as services
from ..services.calls import call_policy


def _call_state(call: Call) -> str:
    today = timezone.localdate()
    if today < call.opens_on:
        return _("未开始")
    if today > call.deadline:
        return _("已截止")
    return _("受理中")


@login_not_required
def public_call_list(request):
    rows = [
        {"call": c, "state": _call_state(c), "open": c.is_open()}
        for c in selectors.calls_open().order_by("-opens_on", "code")
    ]
    return render(request, "institutions/call_list.html", {"rows": rows})


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


@login_not_required
def public_call_detail(request, code: str):
    call = selectors.call_get_public(code)
    excluded = call.excluded_occupations or {}
    names = _subject_names(call, set(call.occupation_codes) | {c for v in excluded.values() for c in v})
    try:
        days = services.notice_days(call)[0]
    except DomainError:
        days = None
    context = {
        "call": call,
        "state": _call_state(call),
        "open": call.is_open(),
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
        "apply_url": _apply_url(call),
    }
    return render(request, "institutions/call_detail.html", context)

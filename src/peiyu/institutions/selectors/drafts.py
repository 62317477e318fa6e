"""What the platform already knows when an institution starts a draft application: the form pre-filled
from its organisation record and its previous application's answers, and the SEL-5 duplicate warning
shown on the draft from the moment it exists (submission refuses a duplicate; the draft says so first)."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.models import Org
from peiyu.core.checks import Check
from peiyu.core.crypto import decrypt
from peiyu.core.errors import InvalidInput

from ..models import Application, Call
from ..rules import eligibility as el
from ..rules.forms import FORMS, form_key_for, validate_form

# answers that belong to one application, never carried to the next: what it applies for and what the
# recommending body writes
NOT_CARRIED = frozenset(
    {"occupation", "levels", "recommendation_reason", "recommender_contact", "recommender_phone"}
)
# drafts and submissions that count when warning of a duplicate (withdrawn, rejected and expired ones do not)
PENDING = (
    Application.Status.DRAFT,
    Application.Status.IN_REVIEW,
    Application.Status.RETURNED,
    Application.Status.IN_NOTICE,
    Application.Status.HELD,
    Application.Status.APPROVED,
)


def _plain(app: Application) -> dict[str, Any]:
    spec = FORMS[form_key_for(app.call.programme, app.kind)]
    out = dict(app.form)
    for f in spec.fields():
        if f.personal and out.get(f.key):
            try:
                out[f.key] = decrypt(out[f.key])
            except Exception:  # a value under a retired key: leave it out rather than carry garbage
                out.pop(f.key)
    return out


def form_prefill(institution: Org, call: Call, kind: str, levels: list[str]) -> dict[str, Any]:
    """The new form's answers the platform knows: the institution's latest application (the same form
    first, else any) for every field the new form shares with it, then the organisation record over those
    (the fields the spec marks `known_from`: name, credit code, industry). Values the new form would refuse are left out, so a pre-fill
    never blocks creating the draft."""
    key = form_key_for(call.programme, kind)
    fields = FORMS[key].fields()
    keys = {f.key for f in fields} - NOT_CARRIED
    previous = list(
        Application.objects.filter(institution=institution)
        .exclude(form={})
        .select_related("call")
        .order_by("-updated_at", "-pk")[:20]
    )
    previous.sort(key=lambda a: form_key_for(a.call.programme, a.kind) != key)  # stable: same form first
    data: dict[str, Any] = {}
    if previous:
        data = {k: v for k, v in _plain(previous[0]).items() if k in keys and v not in (None, "", [], {})}
    # the organisation record is what the platform holds as true (a later rename or credit code wins)
    for f in fields:
        value = getattr(institution, f.known_from, None) if f.known_from else None
        if value:
            data[f.key] = value
    for _attempt in range(3):
        try:
            validate_form(key, data, levels=levels, partial=True)
        except InvalidInput as exc:
            bad = {name.split(".", 1)[0] for name in exc.fields}
            if not bad & set(data):
                return {}
            data = {k: v for k, v in data.items() if k not in bad}
        else:
            return data
    return {}


def duplicate_warning(app: Application) -> Check | None:
    """SEL-5 on a draft: other drafts or submissions of the same institution for the same occupation,
    kind and call. None when there are none or the application is no longer a draft (then the
    eligibility decision of the submission says it)."""
    if app.status not in (Application.Status.DRAFT, Application.Status.RETURNED):
        return None
    others = (
        Application.objects.filter(
            call_id=app.call_id,
            institution_id=app.institution_id,
            occupation_code=app.occupation_code,
            kind=app.kind,
            status__in=PENDING,
        )
        .exclude(pk=app.pk)
        .select_related("recommender")
        .order_by("pk")
    )
    found = [
        {
            "number": o.number,
            "recommender": o.recommender.name if o.recommender else "—",
            "status": str(o.get_status_display()),
        }
        for o in others
    ]
    if not found:
        return None
    return el.check_duplicate(others=found, programme=app.call.programme)

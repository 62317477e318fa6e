"""An application's form as its reader may see it (DESIGN §7): the personal fields (the legal
representative's ID number) in full for the institution's own staff and the officials of its region who
hold personal_data.view_full — each such view audited — and masked for everyone else."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.masking import personal_view, personal_views
from peiyu.core.identifiers import mask_phone

from ..models import Application
from ..rules.forms import FORMS, form_key_for
from .review import form_display


def application_personal_full(actor, app: Application, *, what: str) -> bool:
    """Whether this view of the application (its page, API, PDF or xlsx) shows its personal fields in
    full; a full one is audited. A form without personal values needs no decision and no event."""
    spec = FORMS[form_key_for(app.call.programme, app.kind)]
    if not any(f.personal and app.form.get(f.key) for f in spec.fields()):
        return False
    return personal_view(actor, app, what=what, region_code=app.region_id, org_id=app.institution_id).full


def application_form_shown(actor, app: Application) -> list[dict[str, Any]]:
    return form_display(app, full=application_personal_full(actor, app, what="application_form"))


def objection_contacts_shown(actor, objections: list) -> list[str]:
    """The objectors' contacts as the resolving official may see them: in full for an official of the
    application's region who holds personal_data.view_full (one audit event per list), masked otherwise.
    Only the region counts: the institution objected to never sees who objected."""
    shown = personal_views(actor, [(o.application.region_id, None) for o in objections], what="objections")
    return [_contact(o.contact, d.full) for o, d in zip(objections, shown, strict=True)]


def _contact(value: str, full: bool) -> str:
    if full:
        return value
    return mask_phone(value) if value.isdigit() else value[:2] + "***"

"""Masking by role (DESIGN §7): who sees people's names, ID numbers and phones in full.

One decision for every page and API operation: `personal_view(actor, …)` answers whether the actor
holds `personal_data.view_full` with a scope that reaches the record (the supervising official of its
region, the staff of its own institution), and when it does, records one audit event for that view, so
every full view of personal data is on the audit trail. Everyone else — the public, officials of
another jurisdiction, staff without the capability — gets the masked forms (`张*`, `110105********002X`,
`138****1234`). Screens that must tell namesakes apart use `tail`/`phone_tail`, which stay masked for
everyone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peiyu.audit.services import audit_record
from peiyu.core.identifiers import mask_id_number, mask_name, mask_phone

from .scoping import scope_for

VIEW_FULL = "personal_data.view_full"


@dataclass(frozen=True)
class Disclosure:
    """How one actor sees the personal data of one record (or one list of a record's people)."""

    full: bool

    def name(self, value: str | None) -> str:
        return (value or "") if self.full else mask_name(value)

    def id_number(self, value: str | None) -> str:
        return (value or "") if self.full else mask_id_number(value)

    def phone(self, value: str | None) -> str:
        return (value or "") if self.full else mask_phone(value)


MASKED = Disclosure(full=False)
OWN = Disclosure(full=True)  # a person's own data, shown to them (not a view of someone else's)


def may_view_full(actor: Any, *, region_code: str | None = None, org_id: int | None = None) -> bool:
    """Whether the actor may see in full the personal data of a record in this region or organisation.
    Without a region or organisation nothing is reachable (deny by default)."""
    scope = scope_for(actor, VIEW_FULL)
    if not scope.granted:
        return False
    if org_id is not None and (org_id in scope.org_ids or org_id in scope.recommender_org_ids):
        return True
    return bool(region_code) and scope.covers_region(region_code)


def personal_view(
    actor: Any,
    obj: Any,
    *,
    what: str,
    region_code: str | None = None,
    org_id: int | None = None,
    count: int | None = None,
) -> Disclosure:
    """The disclosure for a view of `obj`'s personal data (`what` names the screen or operation, `count`
    how many people it shows, where known). A full view is audited here, once per view; a masked one
    is not."""
    if not may_view_full(actor, region_code=region_code, org_id=org_id):
        return MASKED
    audit_record(
        actor,
        "personal_data.viewed",
        obj,
        after={"what": what} if count is None else {"what": what, "people": count},
        region_code=region_code or None,
    )
    return Disclosure(full=True)


def personal_views(
    actor: Any, places: list[tuple[str | None, int | None]], *, what: str, obj: Any = None
) -> list[Disclosure]:
    """The disclosures of a list whose rows lie in different places ((region code, organisation id)
    per row), in the same order; one audit event for the list names how many rows were shown in full."""
    scope = scope_for(actor, VIEW_FULL)
    if not scope.granted:
        return [MASKED] * len(places)
    out = [
        Disclosure(full=True)
        if (org_id is not None and (org_id in scope.org_ids or org_id in scope.recommender_org_ids))
        or (bool(region) and scope.covers_region(region or ""))
        else MASKED
        for region, org_id in places
    ]
    shown = sum(1 for d in out if d.full)
    if shown:
        audit_record(actor, "personal_data.viewed", obj, after={"what": what, "people": shown})
    return out


def id_tail(value: str | None) -> str:
    """The last four characters of an ID number, masked before them (to tell namesakes apart)."""
    value = value or ""
    return "…" + value[-4:] if len(value) >= 4 else ""


def phone_tail(value: str | None) -> str:
    value = (value or "").strip()
    return "…" + value[-4:] if len(value) >= 4 else ""

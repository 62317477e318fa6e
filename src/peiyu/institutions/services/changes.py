"""Changes of a catalog entry (变更, DIR-5): of basic data (district review, then the city capacity
centre applies) or of scope (levels, reviewed as a filing by the selecting body)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check
from peiyu.core.cleaning import REASON_MAX, clean_reason, clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.models import Decision

from ..flows import CHANGE_REQUEST_FLOW
from ..models import ChangeRequest, Listing
from ..selectors.changes import BASIC_FIELDS, change_step
from ..selectors.listings import listing_policy
from .listings import search_text

L = Listing.Status

_BASIC_MAX = {
    "institution_name": 200,
    "address": 200,
    "legal_rep_name": 64,
    "contact_name": 64,
    "contact_phone": 32,
}


def _clean_basic(after: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    clean: dict[str, str] = {}
    unknown = set(after) - set(BASIC_FIELDS)
    if unknown or not after:
        errors["after"] = ["基础信息变更仅限：" + "、".join(BASIC_FIELDS.values())]
        return clean
    for key, value in after.items():
        label = f"变更后的{BASIC_FIELDS[key]}"
        text = collect(errors, key, clean_text, value, max_length=_BASIC_MAX[key], required=True, label=label)
        if text is not None:
            clean[key] = " ".join(text.split())
    return clean


@transaction.atomic
def change_submit(*, actor, listing: Listing, type: str, after: dict[str, Any], reason: str) -> ChangeRequest:
    """DIR-5: basic data (name, address, legal representative, contact, phone) or scope (levels)."""
    require(actor, "application.submit", org_id=listing.institution_id)
    errors: dict[str, list[str]] = {}
    reason = collect(errors, "reason", clean_reason, reason, label="变更理由") or ""
    after = dict(after or {})
    if type not in ChangeRequest.Type.values:
        errors["type"] = ["变更类型无效"]
    if type == ChangeRequest.Type.BASIC:
        after = _clean_basic(after, errors)
        if after and not errors and all(getattr(listing, k, None) == v for k, v in after.items()):
            errors["after"] = ["变更后的内容与现有信息相同"]
    elif type == ChangeRequest.Type.SCOPE:
        allowed = [str(x) for x in (listing_policy(listing).get("levels") or [])]
        raw = after.get("levels") or []
        levels = [str(lv) for lv in raw] if isinstance(raw, list | tuple) else []
        if not levels or any(lv not in allowed for lv in levels) or set(after) - {"levels"}:
            errors["after"] = ["评价范围变更请选择等级：" + "、".join(allowed)]
        else:
            levels = [lv for lv in allowed if lv in levels]  # the profile's order, no duplicates
            if levels == list(listing.levels or []):
                errors["after"] = ["变更后的等级与现有等级相同"]
            after = {"levels": levels}
    if errors:
        raise InvalidInput("变更申请有误", fields=errors, rule="DIR-5")
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status not in (L.ACTIVE, L.SUSPENDED):
        raise Conflict(
            "仅有效或暂停的目录条目可申请变更",
            code="listing_not_changeable",
            rule="DIR-1" if listing.status == L.EXPIRED else None,  # out of its validity period
        )
    before = {k: getattr(listing, k, "") if k != "legal_rep_name" else "" for k in after}
    change = ChangeRequest.objects.create(
        listing=listing, type=type, before=before, after=after, reason=reason, created_by=actor
    )
    CHANGE_REQUEST_FLOW.created(change, actor=actor, reason=reason, after=after)
    return change


def change_review(*, actor, change: ChangeRequest, approve: bool, comment: str = "") -> ChangeRequest:
    comment = clean_text(comment, max_length=REASON_MAX, multiline=True, label="审核意见", field="comment")
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().select_related("listing").get(pk=change.pk)
        require(actor, "listing.view", region_code=change.listing.region_id)
        if change.status not in (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.REVIEWED):
            raise Conflict("该变更申请已办结", code="change_closed")
        listing = Listing.objects.select_for_update().get(pk=change.listing_id)
        org_kind, to_status = change_step(change)
        org = getattr(actor, "primary_org", None)
        if org is None or org.kind != org_kind:
            label = Org.Kind(org_kind).label
            raise RuleViolation(f"该环节由{label}办理", code="not_your_step", rule="DIR-5")
        if not approve and not comment:
            raise InvalidInput("请填写不予变更的理由", fields={"comment": ["请填写理由"]})
        if (
            approve
            and to_status == ChangeRequest.Status.APPLIED
            and listing.status not in (L.ACTIVE, L.SUSPENDED)
        ):
            raise Conflict(
                "目录条目已不在有效或暂停状态，不能变更",
                code="listing_not_changeable",
                rule="DIR-1" if listing.status == L.EXPIRED else None,
            )
        from_status = change.status
        CHANGE_REQUEST_FLOW.transition(
            change,
            to_status if approve else ChangeRequest.Status.REJECTED,
            actor=actor,
            reason=comment,
            changes={"comment": comment, "updated_at": timezone.now()},
            locked=True,
        )
        Decision.record(
            "institutions.change",
            change.pk,
            kind="change_review",
            outcome=change.status,
            checks=[
                Check(
                    "DIR-5",
                    approve,
                    f"{org.name}：{'同意' if approve else '不同意'}（{change.get_type_display()}）",
                    {"from": from_status, "to": change.status, "org_kind": org_kind},
                    "001 第十二条、第十三条；000 第二十条",
                )
            ],
            policy=listing_policy(listing),
        )
        if change.status == ChangeRequest.Status.APPLIED:
            before = {}
            for key, value in change.after.items():
                if key in ("institution_name", "address", "contact_name", "contact_phone", "levels"):
                    before[key] = getattr(listing, key)
                    setattr(listing, key, value)
            listing.search_text = search_text(listing)
            listing.save()
            if "institution_name" in change.after:
                # the name is the institution's: every entry of it shows the new one
                name = change.after["institution_name"]
                Org.objects.filter(pk=listing.institution_id).update(name=name)
                for other in Listing.objects.filter(institution_id=listing.institution_id).exclude(
                    pk=listing.pk
                ):
                    other.institution_name = name
                    other.search_text = search_text(other)
                    other.save(update_fields=["institution_name", "search_text", "updated_at"])
            audit_record(
                actor, "listing.changed", listing, before=before, after=change.after, reason=change.reason
            )
    return change

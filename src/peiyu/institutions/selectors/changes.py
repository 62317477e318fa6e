"""Reads of a catalog entry's changes (变更, DIR-5): the basic fields a change may touch and which body
acts next on an open change. The writes are in services.changes."""

from __future__ import annotations

from peiyu.accounts.models import Org

from ..models import ChangeRequest

BASIC_FIELDS = {
    "institution_name": "单位名称",
    "address": "地址",
    "legal_rep_name": "法定代表人",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}


def change_step(change: ChangeRequest) -> tuple[str, str]:
    """(org kind, status it moves to) of the next body to act (DIR-5): Chengdu — the district reviews,
    the city capacity centre applies; DTE — the selecting body applies and the change is published."""
    listing = change.listing
    if listing.programme == "skill":
        if change.status == ChangeRequest.Status.SUBMITTED:
            return Org.Kind.HRSS_DISTRICT, ChangeRequest.Status.REVIEWED
        return Org.Kind.CAPACITY_CENTRE, ChangeRequest.Status.APPLIED
    wanted = Org.Kind.COORDINATION_GROUP if listing.kind == "evaluation" else Org.Kind.HRSS_PROVINCE
    return wanted, ChangeRequest.Status.APPLIED


def change_next_org_kind(change: ChangeRequest) -> str:
    return change_step(change)[0]

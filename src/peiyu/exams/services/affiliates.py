"""Declared affiliates and the training conflict (EVL-9; seed 000 Art. 18, 001 Art. 24): an evaluation
institution declares its subsidiaries, branches and technical-support units (optionally linked to an
organisation of the platform, or found by its USCC); the check looks for an active training listing, held
by the institution itself or an affiliate, for an occupation the institution holds an evaluation listing
for. A hit flags the affiliate and is stored as a Decision naming the listings; it is re-run when an
affiliate is declared or ended and from the daily tick."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_reason, clean_text, collect
from peiyu.core.errors import Conflict, InvalidInput, PolicyMissing
from peiyu.core.identifiers import validate_uscc
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for
from peiyu.institutions.selectors.evaluation_listings import evaluation_listings_of
from peiyu.institutions.selectors.exam_conflicts import active_training_listings, evaluating_institution_ids

from ..flows import MANAGE
from ..models import Affiliate
from ..rules.affiliates import TrainingListingFacts, check_training_conflict
from ..selectors.affiliates import CONFLICT_KIND, ORG_SUBJECT, latest_conflict


def _clean(data: dict[str, Any], institution: Org) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in Affiliate.Kind.values:
        errors["kind"] = ["请选择与本机构的关系"]
    org: Org | None = None
    raw_org = str(data.get("org") or "").strip()
    if raw_org:
        org = Org.objects.filter(pk=int(raw_org)).first() if raw_org.isdigit() else None
        if org is None:
            errors["org"] = ["所选单位不存在"]
        elif org.pk == institution.pk:
            errors["org"] = ["不能将本机构登记为自己的关联单位"]
    name = collect(errors, "name", clean_text, data.get("name"), max_length=200, label="名称")
    if not name and org is not None:
        name = org.name
    if not name and "name" not in errors:
        errors["name"] = ["请填写关联单位名称"]
    uscc = ""
    raw_uscc = str(data.get("uscc") or "").strip()
    if raw_uscc:
        uscc = collect(errors, "uscc", validate_uscc, raw_uscc) or ""
    elif org is not None and org.uscc:
        uscc = org.uscc
    if errors:
        raise InvalidInput("关联单位信息填写有误", fields=errors)
    return {"kind": kind, "org": org, "name": name, "uscc": uscc}


def affiliate_declare(*, actor: Any, institution: Org, data: dict[str, Any]) -> Affiliate:
    """Declare an affiliate of the institution, then re-run the EVL-9 check."""
    require(actor, MANAGE, org_id=institution.pk)
    fields = _clean(data, institution)
    with transaction.atomic():
        duplicate = Affiliate.objects.filter(institution=institution, ended_on__isnull=True).filter(
            Q(name=fields["name"]) | (Q(uscc=fields["uscc"]) if fields["uscc"] else Q(pk__in=[]))
        )
        if duplicate.exists():
            raise Conflict("该关联单位已登记", code="affiliate_exists", fields={"name": ["该关联单位已登记"]})
        affiliate = Affiliate.objects.create(institution=institution, declared_by=actor, **fields)
        audit_record(
            actor, "exam_affiliate.declared", affiliate,
            after={"kind": affiliate.kind, "name": affiliate.name, "uscc": affiliate.uscc, "org": affiliate.org_id},
            region_code=institution.region_id,
        )  # fmt: skip
        affiliates_check(institution, actor=actor)
    affiliate.refresh_from_db()
    return affiliate


def affiliate_end(*, actor: Any, affiliate: Affiliate, reason: str) -> Affiliate:
    """The relation ended (the unit was sold, closed, separated): kept on record, no longer checked."""
    require(actor, MANAGE, org_id=affiliate.institution_id)
    text = clean_reason(reason, label="终止原因")
    with transaction.atomic():
        locked = Affiliate.objects.select_for_update().get(pk=affiliate.pk)
        if locked.ended_on is not None:
            raise Conflict("该关联关系已终止", code="affiliate_ended")
        locked.ended_on = timezone.localdate()
        locked.flagged = False
        locked.save(update_fields=["ended_on", "flagged", "updated_at"])
        audit_record(actor, "exam_affiliate.ended", locked, after={"ended_on": str(locked.ended_on)}, reason=text,
                     region_code=locked.institution.region_id)  # fmt: skip
        affiliates_check(locked.institution, actor=actor)
    return locked


def _holder_org(affiliate: Affiliate) -> int | None:
    if affiliate.org_id is not None:
        return affiliate.org_id
    if affiliate.uscc:
        found = Org.objects.filter(uscc=affiliate.uscc).values_list("pk", flat=True).first()
        return int(found) if found is not None else None
    return None


def _policy(institution_id: int, region: str, on: dt.date) -> Policy | None:
    for listing in evaluation_listings_of(institution_id):
        try:
            return policy_for(listing.programme, region, on=on)
        except PolicyMissing:
            continue
    return None


def affiliates_check(institution: Org, *, actor: Any = None) -> Decision | None:
    """Run the EVL-9 check for the institution and its current affiliates; flag or clear each affiliate and
    store a Decision when the outcome or the listings named differ from the last one. Returns the new
    Decision, or None when nothing changed."""
    today = timezone.localdate()
    evaluated: dict[str, list[str]] = {}
    for listing in evaluation_listings_of(institution.pk).filter(status="active"):
        evaluated.setdefault(listing.occupation_code, []).append(listing.number)
    affiliates = list(
        Affiliate.objects.select_for_update().filter(institution=institution, ended_on__isnull=True)
    )
    holders: dict[int, tuple[str, int | None]] = {institution.pk: (institution.name, None)}
    for a in affiliates:
        org_id = _holder_org(a)
        if org_id is not None and org_id not in holders:
            holders[org_id] = (a.name, a.pk)
    training = [
        TrainingListingFacts(
            holder=holders[t.institution_id][0], affiliate_id=holders[t.institution_id][1], number=t.number,
            occupation_code=t.occupation_code, occupation_name=t.occupation_name,
        )
        for t in active_training_listings(holders.keys(), evaluated.keys())
    ] if evaluated else []  # fmt: skip
    checks = [
        check_training_conflict(institution.name, affiliate_id=None, evaluated=evaluated, training=training)
    ]
    checks += [
        check_training_conflict(a.name, affiliate_id=a.pk, evaluated=evaluated, training=training)
        for a in affiliates
    ]
    hits = sorted(n for c in checks for n in c.facts.get("listings", []))
    outcome = "conflict" if hits else "clear"
    last = latest_conflict(institution.pk)
    changed = last is None or last.outcome != outcome or _named(last) != hits
    decision = last
    if changed:
        decision = Decision.record(
            ORG_SUBJECT, institution.pk, kind=CONFLICT_KIND, outcome=outcome, checks=checks,
            policy=_policy(institution.pk, institution.region_id or "", today), rules=["EVL-9"],
        )  # fmt: skip
        audit_record(
            actor, "exam_affiliate.checked", institution,
            after={"decision": decision.pk, "outcome": outcome, "listings": hits},
        )  # fmt: skip
    for a, check in zip(affiliates, checks[1:], strict=True):
        flagged = not check.ok
        if a.flagged != flagged or (flagged and changed):
            a.flagged = flagged
            a.flag_decision = decision if flagged else None
            a.save(update_fields=["flagged", "flag_decision", "updated_at"])
    return decision if changed else None


def _named(decision: Decision) -> list[str]:
    return sorted(n for c in decision.checks or [] for n in (c.get("facts") or {}).get("listings", []))


def affiliates_recheck(now: dt.datetime) -> int:
    """The daily tick: re-run the check for every evaluating institution and every institution with declared
    affiliates; returns how many outcomes changed (a second run at the same moment changes nothing)."""
    ids = set(evaluating_institution_ids()) | set(
        Affiliate.objects.filter(ended_on__isnull=True).values_list("institution_id", flat=True)
    )
    changed = 0
    for institution in Org.objects.filter(pk__in=ids).order_by("pk"):
        with transaction.atomic():
            if affiliates_check(institution) is not None:
                changed += 1
    return changed

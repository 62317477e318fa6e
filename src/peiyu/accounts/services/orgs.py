"""Organisations registered by an administrator (bureaus, authorities, institutions): `org_create`.
Institutions that sign themselves up go through services.signups."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.cleaning import phone as clean_phone
from peiyu.core.errors import Conflict, InvalidInput
from peiyu.core.identifiers import validate_uscc

from ..models import Org, Region
from .access import require

USCC_TAKEN = "该统一社会信用代码已登记"


def org_snapshot(org: Org) -> dict:
    return {
        "name": org.name,
        "kind": org.kind,
        "region": org.region_id,
        "uscc": org.uscc,
        "recommended_by": org.recommended_by_id,
        "is_active": org.is_active,
        "status": org.status,
    }


def clean_uscc(errors: dict[str, list[str]], value: str | None, *, required: bool = False) -> str | None:
    """The credit code checked (length, alphabet, registration region, check character: SEL-1)."""
    if not value and not required:
        return None
    try:
        return validate_uscc(value or "")
    except InvalidInput as exc:
        errors["uscc"] = list((exc.fields or {}).get("uscc") or [exc.message])
        return None


def org_create(
    *,
    actor,
    name: str,
    kind: str,
    region_code: str | None,
    uscc: str | None = None,
    recommended_by: Org | None = None,
    contact_phone: str = "",
) -> Org:
    require(actor, "org.manage", region_code=region_code or "")
    errors: dict[str, list[str]] = {}
    name = collect(errors, "name", clean_text, name, max_length=200, required=True, label="单位名称") or ""
    contact_phone = collect(errors, "contact_phone", clean_phone, contact_phone) or ""
    if kind not in Org.Kind.values:
        errors["kind"] = ["单位类型无效"]
    region = Region.objects.filter(pk=region_code).first() if region_code else None
    if region_code and region is None:
        errors["region"] = [f"行政区划代码 {region_code} 不存在"]
    uscc = clean_uscc(errors, uscc)
    if errors:
        raise InvalidInput("单位信息有误", fields=errors)
    try:
        with transaction.atomic():
            org = Org.objects.create(
                name=name,
                kind=kind,
                region=region,
                uscc=uscc or None,
                recommended_by=recommended_by,
                contact_phone=contact_phone,
            )
            audit_record(actor, "org.created", org, after=org_snapshot(org))
    except IntegrityError as exc:
        raise Conflict(USCC_TAKEN, code="uscc_taken", fields={"uscc": [USCC_TAKEN]}) from exc
    return org

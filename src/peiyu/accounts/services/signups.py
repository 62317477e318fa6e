"""An institution signs itself up on the portal (name, unified social credit code with its check,
legal representative, contact, and the account of the person who applies for it, who becomes the
institution's administrator). The HRSS bureau of its region confirms the sign-up or returns it with a
reason; a returned sign-up is corrected and resubmitted. Until it is confirmed the institution cannot
apply (selectors.signups.org_confirmed; institutions' applications ask it). Each move goes through
flows.ORG_FLOW (TransitionLog + audit); the sign-up waits on the bureau's to-do list until its
deadline (`PEIYU_ORG_SIGNUP_REVIEW_WORKING_DAYS` working days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.calendar import add_working_days
from peiyu.core.cleaning import clean_reason, clean_text, collect, mobile_phone, person_name
from peiyu.core.errors import Conflict, InvalidInput

from ..flows import CONFIRM_CAPABILITY, ORG_FLOW
from ..models import Org, Region, Role, RoleAssignment
from .access import require
from .orgs import USCC_TAKEN, clean_uscc
from .users import clean_email, new_user

O = Org.Status  # noqa: E741
ADMIN_ROLE = "institution_admin"
ORG_FIELDS = (
    "name",
    "uscc",
    "region_code",
    "legal_rep_name",
    "contact_name",
    "contact_phone",
    "contact_email",
)
ACCOUNT_FIELDS = ("username",)


def due_date(today: dt.date | None = None) -> dt.date:
    return add_working_days(today or timezone.localdate(), settings.PEIYU_ORG_SIGNUP_REVIEW_WORKING_DAYS)


def _region(errors: dict[str, list[str]], code: str, uscc: str | None) -> Region | None:
    """The region typed, else the registration region in the credit code (characters 3–8), else its
    city; a code that names no region is refused."""
    code = (code or "").strip()
    if code:
        region = Region.objects.active().filter(pk=code).first()
        if region is None:
            errors["region_code"] = [f"行政区划代码 {code} 不存在"]
        return region
    if not uscc:
        return None  # the credit code's own message says what is wrong; the region follows from it
    for candidate in (uscc[2:8], uscc[2:6] + "00"):
        region = Region.objects.active().filter(pk=candidate).first()
        if region is not None and region.level != Region.Level.PROVINCE:
            return region
    errors["region_code"] = ["请填写机构所在地的行政区划代码（6位数字，如沈阳市皇姑区 210105）"]
    return None


def _clean_org(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["name"] = collect(
        errors, "name", clean_text, data.get("name"), max_length=200, required=True, label="机构名称"
    )
    out["uscc"] = clean_uscc(errors, data.get("uscc"), required=True)
    out["region"] = _region(errors, str(data.get("region_code") or ""), out["uscc"])
    out["legal_rep_name"] = collect(errors, "legal_rep_name", person_name, data.get("legal_rep_name"))
    out["contact_name"] = collect(errors, "contact_name", person_name, data.get("contact_name"))
    out["contact_phone"] = collect(
        errors, "contact_phone", mobile_phone, data.get("contact_phone"), required=True
    )
    out["contact_email"] = clean_email(errors, str(data.get("contact_email") or ""))
    if out["uscc"] and "uscc" not in errors:
        taken = Org.objects.filter(uscc=out["uscc"])
        if data.get("org_id"):
            taken = taken.exclude(pk=data["org_id"])
        if taken.exists():
            errors["uscc"] = [USCC_TAKEN + "，如需开通账户请联系本机构管理员"]
    return out


def _snapshot(org: Org) -> dict[str, Any]:
    return {
        "name": org.name,
        "uscc": org.uscc,
        "region": org.region_id,
        "legal_rep_name": org.legal_rep_name,
        "contact_name": org.contact_name,
        "signup_due_on": org.signup_due_on,
    }


def org_signup(*, data: Mapping[str, Any]) -> Org:
    """A public sign-up: the institution (pending) and its administrator's account, in one transaction.
    Every problem is reported per field; nothing is written when any is wrong."""
    errors: dict[str, list[str]] = {}
    clean = _clean_org(data, errors)
    password = str(data.get("password") or "")
    if password != str(data.get("password_confirm") or ""):
        errors["password_confirm"] = ["两次输入的密码不一致"]
    role = Role.objects.filter(code=ADMIN_ROLE, disabled_on__isnull=True).first()
    placeholder = Org(kind=Org.Kind.INSTITUTION)
    user = new_user(
        errors=errors,
        username=str(data.get("username") or ""),
        full_name=clean["contact_name"] or "",
        org=placeholder,
        password=password,
        email=clean["contact_email"] or "",
        phone=clean["contact_phone"] or "",
    )
    for wrong, right in (
        ("full_name", "contact_name"),
        ("phone", "contact_phone"),
        ("email", "contact_email"),
    ):
        if wrong in errors:
            errors.setdefault(right, errors.pop(wrong))
    if role is None:
        errors.setdefault("form", []).append("角色尚未载入，请联系平台运营单位")
    if errors:
        raise InvalidInput("注册信息有误，请按提示修改", fields=errors)
    assert role is not None
    try:
        with transaction.atomic():
            org = Org.objects.create(
                name=clean["name"],
                kind=Org.Kind.INSTITUTION,
                region=clean["region"],
                uscc=clean["uscc"],
                legal_rep_name=clean["legal_rep_name"],
                contact_name=clean["contact_name"],
                contact_phone=clean["contact_phone"],
                contact_email=clean["contact_email"],
                status=O.PENDING,
                signup_due_on=due_date(),
            )
            user.primary_org = org
            user.save()
            RoleAssignment.objects.create(
                user=user, role=role, org=org, region=None, separation=role.separation
            )
            audit_record(user, "user.created", user, after={"username": user.username, "org": org.pk})
            audit_record(user, "role.assigned", user, after={"role": role.code, "org": org.pk})
            ORG_FLOW.created(org, actor=user, after=_snapshot(org))
    except IntegrityError as exc:
        raise Conflict(USCC_TAKEN, code="uscc_taken", fields={"uscc": [USCC_TAKEN]}) from exc
    return org


def signup_resubmit(*, actor, org: Org, data: Mapping[str, Any]) -> Org:
    """The institution's administrator corrects a returned sign-up and submits it again (returned →
    pending, a new deadline)."""
    require(actor, "org.staff_manage", org_id=org.pk)
    errors: dict[str, list[str]] = {}
    clean = _clean_org({**data, "org_id": org.pk}, errors)
    if errors:
        raise InvalidInput("注册信息有误，请按提示修改", fields=errors)
    changes = {
        "name": clean["name"],
        "uscc": clean["uscc"],
        "region": clean["region"],
        "legal_rep_name": clean["legal_rep_name"],
        "contact_name": clean["contact_name"],
        "contact_phone": clean["contact_phone"],
        "contact_email": clean["contact_email"],
        "signup_due_on": due_date(),
    }
    try:
        with transaction.atomic():
            ORG_FLOW.transition(
                org,
                O.PENDING,
                actor=actor,
                reason="修改后重新提交",
                changes=changes,
                expected_from={O.RETURNED},
            )
    except IntegrityError as exc:
        raise Conflict(USCC_TAKEN, code="uscc_taken", fields={"uscc": [USCC_TAKEN]}) from exc
    return org


def signup_confirm(*, actor, org: Org, reason: str = "") -> Org:
    """The bureau of the institution's region confirms the sign-up: from now on it may apply."""
    require(actor, CONFIRM_CAPABILITY, region_code=org.region_id or "")
    reason = clean_text(reason, max_length=500, multiline=True, label="意见", field="reason")
    ORG_FLOW.transition(org, O.CONFIRMED, actor=actor, reason=reason, expected_from={O.PENDING})
    return org


def signup_return(*, actor, org: Org, reason: str) -> Org:
    """The bureau returns the sign-up with a reason; the institution corrects it and resubmits."""
    require(actor, CONFIRM_CAPABILITY, region_code=org.region_id or "")
    reason = clean_reason(reason, label="退回理由")
    ORG_FLOW.transition(org, O.RETURNED, actor=actor, reason=reason, expected_from={O.PENDING})
    return org


SIGNUP_ACTIONS = {"confirm": signup_confirm, "return": signup_return}

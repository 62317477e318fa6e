"""Exam incidents (EVL-11; seed 000 Art. 11(6)): recorded by the proctor with a reason code and what
happened; a severe one (discipline breach, impersonation, leak — rules.cbt.is_severe) is reported at
once to the local HRSS bureau of the session's region (the city bureau, else the province), the industry
authority that recommended the institution (if any) and, for DTE, the coordination group. Each
recipient gets it on its to-do list with a deadline: `incident_report_working_days` working days from
the report (policy, platform practice) by which it must acknowledge and take it up; acknowledging
removes it from that recipient's list. The recipients, deadlines and acknowledgements are kept on
`Incident.reports` (a handful per incident)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.calendar import add_working_days
from peiyu.core.cleaning import clean_text
from peiyu.core.errors import InvalidInput, NotFound
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..flows import INCIDENT_FLOW
from ..models import Incident, Registration, Sitting
from ..rules.cbt import is_severe, report_check
from ..selectors.incidents import receiving_orgs

DESCRIPTION_MAX = 2000


def recipients_for(sitting: Sitting) -> list[dict[str, Any]]:
    session = sitting.session
    region = session.region_code or ""
    found: list[dict[str, Any]] = []
    bureau = (
        Org.objects.filter(kind=Org.Kind.HRSS_CITY, is_active=True, region_id=region[:4] + "00").first()
        or Org.objects.filter(
            kind=Org.Kind.HRSS_PROVINCE, is_active=True, region_id=region[:2] + "0000"
        ).first()
    )
    if bureau is not None:
        found.append({"org": bureau.pk, "name": bureau.name, "kind": "hrss"})
    recommender = session.listing.recommender
    if recommender is not None and recommender.kind == Org.Kind.INDUSTRY_AUTHORITY:
        found.append({"org": recommender.pk, "name": recommender.name, "kind": "industry_authority"})
    if session.programme == "dte":
        group = Org.objects.filter(kind=Org.Kind.COORDINATION_GROUP, is_active=True).order_by("pk").first()
        if group is not None:
            found.append({"org": group.pk, "name": group.name, "kind": "coordination_group"})
    return found


def incident_record(
    *,
    actor: Any,
    sitting: Sitting,
    reason: str,
    description: str,
    registration: Registration | None = None,
    occurred_at: dt.datetime | None = None,
) -> Incident:
    require(actor, "exam.proctor", org_id=sitting.session.institution_id)
    errors: dict[str, list[str]] = {}
    if reason not in Incident.Reason.values:
        errors["reason"] = ["请选择事由"]
    try:
        description = clean_text(description, field="description", max_length=DESCRIPTION_MAX, required=True,
                                 multiline=True, label="事件经过")  # fmt: skip
    except InvalidInput as exc:
        errors.update(exc.fields)
    if registration is not None and registration.theory_sitting_id != sitting.pk:
        errors["registration"] = ["该考生不在本场次"]
    if errors:
        raise InvalidInput("考务事件未记录，请按提示修改", fields=errors)
    now = timezone.now()
    session = sitting.session
    severe = is_severe(reason)
    with transaction.atomic():
        incident = Incident.objects.create(
            session=session, sitting=sitting, registration=registration, reason=reason,
            description=description, severe=severe, occurred_at=occurred_at or now, recorded_by=actor,
        )  # fmt: skip
        INCIDENT_FLOW.created(incident, actor=actor, after={"reason": reason, "severe": severe})
        if severe:
            policy = policy_for(session.programme, session.region_code, on=timezone.localdate(now))
            due = add_working_days(timezone.localdate(now), int(policy["incident_report_working_days"]))
            recipients = recipients_for(sitting)
            check = report_check(reason, [r["name"] for r in recipients])
            Decision.record(
                incident._meta.label_lower, incident.pk, kind="incident_report", outcome="reported",
                checks=[check], policy=policy,
            )  # fmt: skip
            reports = [{**r, "due_on": due.isoformat(), "acknowledged_at": None, "acknowledged_by": None}
                       for r in recipients]  # fmt: skip
            INCIDENT_FLOW.transition(
                incident, Incident.Status.REPORTED, actor=actor, reason="严重考务事件，报告监管部门",
                changes={"reports": reports, "report_due_on": due}, locked=True,
            )  # fmt: skip
    return incident


def incident_acknowledge(*, actor: Any, incident: Incident) -> Incident:
    """A recipient acknowledges the report: it leaves that recipient's to-do list."""
    mine = receiving_orgs(actor)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        reports = [dict(r) for r in locked.reports]
        hit = [r for r in reports if r["org"] in mine and not r.get("acknowledged_at")]
        if not hit and not any(r["org"] in mine for r in reports):
            raise NotFound()
        now = timezone.now()
        for r in hit:
            r["acknowledged_at"] = now.isoformat()
            r["acknowledged_by"] = actor.pk
        if hit:
            locked.reports = reports
            locked.save(update_fields=["reports", "updated_at"])
            audit_record(actor, "exam_incident.acknowledged", locked, after={"orgs": [r["org"] for r in hit]})
    return locked

"""Test helpers of plans, sessions and sittings: a bank that meets Chengdu's minimum (built in bulk: the
counts are what EVL-2 looks at), the create form's values, candidates admitted to a session, and the
internal supervisor of a sitting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peiyu.exams.models import (
    EvaluationSession,
    Item,
    QualitySupervisor,
    QuestionBank,
    Registration,
    Sitting,
    SupervisionAssignment,
)

from . import factories


def full_bank(world: Any, *, level: str = "四级", theory: int = 1200, practical: int = 10) -> QuestionBank:
    org = world.orgs["cd_social1"]
    bp = factories.blueprint(factories.ELECTRICIAN, level)
    bank = QuestionBank.objects.create(
        institution=org,
        region_code=org.region_id,
        programme="skill",
        occupation_code=factories.ELECTRICIAN[0],
        occupation_name=factories.ELECTRICIAN[1],
        level=level,
        blueprint=bp,
    )
    Item.objects.bulk_create(
        [
            Item(bank=bank, code=f"T{n:05d}", item_type="single", area_code="A", status="approved")
            for n in range(theory)
        ]
        + [
            Item(bank=bank, code=f"P{n:05d}", item_type="practical", area_code="C", status="approved")
            for n in range(practical)
        ]
    )
    return bank


def form(world: Any, **over: Any) -> dict[str, Any]:
    """The create form's values for a 电工 四级 session of the Chengdu organisation at an accepted site."""
    org = world.orgs["cd_social1"]
    today = timezone.localdate()
    values: dict[str, Any] = {
        "listing": str(world.listings["cd_elec"].pk),
        "level": "四级",
        "title": "2026年第一批电工四级认定",
        "site": str(over.pop("site", None) or factories.site(org).pk),
        "capacity": "40",
        "fee": "300",
        "announcement": "报名条件见年度计划。",
        "registration_opens_on": (today + dt.timedelta(days=10)).isoformat(),
        "registration_closes_on": (today + dt.timedelta(days=20)).isoformat(),
        "theory_starts_at": f"{(today + dt.timedelta(days=30)).isoformat()} 09:00",
        "theory_minutes": "90",
        "practical_on": (today + dt.timedelta(days=31)).isoformat(),
        "forms": "2",
    }
    if "bank" not in over:
        values["bank"] = str(full_bank(world).pk)
    values.update({k: v for k, v in over.items()})
    return values


def admit(session: EvaluationSession, n: int, *, start: int = 1, **extra: Any) -> list[Registration]:
    out = []
    for i in range(start, start + n):
        who = factories.person(f"考生{i}", f"510107199001{i % 28 + 1:02d}{i:03d}"[:17])
        out.append(factories.registration(session, who, **extra))
    return out


def supervisor_for(
    world: Any, sitting: Sitting, *, checked_in: bool = True, kind: str = "internal"
) -> SupervisionAssignment:
    user = world.users["cd_supervisor"]
    qs, _ = QualitySupervisor.objects.get_or_create(
        org=world.orgs["cd_social1"], user=user, kind=kind, defaults={"name": "督导员"}
    )
    return SupervisionAssignment.objects.create(
        sitting=sitting,
        supervisor=qs,
        assigned_by=world.users["cd_exam_admin"],
        checked_in_at=timezone.now() if checked_in else None,
    )

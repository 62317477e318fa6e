"""Builders of the call tests: a moment inside 2026 (the Liaoning profile in force), a Liaoning draft
made by the provincial official through the service, and the fields of a complete call."""

from __future__ import annotations

import datetime as dt

from peiyu.institutions.models import Call
from peiyu.institutions.services import calls as services

from . import factories as f

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=CST)  # after the personas' roles begin (today)
TODAY = NOW.date()


def travel(time_machine, when: dt.datetime = NOW) -> None:
    time_machine.move_to(when, tick=False)


def complete(**extra) -> dict:
    """What a provincial official fills in for a Liaoning call (the pre-filled items left out)."""
    return {
        "title": "辽宁省数字技术工程师培育项目第三批机构申报",
        "programme": "dte",
        "kinds": ["training", "evaluation"],
        "occupation_codes": [f.AI, f.BIGDATA],
        "levels": ["初级", "中级"],
        "opens_on": TODAY,
        "deadline": TODAY + dt.timedelta(days=30),
        "body": "申报条件与程序见附件。",
        **extra,
    }


def ln_draft(world, **extra) -> Call:
    return services.call_create(actor=world.ln_official, region_code="210000", **complete(**extra))

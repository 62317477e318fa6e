"""Issued certificates for the tests of lists, invalidation, reissue and the wallet: made through the one
issuing function (services.issuance.certificates_create, signed like any other) with a test number plan —
the state a test starts from, not the behaviour under test. People are training's register records
(exams' `factories.person`), optionally linked to a signed-in account holding the trainee role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peiyu.certificates.models import Certificate
from peiyu.certificates.rules.numbering import NumberPlan
from peiyu.certificates.services.issuance import IssueRow, certificates_create
from peiyu.core.identifiers import mask_id_number
from peiyu.exams.tests import factories

ISSUED_ON = dt.date(2026, 2, 20)
SKILL = {"institution": "cd_social1", "programme": "skill", "region_code": "510107", "kind": "skill",
         "occupation": factories.ELECTRICIAN, "level": "四级", "prefix": "S000051000012264", "width": 6}  # fmt: skip
DTE = {"institution": "hb_eval", "programme": "dte", "region_code": "420100", "kind": "level",
       "occupation": factories.AI, "level": "初级", "prefix": "D4220261", "width": 8}  # fmt: skip
TRAINING = {"institution": "hb_train", "programme": "dte", "region_code": "420100", "kind": "training",
            "occupation": factories.AI, "level": "初级", "prefix": "PX2026420100", "width": 6}  # fmt: skip


def holder_account(world: Any, username: str) -> Any:
    """A person's own account (the 学员 role: person.self)."""
    from tests.personas import _user

    return _user(world, username, world.orgs["platform"], "trainee", None)


def person(name: str, first17: str, *, user: Any = None) -> Any:
    return factories.person(name, first17, user=user)


def issue(world: Any, who: Any, *, spec: dict[str, Any] = SKILL, level: str | None = None,
          issued_on: dt.date = ISSUED_ON, source_id: int | None = None, **details: Any) -> Certificate:  # fmt: skip
    """One certificate of `spec` (SKILL, DTE, TRAINING) for the person `who`."""
    from peiyu.core.crypto import blind_index

    institution = world.orgs[spec["institution"]]
    code, name = spec["occupation"]
    row = IssueRow(
        holder_id=who.pk,
        holder_name=who.name,
        id_masked=mask_id_number(who.id_number),
        id_index=blind_index(who.id_number, factories.ID_PURPOSE),
        occupation_code=code,
        occupation_name=name,
        direction="",
        level=level or spec["level"],
        details=details,
        source_kind="registration" if spec["kind"] != "training" else "enrolment",
        source_id=source_id if source_id is not None else who.pk * 10 + len(details),
    )
    [cert] = certificates_create(
        actor=world.users[f"{spec['institution']}_admin"],
        kind=spec["kind"],
        institution=institution,
        programme=spec["programme"],
        region_code=spec["region_code"],
        plan=NumberPlan(spec["prefix"], spec["width"]),
        rows=[row],
        issued_on=issued_on,
        decision=None,
    )
    return cert

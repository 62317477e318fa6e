"""Certificates for the verification tests, made the way issuers make them (services.issuance:
numbered, signed, recorded) — electricians of the Chengdu social organisation by default — and turned
invalid or reissued through the invalidation and reissue services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from peiyu.core.identifiers import mask_id_number

from ..models import Certificate
from ..rules.numbering import NumberPlan
from ..services.issuance import IssueRow, certificates_create

ELECTRICIAN = ("6-31-01-03", "电工")
ISSUED_ON = dt.date(2026, 4, 20)
_serial = [0]


def people(names: Sequence[str]) -> list[Any]:
    from peiyu.exams.tests import factories

    made = []
    for name in names:
        _serial[0] += 1
        made.append(factories.person(name, f"51010719900101{_serial[0] % 1000:03d}"))
    return made


def issue(
    world: Any,
    names: Sequence[str] = ("李小红", "王明"),
    *,
    org: str = "cd_social1",
    level: str = "四级",
    prefix: str = "S00005100000126",
    actor: str = "cd_exam_admin",
) -> list[Certificate]:
    """Skill certificates for new people of those names, numbered `prefix` + level code + 6 digits."""
    holders = people(names)
    rows = [
        IssueRow(
            holder_id=p.pk,
            holder_name=p.name,
            id_masked=mask_id_number(p.id_number),
            id_index=p.id_index,
            occupation_code=ELECTRICIAN[0],
            occupation_name=ELECTRICIAN[1],
            direction="",
            level=level,
            source_kind="registration",
            source_id=900_000 + p.pk,
        )
        for p in holders
    ]
    certs = certificates_create(
        actor=world.users[actor],
        kind="skill",
        institution=world.orgs[org],
        programme="skill",
        region_code=world.orgs[org].region_id,
        plan=NumberPlan(prefix=prefix + "4", width=6),
        rows=rows,
        issued_on=ISSUED_ON,
        decision=None,
    )
    for cert, person in zip(certs, holders, strict=True):
        cert.refresh_from_db()
        cert.id_number = person.id_number  # the full number, for the tests that type it
    return certs


def invalidate(world: Any, cert: Certificate, *, cause: str = "cheating") -> Certificate:
    """Declared invalid by the Chengdu official after the institution stated the facts (CRT-7)."""
    from ..services.invalidations import invalidation_decide, invalidation_open, invalidation_state

    inv = invalidation_open(
        actor=world.users["cd_official"],
        certificate=cert,
        cause=cause,
        scope="certificate",
        finding="经查，该考生在理论知识考试中使用通讯工具作弊，监控录像和现场记录为证。",
    )
    invalidation_state(
        actor=world.users["cd_exam_admin"], invalidation=inv, statement="本机构核实情况属实，已上报。"
    )
    invalidation_decide(actor=world.users["cd_official"], invalidation=inv, reason="事实清楚，证据确凿。")
    cert.refresh_from_db()
    return cert


def reissue(world: Any, cert: Certificate) -> Certificate:
    """Reissued as lost: the old one superseded, the new one valid."""
    from ..services.certificates_reissue import certificate_reissue

    new = certificate_reissue(
        actor=world.users["cd_exam_admin"], certificate=cert, kind="lost", reason="持证人证书遗失，申请补发"
    )
    cert.refresh_from_db()
    return new

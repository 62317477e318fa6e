"""Examiner panels (EVL-6; seed 001 Art. 20): who may sit on a session's panel, recusal, rotation between
consecutive batches, and the draw. Pure functions over plain facts; services.panels gathers the facts and
stores the draw as a Decision.

An examiner may be drawn for a session when
- she is on the institution's register (not disabled);
- she is licensed for the session's occupation (her occupation codes hold it, or a prefix of it);
- her licence is valid on the session's date;
- no integrity entry bars her on that date (EVL-3);
- no recusal ground holds against ANY candidate of the session (回避):
  employed by or teaching at the candidate's training institution or employer (her employer on record,
  or a declared relation, compared by organisation id and by normalised name), a declared personal
  relation to the candidate (the candidate's ID number compared by blind index), or being the candidate.

Rotation: at least `examiner_rotation_min` (a fraction, e.g. 1/3) of the panel must differ from the panel
of the same kind of the institution's previous session of the same occupation and level, so at most
``size - ceil(size × rotation_min)`` members may carry over.

The draw reuses the directory's expert draw (``sha256-seeded-fisher-yates-v1``,
peiyu.institutions.rules.panels): the eligible examiner ids sorted ascending, shuffled on the seed's
SHA-256 stream; the panel is taken in that order, skipping a carried-over examiner once the carry-over
allowance is used. So seed + eligible ids + the previous panel give the panel again, anyone can recompute
it; the first drawn is the leader unless the institution names another member."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from peiyu.core.checks import Check
from peiyu.institutions.rules.panels import ALGORITHM, field_covers, normalise_name, shuffled

__all__ = [
    "ALGORITHM",
    "SOURCE_EVL6",
    "CandidateFacts",
    "DrawResult",
    "ExaminerFacts",
    "draw_panel",
    "exclusion_reasons",
    "max_carry_over",
    "partition",
]

SOURCE_EVL6 = "001 第二十条"


@dataclass(frozen=True)
class ExaminerFacts:
    id: int
    name: str
    id_index: str = ""
    occupations: tuple[str, ...] = ()
    licence_valid_until: dt.date | None = None
    active: bool = True
    barred_until: dt.date | None = None  # the latest bar of a breach on record
    org_ids: frozenset[int] = field(default_factory=frozenset)  # employer and declared employed/teaches
    org_names: frozenset[str] = field(default_factory=frozenset)  # normalised
    person_indexes: frozenset[str] = field(default_factory=frozenset)  # declared personal relations


@dataclass(frozen=True)
class CandidateFacts:
    """One candidate of the session: shown as `label` (ticket number and masked name) in the reasons."""

    label: str
    person_index: str
    org_ids: frozenset[int] = field(default_factory=frozenset)  # training institution, employer
    org_names: frozenset[str] = field(default_factory=frozenset)  # normalised


def exclusion_reasons(
    examiner: ExaminerFacts, *, occupation_code: str, on: dt.date, candidates: Sequence[CandidateFacts]
) -> list[str]:
    """Why `examiner` may not be drawn (empty: she may). Chinese, one reason per ground."""
    reasons: list[str] = []
    if not examiner.active:
        reasons.append("已停用")
    if not field_covers(examiner.occupations, occupation_code):
        reasons.append("未取得本职业（工种）考评资格")
    if examiner.licence_valid_until is None or examiner.licence_valid_until < on:
        until = examiner.licence_valid_until.isoformat() if examiner.licence_valid_until else "—"
        reasons.append(f"考评员证书已过有效期（至 {until}）")
    if examiner.barred_until is not None and examiner.barred_until >= on:
        reasons.append(f"诚信记录：禁止参与考评至 {examiner.barred_until.isoformat()}")
    for c in candidates:
        if examiner.org_ids & c.org_ids or examiner.org_names & c.org_names:
            reasons.append(f"任职或授课于考生 {c.label} 的培训机构或工作单位")
        if c.person_index and c.person_index in examiner.person_indexes:
            reasons.append(f"已申报与考生 {c.label} 存在亲属或其他利害关系")
        if c.person_index and c.person_index == examiner.id_index:
            reasons.append(f"本人即考生 {c.label}")
    return list(dict.fromkeys(reasons))


def partition(
    examiners: Iterable[ExaminerFacts],
    *,
    occupation_code: str,
    on: dt.date,
    candidates: Sequence[CandidateFacts],
) -> tuple[list[int], list[dict[str, Any]]]:
    """(eligible ids sorted ascending, excluded examiners with every reason)."""
    eligible: list[int] = []
    excluded: list[dict[str, Any]] = []
    for e in sorted(examiners, key=lambda x: x.id):
        reasons = exclusion_reasons(e, occupation_code=occupation_code, on=on, candidates=candidates)
        if reasons:
            excluded.append({"examiner": e.id, "name": e.name, "reason": "；".join(reasons)})
        else:
            eligible.append(e.id)
    return eligible, excluded


def max_carry_over(size: int, rotation_min: Fraction | None) -> int:
    """How many members of the previous batch's panel may sit again: size − ⌈size × rotation_min⌉."""
    if rotation_min is None:
        return size
    return size - math.ceil(Fraction(rotation_min) * size)


@dataclass(frozen=True)
class DrawResult:
    order: list[int]
    members: list[int]
    shortfalls: list[dict[str, Any]]  # empty when the draw satisfies every constraint
    max_carry: int
    carried: int

    @property
    def ok(self) -> bool:
        return not self.shortfalls


def draw_panel(
    eligible: Sequence[int],
    seed: str,
    *,
    size: int,
    previous: Iterable[int] = (),
    rotation_min: Fraction | None = None,
) -> DrawResult:
    """The draw of the module docstring. When the pool cannot satisfy the size or the rotation bound,
    `shortfalls` says which constraint failed and by how much (needed, available, short)."""
    order = shuffled(list(eligible), seed)
    prev = set(previous)
    allowance = max_carry_over(size, rotation_min) if prev else size
    members: list[int] = []
    carried = 0
    for examiner_id in order:
        if len(members) == size:
            break
        if examiner_id in prev:
            if carried >= allowance:
                continue
            carried += 1
        members.append(examiner_id)
    shortfalls: list[dict[str, Any]] = []
    if len(order) < size:
        shortfalls.append(
            {
                "constraint": "size",
                "text": f"考评组不少于 {size} 名考评员，符合条件的仅 {len(order)} 名，差 {size - len(order)} 名",
                "needed": size,
                "available": len(order),
                "short": size - len(order),
            }
        )
    elif len(members) < size:
        fresh_needed = size - allowance
        fresh = len([i for i in order if i not in prev])
        shortfalls.append(
            {
                "constraint": "rotation",
                "text": (
                    f"与上一批次相比至少更换 {fresh_needed} 名考评员，"
                    f"符合条件且未参加上一批次的仅 {fresh} 名，差 {fresh_needed - fresh} 名"
                ),
                "needed": fresh_needed,
                "available": fresh,
                "short": fresh_needed - fresh,
            }
        )
    return DrawResult(
        order=order, members=members, shortfalls=shortfalls, max_carry=allowance, carried=carried
    )


def check_draw(result: DrawResult, *, size: int, minimum: int, rotation_min: Fraction | None) -> Check:
    """The EVL-6 check stored with a draw (or the refusal when it fails)."""
    if result.ok:
        message = f"随机抽取考评员 {size} 名（不少于 {minimum} 名），回避与轮换要求均已满足"
    else:
        message = "可抽取的考评员不足：" + "；".join(s["text"] for s in result.shortfalls)
    return Check(
        "EVL-6",
        result.ok,
        message,
        {
            "size": size,
            "panel_min": minimum,
            "rotation_min": None if rotation_min is None else str(rotation_min),
            "max_carry_over": result.max_carry,
            "carried_over": result.carried,
            "shortfalls": result.shortfalls,
        },
        source=SOURCE_EVL6,
        blocking=True,
    )


def rotation_ok(current: Iterable[int], previous: Iterable[int], rotation_min: Fraction | None) -> bool:
    """Whether `current` changed at least ⌈|current| × rotation_min⌉ members against `previous`."""
    cur = list(current)
    carried = len(set(cur) & set(previous))
    return carried <= max_carry_over(len(cur), rotation_min)


def normalised_names(names: Iterable[str | None]) -> frozenset[str]:
    return frozenset(n for n in (normalise_name(x) for x in names) if n)

"""The training conflict of an evaluation institution (EVL-9; seed 000 Art. 18, 001 Art. 24): neither the
institution nor its subsidiaries, branches or technical-support units may train for an occupation it
evaluates. Pure: the caller reads the listings and passes them as facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peiyu.core.checks import Check

SOURCE_EVL9 = "000 第十八条；001 第二十四条"


@dataclass(frozen=True)
class TrainingListingFacts:
    """An active training listing held by the institution itself or one of its affiliates."""

    holder: str  # the institution's or affiliate's name
    affiliate_id: int | None  # None: the institution itself
    number: str
    occupation_code: str
    occupation_name: str


def conflicting(
    evaluated: Mapping[str, Sequence[str]], training: Iterable[TrainingListingFacts]
) -> list[TrainingListingFacts]:
    """The training listings for an occupation the institution evaluates (`evaluated`: occupation code →
    its evaluation listing numbers)."""
    return [t for t in training if t.occupation_code in evaluated]


def check_training_conflict(
    holder: str,
    *,
    affiliate_id: int | None,
    evaluated: Mapping[str, Sequence[str]],
    training: Iterable[TrainingListingFacts],
) -> Check:
    """One holder (the institution, or one affiliate) against the occupations the institution evaluates."""
    own = [t for t in conflicting(evaluated, training) if t.affiliate_id == affiliate_id]
    if not own:
        return Check(
            "EVL-9",
            True,
            f"“{holder}”未开展本机构所评价职业（工种）的培训",
            {"holder": holder, "affiliate_id": affiliate_id, "listings": []},
            source=SOURCE_EVL9,
        )
    parts = [
        f"{t.occupation_name}（培训目录 {t.number}，评价目录 {'、'.join(evaluated[t.occupation_code])}）"
        for t in own
    ]
    who = "本机构" if affiliate_id is None else f"关联单位“{holder}”"
    return Check(
        "EVL-9",
        False,
        f"{who}开展本机构所评价职业（工种）的培训：" + "；".join(parts),
        {
            "holder": holder,
            "affiliate_id": affiliate_id,
            "listings": [t.number for t in own],
            "evaluation_listings": sorted({n for t in own for n in evaluated[t.occupation_code]}),
            "occupations": sorted({t.occupation_code for t in own}),
        },
        source=SOURCE_EVL9,
        blocking=True,
    )
